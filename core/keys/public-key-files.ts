// Public key files: RFC 4716 (PuTTYgen's "Save public key", the .asc users mail) and the
// OpenSSH authorized_keys line. Both writers are byte-exact; both readers are tolerant.
import { base64Decode, base64Encode, wrap } from './base64.ts';
import { MalformedKeyError, UnsupportedKeyError } from './errors.ts';
import { ecdsaCurve, parsePublicBlob, type PublicKeyInfo } from './key-material.ts';
import { SshReader, SshWriter } from './ssh-wire.ts';

/** What an OpenSSH certificate (`id_rsa-cert.pub`) says beside the key it certifies. */
export interface CertificateInfo {
  /** e.g. ssh-rsa-cert-v01@openssh.com */
  type: string;
  keyId: string;
  principals: string[];
}

export interface PublicKeyFile extends PublicKeyInfo {
  comment: string;
  /** Set when the file was a certificate: `blob` is then the plain key inside it. */
  certificate?: CertificateInfo;
}

const CERT_SUFFIX = '-cert-v01@openssh.com';

/**
 * The plain public key inside an OpenSSH certificate blob (PROTOCOL.certkeys), as `ssh-keygen -l`
 * fingerprints it, and the certificate's key id and principals.
 */
export function readCertificateBlob(blob: Uint8Array): { key: PublicKeyInfo; certificate: CertificateInfo } {
  const what = 'OpenSSH certificate';
  const r = new SshReader(blob, what);
  const certType = r.text();
  const plainType = certType.endsWith(CERT_SUFFIX) ? certType.slice(0, -CERT_SUFFIX.length) : '';
  r.string(); // nonce
  const w = new SshWriter().string(plainType);
  if (plainType === 'ssh-rsa') w.mpint(r.mpint()).mpint(r.mpint());
  else if (plainType === 'ssh-ed25519') w.string(r.string());
  else if (ecdsaCurve(plainType)) w.string(r.string()).string(r.string());
  else throw new UnsupportedKeyError(`certificate type "${certType.slice(0, 60)}" is not supported (RSA, Ed25519 and ECDSA certificates are)`);
  r.raw(8); // serial
  r.uint32(); // user or host certificate
  const keyId = r.text();
  const p = new SshReader(r.string(), what);
  const principals: string[] = [];
  while (p.remaining > 0) principals.push(p.text());
  return { key: parsePublicBlob(w.bytes(), what), certificate: { type: certType, keyId, principals } };
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
  const comment = words.slice(at + 2).join(' ');
  if (words[at]!.endsWith(CERT_SUFFIX)) {
    const { key, certificate } = readCertificateBlob(blob);
    if (certificate.type !== words[at]) throw new MalformedKeyError(`OpenSSH certificate: line says ${words[at]} but the certificate is ${certificate.type}`);
    return { ...key, comment, certificate };
  }
  const info = parsePublicBlob(blob, 'OpenSSH public key');
  if (info.type !== words[at]) throw new MalformedKeyError(`OpenSSH public key: line says ${words[at]} but the key is ${info.type}`);
  return { ...info, comment };
}
