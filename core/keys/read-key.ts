// One entry point for any key file a user may have: sniffs the format and reads it.
import { MalformedKeyError, UnsupportedKeyError } from './errors.ts';
import { md5Fingerprint, sha256Fingerprint } from './fingerprint.ts';
import { keyBits, publicBlobOf, type PrivateKeyFile, type SshKeyType } from './key-material.ts';
import { isOpenSshPrivate, readOpenSshPrivate } from './openssh-private.ts';
import { isPem, readPemPrivate } from './pem.ts';
import { isPpk, readPpk } from './ppk.ts';
import { isRfc4716, readOpenSshPublic, readRfc4716, type CertificateInfo } from './public-key-files.ts';

export type KeyFileFormat = 'ppk' | 'openssh' | 'pem' | 'rfc4716' | 'openssh-public' | 'openssh-certificate';

/** What `key info` prints and the Keys screen shows. */
export interface KeySummary {
  type: SshKeyType;
  bits: number;
  comment: string;
  publicBlob: Uint8Array;
  sha256: string;
  md5: string;
  /** The file was an OpenSSH certificate; the rest describes the key inside it. */
  certificate?: CertificateInfo;
}

export interface ReadKeyResult {
  format: KeyFileFormat;
  summary: KeySummary;
  /** Present for private key files. */
  privateKey?: PrivateKeyFile;
}

const MAX_KEY_FILE = 1024 * 1024;

export function keyFileText(input: string | Uint8Array): string {
  if (typeof input === 'string') return input;
  if (input.length > MAX_KEY_FILE) throw new MalformedKeyError('not a key file (too large)');
  return new TextDecoder('utf-8').decode(input);
}

export function summarize(file: PrivateKeyFile): KeySummary {
  const publicBlob = publicBlobOf(file.key);
  return { type: file.key.type, bits: keyBits(file.key), comment: file.comment, publicBlob, sha256: sha256Fingerprint(publicBlob), md5: md5Fingerprint(publicBlob) };
}

export function detectFormat(text: string): KeyFileFormat | undefined {
  if (isPpk(text)) return 'ppk';
  if (isOpenSshPrivate(text)) return 'openssh';
  if (isRfc4716(text)) return 'rfc4716';
  if (isPem(text)) return 'pem';
  if (/^\s*(?:\S+\s+)?(?:ssh-|ecdsa-)\S+\s+AAAA/.test(text)) return 'openssh-public';
  return undefined;
}

/** Whether reading this private key file will need a passphrase (so a UI can ask first). */
export function needsPassphrase(input: string | Uint8Array): boolean {
  const text = keyFileText(input);
  if (isPpk(text)) return /^Encryption: (?!none\s*$).+$/m.test(text);
  if (text.includes('BEGIN ENCRYPTED PRIVATE KEY') || /Proc-Type:\s*4,\s*ENCRYPTED/.test(text)) return true;
  if (isOpenSshPrivate(text)) {
    try {
      const body = text.split('-----')[2] ?? '';
      const bin = atob(body.replace(/\s/g, '').slice(0, 64));
      return !bin.slice(15).includes('none');
    } catch {
      return false;
    }
  }
  return false;
}

/** Reads any supported public or private key file; private keys are decrypted with `passphrase`. */
export async function readKeyFile(input: string | Uint8Array, passphrase?: string): Promise<ReadKeyResult> {
  const text = keyFileText(input);
  const format = detectFormat(text);
  if (format === 'rfc4716' || format === 'openssh-public') {
    const pub = format === 'rfc4716' ? readRfc4716(text) : readOpenSshPublic(text);
    const summary: KeySummary = { type: pub.type, bits: pub.bits, comment: pub.comment, publicBlob: pub.blob, sha256: sha256Fingerprint(pub.blob), md5: md5Fingerprint(pub.blob) };
    if (pub.certificate) summary.certificate = pub.certificate;
    return { format: pub.certificate ? 'openssh-certificate' : format, summary };
  }
  let privateKey: PrivateKeyFile;
  if (format === 'ppk') privateKey = await readPpk(text, passphrase);
  else if (format === 'openssh') privateKey = await readOpenSshPrivate(text, passphrase);
  else if (format === 'pem') privateKey = await readPemPrivate(text, passphrase);
  else if (text.startsWith('SSH PRIVATE KEY FILE FORMAT 1.1')) throw new UnsupportedKeyError('SSH-1 keys are not supported');
  else if (/---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----/.test(text)) {
    throw new UnsupportedKeyError('ssh.com (SECSH) private keys are not supported; load it in PuTTYgen and save it as a .ppk, or convert it with `ssh-keygen -i -f FILE`');
  }
  else throw new MalformedKeyError('not a key file we recognise (PuTTY .ppk, OpenSSH, PEM or public key expected)');
  return { format, summary: summarize(privateKey), privateKey };
}

/** Reads a private key file only; a public key file is an error that says so. */
export async function readPrivateKeyFile(input: string | Uint8Array, passphrase?: string): Promise<PrivateKeyFile> {
  const result = await readKeyFile(input, passphrase);
  if (!result.privateKey) throw new UnsupportedKeyError('this is a public key; choose the private key file (.ppk, id_rsa, ...)');
  return result.privateKey;
}
