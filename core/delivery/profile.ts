// A server profile: everything the app must know to deliver to one registry server, handed out
// by a hospital's IT department as JSON, or built in (see builtin-profiles.ts).
import { isSidecarStyle, type SidecarStyle } from '../hash/sidecar.ts';

export type AuthMethod = 'publickey' | 'password' | 'keyboard-interactive';
export type KeyType = 'rsa' | 'ed25519' | 'ecdsa';
export type ProfileLanguage = 'nl' | 'fr' | 'en';

export interface KeyRequirement {
  /** Key types the server accepts. */
  types: KeyType[];
  /** Smallest RSA modulus accepted, in bits. */
  minRsaBits: number;
  /** RSA size the operator asks for (VIKZ: always 4096); the key screen preselects it. */
  rsaBits?: number;
}

export interface MailTemplate {
  to: string[];
  /** Addresses to copy; `choose` lets the user pick one of them (e.g. VIKZ's per-sector address). */
  cc: string[];
  ccChoice?: 'all' | 'one';
  /** `{username}` is replaced by the user's account name. */
  subject: string;
  /** The public key file name; `{username}` as above. */
  attachmentName: string;
}

export interface ServerProfile {
  id: string;
  label: string;
  /** The gateway's target id for this server (what `/relay?target=` names). */
  targetId: string;
  /** Account name pattern and an example, e.g. Z-number / P-number. */
  username?: { pattern?: string; example: string };
  authMethods: AuthMethod[];
  key?: KeyRequirement;
  /** Host key fingerprints the operator published (`SHA256:...`); empty: ask the user on first connect. */
  hostKeyFingerprints: string[];
  /** Folder uploads go into, relative to the login folder ('' = the login folder itself). */
  uploadFolder: string;
  sidecar: { required: boolean; style: SidecarStyle };
  /** Upload to a temporary name and rename once complete; false for folders that forbid rename. */
  tempRename: boolean;
  /** Ciphers the server allows, when it restricts them (informational: shown in errors). */
  ciphers?: string[];
  /** Passwords expire after this many days (the Cancer Registry: 14). */
  passwordMaxAgeDays?: number;
  help: { email?: string; url?: string; phone?: string };
  mail?: MailTemplate;
  /** Short notes per language, shown on the connect screen. */
  notes?: Partial<Record<ProfileLanguage, string>>;
  builtIn?: boolean;
}

export const PROFILE_FILE_FORMAT = 'sftp-courier-profiles';
export const PROFILE_FILE_VERSION = 1;

