// A server profile: everything the app must know to deliver to one registry server, handed out
// by a hospital's IT department as JSON, or built in (see builtin-profiles.ts).
import { isSidecarStyle, type SidecarStyle } from '../hash/sidecar.ts';
import { compileUsernamePattern, UsernamePatternError } from './username-pattern.ts';

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
  /**
   * Sign with an RSA key as ssh-rsa (SHA-1) where the server accepts nothing better, as the CLI's
   * --allow-ssh-rsa does; false when absent. SHA-1 signatures can be forged: the app warns.
   */
  allowSshRsa?: boolean;
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

/** The fields of a profile a problem can be about. */
export type ProfileField =
  | 'id' | 'label' | 'targetId' | 'authMethods' | 'hostKeyFingerprints' | 'uploadFolder' | 'sidecar' | 'tempRename'
  | 'key' | 'help' | 'mail' | 'passwordMaxAgeDays' | 'ciphers' | 'username' | 'allowSshRsa';

/** One problem of a profile file as data, so the app can word it in the user's language. */
export type ProfileProblem =
  | { kind: 'not-json' }
  | { kind: 'not-profile-file' }
  | { kind: 'version'; version: string }
  | { kind: 'profiles-not-list' }
  /** Profile number `profile` (0-based) is not an object at all. */
  | { kind: 'not-object'; profile?: number }
  /** A field is missing (`required`) or not what it must be (`invalid`). */
  | { kind: 'field'; profile?: number; label?: string; field: ProfileField; rule: 'required' | 'invalid' }
  | { kind: 'duplicate-id'; id: string }
  /** The user-name pattern is outside the safe subset SFTP Courier runs (see username-pattern.ts). */
  | { kind: 'username-pattern'; profile?: number; label?: string; reason: UsernamePatternError['reason']; position: number };

export class ProfileFileError extends Error {
  /** `problems` in English (logs, CLI); `issues` the same problems as data, in the same order. */
  constructor(readonly problems: string[], readonly issues: ProfileProblem[] = []) {
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
export function validateProfile(raw: Json, where = 'profile', index?: number): { profile?: ServerProfile; problems: string[]; issues: ProfileProblem[] } {
  const problems: string[] = [];
  const issues: ProfileProblem[] = [];
  const at = index === undefined ? {} : { profile: index };
  if (!isObject(raw)) return { problems: [`${where}: not an object`], issues: [{ kind: 'not-object', ...at }] };
  const named = typeof raw.label === 'string' && raw.label.trim() !== '' ? { label: raw.label } : {};
  const bad = (field: ProfileField, why: string, rule: 'required' | 'invalid' = 'invalid') => {
    problems.push(`${where}.${field}: ${why}`);
    issues.push({ kind: 'field', ...at, ...named, field, rule });
  };
  const str = (field: 'id' | 'label' | 'targetId'): string | undefined => {
    const v = raw[field];
    if (typeof v !== 'string' || v.trim() === '') bad(field, 'must be a non-empty text', 'required');
    return typeof v === 'string' ? v : undefined;
  };
  const id = str('id');
  if (id !== undefined && id.trim() !== '' && !ID.test(id)) bad('id', 'lowercase letters, digits and dashes only');
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
  if (raw.allowSshRsa !== undefined && typeof raw.allowSshRsa !== 'boolean') bad('allowSshRsa', 'true or false');
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
  } else if (isObject(raw.username) && typeof raw.username.pattern === 'string') {
    try {
      compileUsernamePattern(raw.username.pattern);
    } catch (err) {
      if (!(err instanceof UsernamePatternError)) throw err;
      problems.push(`${where}.username.pattern: ${err.message}`);
      issues.push({ kind: 'username-pattern', ...at, ...named, reason: err.reason, position: err.position });
    }
  }
  if (problems.length > 0) return { problems, issues };
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
  if (raw.allowSshRsa === true) profile.allowSshRsa = true;
  if (isObject(raw.notes)) profile.notes = raw.notes as ServerProfile['notes'];
  return { profile, problems, issues };
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
    throw new ProfileFileError(['not a JSON file'], [{ kind: 'not-json' }]);
  }
  if (!isObject(raw) || raw.format !== PROFILE_FILE_FORMAT) {
    throw new ProfileFileError([`not an SFTP Courier profile file (format must be "${PROFILE_FILE_FORMAT}")`], [{ kind: 'not-profile-file' }]);
  }
  if (raw.version !== PROFILE_FILE_VERSION) {
    throw new ProfileFileError([`version ${String(raw.version)} is not supported (expected ${PROFILE_FILE_VERSION})`], [{ kind: 'version', version: String(raw.version) }]);
  }
  if (!Array.isArray(raw.profiles)) throw new ProfileFileError(['"profiles" must be a list'], [{ kind: 'profiles-not-list' }]);
  const problems: string[] = [];
  const issues: ProfileProblem[] = [];
  const out: ServerProfile[] = [];
  raw.profiles.forEach((p, i) => {
    const r = validateProfile(p, `profiles[${i}]`, i);
    problems.push(...r.problems);
    issues.push(...r.issues);
    if (r.profile) out.push(r.profile);
  });
  const ids = out.map((p) => p.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) {
    problems.push(`profile id "${dup}" appears twice`);
    issues.push({ kind: 'duplicate-id', id: dup });
  }
  if (problems.length > 0) throw new ProfileFileError(problems, issues);
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
