// Public keys allowed to log in to the demo server: every file in the authorized_keys folder,
// holding OpenSSH lines (`ssh-rsa AAAA... comment`, as in authorized_keys) and/or RFC 4716
// blocks (`---- BEGIN SSH2 PUBLIC KEY ----`, what PuTTYgen saves as publicKey_X.asc).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ssh2, { type ParsedKey } from 'ssh2';

const RFC4716_BLOCK = /---- BEGIN SSH2 PUBLIC KEY ----\r?\n[\s\S]*?---- END SSH2 PUBLIC KEY ----/g;
const OPENSSH_KEY = /(?:^|\s)((?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-nistp(?:256|384|521)|sk-[a-z0-9-]+@openssh\.com) [A-Za-z0-9+/=]+)/;

export interface PublicKeyParse {
  keys: ParsedKey[];
  /** Lines or blocks that looked like keys but did not parse, with why. */
  errors: string[];
}

/**
 * An RFC 4716 block (`Comment:` and other headers, continuation lines ending in `\\`, then the
 * base64 key blob) as the one-line OpenSSH form `type base64`, the type read from the blob itself.
 * ssh2's own RFC 4716 reader refuses Ed25519 and ECDSA keys, so the block is never handed to it.
 */
function rfc4716AsOpenSshLine(block: string): string | null {
  const lines = block.split(/\r?\n/).slice(1, -1);
  const body: string[] = [];
  let continued = false;
  for (const line of lines) {
    const header: boolean = continued || /^[\x21-\x39\x3b-\x7e]{1,64}:/.test(line);
    continued = header && line.endsWith('\\');
    if (!header) body.push(line.trim());
  }
  const blob = Buffer.from(body.join(''), 'base64');
  if (blob.length < 4) return null;
  const typeLength = blob.readUInt32BE(0);
  if (typeLength < 1 || typeLength > 64 || 4 + typeLength > blob.length) return null;
  const type = blob.subarray(4, 4 + typeLength).toString('latin1');
  return /^[a-z0-9@.-]+$/.test(type) ? `${type} ${blob.toString('base64')}` : null;
}

/** Parses every public key in a text; private keys are refused (they never belong here). */
export function parsePublicKeys(text: string): PublicKeyParse {
  const keys: ParsedKey[] = [];
  const errors: string[] = [];
  if (/PRIVATE KEY|PuTTY-User-Key-File/.test(text)) return { keys, errors: ['this is a private key: only the public half may be registered'] };
  const add = (candidate: string) => {
    const parsed = ssh2.utils.parseKey(candidate);
    if (parsed instanceof Error) errors.push(parsed.message);
    else if (Array.isArray(parsed)) keys.push(...parsed);
    else if (parsed.isPrivateKey()) errors.push('a private key is not accepted here');
    else keys.push(parsed);
  };
  for (const block of text.match(RFC4716_BLOCK) ?? []) {
    const line = rfc4716AsOpenSshLine(block);
    if (line) add(line);
    else errors.push('an SSH2 PUBLIC KEY block without a readable key');
  }
  const rest = text.replace(RFC4716_BLOCK, '');
  for (const line of rest.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const m = OPENSSH_KEY.exec(trimmed);
    if (m?.[1]) add(m[1]);
    else errors.push(`not a public key line: ${trimmed.slice(0, 40)}`);
  }
  return { keys, errors };
}

/** All keys in the folder, read afresh (a key dropped in works at the next login). */
export function loadAuthorizedKeys(dir: string): ParsedKey[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const keys: ParsedKey[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      if (!statSync(file).isFile() || statSync(file).size > 64 * 1024) continue;
      keys.push(...parsePublicKeys(readFileSync(file, 'utf8')).keys);
    } catch {
      // An unreadable file authorises nothing.
    }
  }
  return keys;
}