export class ProfileFileError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid profile file: ${problems.join('; ')}`);
    this.name = 'ProfileFileError';
  }
}

const AUTH: readonly AuthMethod[] = ['publickey', 'password', 'keyboard-interactive'];
const KEY_TYPES: readonly KeyType[] = ['rsa', 'ed25519', 'ecdsa'];
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;
const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: Json): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Check one profile from untrusted JSON; every problem is named, none is silently dropped. */
export function validateProfile(raw: Json, where = 'profile'): { profile?: ServerProfile; problems: string[] } {
  const problems: string[] = [];
  const bad = (field: string, why: string) => problems.push(`${where}.${field}: ${why}`);
  if (!isObject(raw)) return { problems: [`${where}: not an object`] };
  const str = (field: string, required = true): string | undefined => {
    const v = raw[field];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || (required && v.trim() === '')) bad(field, 'must be a non-empty text');
    return typeof v === 'string' ? v : undefined;
  };
  const id = str('id');
  if (id !== undefined && !ID.test(id)) bad('id', 'lowercase letters, digits and dashes only');
  const label = str('label');
  const targetId = str('targetId');
  const authMethods = raw.authMethods;
  if (!isStringArray(authMethods) || authMethods.length === 0 || !authMethods.every((m) => (AUTH as readonly string[]).includes(m))) {
    bad('authMethods', `a non-empty list of ${AUTH.join(', ')}`);
  }
  const fps = raw.hostKeyFingerprints ?? [];
  if (!isStringArray(fps) || !fps.every((f) => FINGERPRINT.test(f))) bad('hostKeyFingerprints', 'a list of SHA256:... fingerprints');
  const uploadFolder = raw.uploadFolder ?? '';
  if (typeof uploadFolder !== 'string' || uploadFolder.includes('..') || uploadFolder.startsWith('/')) bad('uploadFolder', 'a relative folder without ".."');
  const sidecar = raw.sidecar ?? { required: true, style: 'hex' };
  if (!isObject(sidecar) || typeof sidecar.required !== 'boolean' || typeof sidecar.style !== 'string' || !isSidecarStyle(sidecar.style)) {
    bad('sidecar', 'an object { required: boolean, style: "hex" | "sha1sum" | "fciv" }');
  }
  const tempRename = raw.tempRename ?? true;
  if (typeof tempRename !== 'boolean') bad('tempRename', 'true or false');
  let key: KeyRequirement | undefined;
  if (raw.key !== undefined) {
    const k = raw.key;
    if (!isObject(k) || !isStringArray(k.types) || !k.types.every((t) => (KEY_TYPES as readonly string[]).includes(t)) || typeof k.minRsaBits !== 'number' || (k.rsaBits !== undefined && typeof k.rsaBits !== 'number')) {
      bad('key', 'an object { types: ["rsa"|"ed25519"|"ecdsa"], minRsaBits: number, rsaBits?: number }');
    } else key = { types: k.types as KeyType[], minRsaBits: k.minRsaBits, ...(typeof k.rsaBits === 'number' ? { rsaBits: k.rsaBits } : {}) };
  }
  const help = raw.help ?? {};
  if (!isObject(help) || Object.values(help).some((v) => typeof v !== 'string')) bad('help', 'an object of texts (email, url, phone)');
  let mail: MailTemplate | undefined;
  if (raw.mail !== undefined) {
    const m = raw.mail;
    if (!isObject(m) || !isStringArray(m.to) || !isStringArray(m.cc) || typeof m.subject !== 'string' || typeof m.attachmentName !== 'string') {
      bad('mail', 'an object { to: [..], cc: [..], subject, attachmentName }');
    } else mail = { to: m.to, cc: m.cc, subject: m.subject, attachmentName: m.attachmentName, ...(m.ccChoice === 'one' || m.ccChoice === 'all' ? { ccChoice: m.ccChoice } : {}) };
  }
  if (raw.passwordMaxAgeDays !== undefined && (typeof raw.passwordMaxAgeDays !== 'number' || raw.passwordMaxAgeDays <= 0)) bad('passwordMaxAgeDays', 'a positive number');
  if (raw.ciphers !== undefined && !isStringArray(raw.ciphers)) bad('ciphers', 'a list of cipher names');
  if (raw.username !== undefined && (!isObject(raw.username) || typeof raw.username.example !== 'string' || (raw.username.pattern !== undefined && typeof raw.username.pattern !== 'string'))) {
    bad('username', 'an object { example, pattern? }');
  }
  if (problems.length > 0) return { problems };
  const profile: ServerProfile = {
    id: id!, label: label!, targetId: targetId!,
    authMethods: authMethods as AuthMethod[],
    hostKeyFingerprints: fps as string[],
    uploadFolder: uploadFolder as string,
    sidecar: sidecar as ServerProfile['sidecar'],
    tempRename: tempRename as boolean,
    help: help as ServerProfile['help'],
  };
  if (key) profile.key = key;
  if (mail) profile.mail = mail;
  if (raw.username) profile.username = raw.username as ServerProfile['username'];
  if (typeof raw.passwordMaxAgeDays === 'number') profile.passwordMaxAgeDays = raw.passwordMaxAgeDays;
  if (isStringArray(raw.ciphers)) profile.ciphers = raw.ciphers;
  if (isObject(raw.notes)) profile.notes = raw.notes as ServerProfile['notes'];
  return { profile, problems };
}

/** The JSON file an IT department hands out. */
export function exportProfiles(profiles: ServerProfile[]): string {
  const clean = profiles.map(({ builtIn: _builtIn, ...p }) => p);
  return JSON.stringify({ format: PROFILE_FILE_FORMAT, version: PROFILE_FILE_VERSION, profiles: clean }, null, 2) + '\n';
}

export function importProfiles(text: string): ServerProfile[] {
  let raw: Json;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new ProfileFileError(['not a JSON file']);
  }
  if (!isObject(raw) || raw.format !== PROFILE_FILE_FORMAT) throw new ProfileFileError([`not an SFTP Courier profile file (format must be "${PROFILE_FILE_FORMAT}")`]);
  if (raw.version !== PROFILE_FILE_VERSION) throw new ProfileFileError([`version ${String(raw.version)} is not supported (expected ${PROFILE_FILE_VERSION})`]);
  if (!Array.isArray(raw.profiles)) throw new ProfileFileError(['"profiles" must be a list']);
  const problems: string[] = [];
  const out: ServerProfile[] = [];
  raw.profiles.forEach((p, i) => {
    const r = validateProfile(p, `profiles[${i}]`);
    problems.push(...r.problems);
    if (r.profile) out.push(r.profile);
  });
  const ids = out.map((p) => p.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) problems.push(`profile id "${dup}" appears twice`);
  if (problems.length > 0) throw new ProfileFileError(problems);
  return out;
}

/** Does a key meet the profile's requirement? Returns the reason when it does not. */
export function checkKeyAgainstProfile(profile: ServerProfile, key: { type: KeyType; bits: number }): { ok: true } | { ok: false; reason: 'type' | 'size'; need: KeyRequirement } {
  const need = profile.key;
  if (!need) return { ok: true };
  if (!need.types.includes(key.type)) return { ok: false, reason: 'type', need };
  if (key.type === 'rsa' && key.bits < need.minRsaBits) return { ok: false, reason: 'size', need };
  return { ok: true };
}

export function fillTemplate(template: string, username: string): string {
  return template.replaceAll('{username}', username);
}
