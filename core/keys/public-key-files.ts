// Public key files: RFC 4716 (PuTTYgen's "Save public key", the .asc users mail) and the
// OpenSSH authorized_keys line. Both writers are byte-exact; both readers are tolerant.
import { base64Decode, base64Encode, wrap } from './base64.ts';
import { MalformedKeyError } from './errors.ts';
import { parsePublicBlob, type PublicKeyInfo } from './key-material.ts';

export interface PublicKeyFile extends PublicKeyInfo {
  comment: string;
}

const BEGIN = '---- BEGIN SSH2 PUBLIC KEY ----';
const END = '---- END SSH2 PUBLIC KEY ----';

/**
 * RFC 4716 as PuTTYgen on Windows saves it: CRLF, only a Comment header with `\` and `"`
 * backslash-escaped inside quotes, base64 at 64 characters a line.
 */
export function writeRfc4716(blob: Uint8Array, comment: string, eol = '\r\n'): string {
  const escaped = comment.replace(/[\\"]/g, (c) => `\\${c}`);
  const lines = [BEGIN, `Comment: "${escaped}"`, ...wrap(base64Encode(blob), 64), END];
  return lines.join(eol) + eol;
}

/** `ssh-rsa AAAA... comment` + LF, as in authorized_keys and ssh-keygen's .pub files. */
export function writeOpenSshPublic(blob: Uint8Array, type: string, comment: string): string {
  const tail = comment.replace(/[\r\n]+/g, ' ').trim();
  return `${type} ${base64Encode(blob)}${tail ? ` ${tail}` : ''}\n`;
}

export function isRfc4716(text: string): boolean {
  return text.trimStart().startsWith(BEGIN);
}

/** Reads RFC 4716: headers (continued with a trailing `\`), Comment unquoted and unescaped. */
export function readRfc4716(text: string): PublicKeyFile {
  const lines = text.split(/\r\n|\r|\n/).map((l) => l.trim());
  const start = lines.indexOf(BEGIN);
  const end = lines.indexOf(END);
  if (start < 0 || end < start) throw new MalformedKeyError('RFC 4716 public key: BEGIN/END lines missing');
  let comment = '';
  let i = start + 1;
  const body: string[] = [];
  for (; i < end; i++) {
    let line = lines[i]!;
    if (!/^[A-Za-z0-9-]{1,64}:/.test(line)) break;
    while (line.endsWith('\\') && i + 1 < end) line = line.slice(0, -1) + lines[++i]!;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    let value = line.slice(colon + 1).trim();
    if (name === 'comment') {
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
      comment = value;
    }
  }
  for (; i < end; i++) body.push(lines[i]!);
  const blob = base64Decode(body.join(''), 'RFC 4716 public key');
  return { ...parsePublicBlob(blob, 'RFC 4716 public key'), comment };
}

/** Reads one OpenSSH public key line (options before the type, as in authorized_keys, are skipped). */
export function readOpenSshPublic(text: string): PublicKeyFile {
  const line = text.split(/\r\n|\r|\n/).map((l) => l.trim()).find((l) => l && !l.startsWith('#'));
  if (!line) throw new MalformedKeyError('OpenSSH public key: empty file');
  const words = line.split(/\s+/);
  const at = words.findIndex((w) => /^(ssh-|ecdsa-|sk-)/.test(w) && words.length > 1);
  if (at < 0 || at + 1 >= words.length) throw new MalformedKeyError('OpenSSH public key: no "type base64" pair found');
  const blob = base64Decode(words[at + 1]!, 'OpenSSH public key');
  const info = parsePublicBlob(blob, 'OpenSSH public key');
  if (info.type !== words[at]) throw new MalformedKeyError(`OpenSSH public key: line says ${words[at]} but the key is ${info.type}`);
  return { ...info, comment: words.slice(at + 2).join(' ') };
}
