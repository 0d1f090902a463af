// OpenSSH's own private key format, openssh-key-v1 (OpenSSH PROTOCOL.key, sshkey.c).
import bcryptPbkdf from 'bcrypt-pbkdf';
import { cbc, ctr, gcm } from '@noble/ciphers/aes.js';
import { chacha20orig } from '@noble/ciphers/chacha.js';
import { poly1305 } from '@noble/ciphers/_poly1305.js';
import { cbcDecrypt } from './cbc-cipher.ts';
import { base64Decode, base64Encode, wrap } from './base64.ts';
import {
  KeyError, MalformedKeyError, PassphraseRequiredError, TamperedKeyError, UnsupportedKeyError, WrongPassphraseError,
} from './errors.ts';
import { checkConsistency, parsePublicBlob, publicBlobOf, type PrivateKeyFile } from './key-material.ts';
import { readOpenSshPrivateFields, writeOpenSshPrivateFields } from './private-blob.ts';
import { bytesEqual, concatBytes, SshReader, SshWriter, utf8Bytes } from './ssh-wire.ts';

const MAGIC = utf8Bytes('openssh-key-v1\0');
const BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
const END = '-----END OPENSSH PRIVATE KEY-----';
/** What ssh-keygen and puttygen use. */
export const OPENSSH_DEFAULT_ROUNDS = 16;
const MAX_ROUNDS = 2000;

interface CipherSpec {
  keyLen: number;
  ivLen: number;
  block: number;
  tagLen: number;
  mode: 'ctr' | 'cbc' | 'gcm' | '3des-cbc' | 'chacha20-poly1305';
}

const CIPHERS: Record<string, CipherSpec> = {
  'aes128-ctr': { keyLen: 16, ivLen: 16, block: 16, tagLen: 0, mode: 'ctr' },
  'aes192-ctr': { keyLen: 24, ivLen: 16, block: 16, tagLen: 0, mode: 'ctr' },
  'aes256-ctr': { keyLen: 32, ivLen: 16, block: 16, tagLen: 0, mode: 'ctr' },
  'aes128-cbc': { keyLen: 16, ivLen: 16, block: 16, tagLen: 0, mode: 'cbc' },
  'aes192-cbc': { keyLen: 24, ivLen: 16, block: 16, tagLen: 0, mode: 'cbc' },
  'aes256-cbc': { keyLen: 32, ivLen: 16, block: 16, tagLen: 0, mode: 'cbc' },
  'aes128-gcm@openssh.com': { keyLen: 16, ivLen: 12, block: 16, tagLen: 16, mode: 'gcm' },
  'aes256-gcm@openssh.com': { keyLen: 32, ivLen: 12, block: 16, tagLen: 16, mode: 'gcm' },
  '3des-cbc': { keyLen: 24, ivLen: 8, block: 8, tagLen: 0, mode: '3des-cbc' },
  // Two ChaCha20 keys (only the first is used without a length header) and no IV (cipher.c).
  'chacha20-poly1305@openssh.com': { keyLen: 64, ivLen: 0, block: 8, tagLen: 16, mode: 'chacha20-poly1305' },
};

/** OpenSSH's chacha20-poly1305 (PROTOCOL.chacha20poly1305) at sequence number 0 with no length header, as sshkey.c uses it. */
function chachaPolyDecrypt(key: Uint8Array, sealed: Uint8Array): Uint8Array {
  const mainKey = key.subarray(0, 32);
  const nonce = new Uint8Array(8);
  const polyKey = chacha20orig(mainKey, nonce, new Uint8Array(32));
  const body = sealed.subarray(0, sealed.length - 16);
  if (!bytesEqual(poly1305(body, polyKey), sealed.subarray(sealed.length - 16))) throw new Error('tag');
  return chacha20orig(mainKey, nonce, body, undefined, 1);
}

function bcryptKdf(passphrase: string, salt: Uint8Array, rounds: number, length: number): Uint8Array {
  const pass = utf8Bytes(passphrase);
  const out = new Uint8Array(length);
  if (bcryptPbkdf.pbkdf(pass, pass.length, salt, salt.length, out, length, rounds) !== 0) throw new MalformedKeyError('OpenSSH private key: bad bcrypt parameters');
  return out;
}

function crypt(spec: CipherSpec, key: Uint8Array, iv: Uint8Array, data: Uint8Array, decrypt: boolean): Uint8Array {
  if (spec.mode === 'ctr') return ctr(key, iv).encrypt(data);
  if (spec.mode === '3des-cbc' || spec.mode === 'chacha20-poly1305') {
    // Read-only: we write aes256-ctr like ssh-keygen.
    if (!decrypt) throw new Error(`writing ${spec.mode} is not supported`);
    return spec.mode === '3des-cbc' ? cbcDecrypt('des-ede3', key, iv, data) : chachaPolyDecrypt(key, data);
  }
  if (spec.mode === 'cbc') {
    const c = cbc(key, iv, { disablePadding: true });
    return decrypt ? c.decrypt(data) : c.encrypt(data);
  }
  const c = gcm(key, iv);
  return decrypt ? c.decrypt(data) : c.encrypt(data);
}

export interface OpenSshWriteOptions {
  /** Empty or absent: cipher and kdf "none". */
  passphrase?: string;
  rounds?: number;
  salt?: Uint8Array;
  /** Two equal check words; random unless given (tests). */
  checkInt?: number;
}

/** Writes openssh-key-v1 as ssh-keygen does: aes256-ctr + bcrypt (16 rounds) or none, base64 at 70 columns, LF. */
export function writeOpenSshPrivate(file: PrivateKeyFile, options: OpenSshWriteOptions = {}): string {
  const encrypted = Boolean(options.passphrase);
  const cipherName = encrypted ? 'aes256-ctr' : 'none';
  const block = encrypted ? 16 : 8;
  const check = options.checkInt ?? new DataView(globalThis.crypto.getRandomValues(new Uint8Array(4)).buffer).getUint32(0);
  const priv = new SshWriter().uint32(check).uint32(check);
  writeOpenSshPrivateFields(priv, file.key);
  priv.string(file.comment);
  let plain = priv.bytes();
  const padLen = (block - (plain.length % block)) % block;
  plain = concatBytes(plain, Uint8Array.from({ length: padLen }, (_, i) => i + 1));

  let kdfOptions: Uint8Array = new Uint8Array(0);
  let stored: Uint8Array = plain;
  if (encrypted) {
    const salt = options.salt ?? globalThis.crypto.getRandomValues(new Uint8Array(16));
    const rounds = options.rounds ?? OPENSSH_DEFAULT_ROUNDS;
    kdfOptions = new SshWriter().string(salt).uint32(rounds).bytes();
    const spec = CIPHERS[cipherName]!;
    const secret = bcryptKdf(options.passphrase!, salt, rounds, spec.keyLen + spec.ivLen);
    stored = crypt(spec, secret.subarray(0, spec.keyLen), secret.subarray(spec.keyLen), plain, false);
  }
  const body = new SshWriter().raw(MAGIC).string(cipherName).string(encrypted ? 'bcrypt' : 'none').string(kdfOptions)
    .uint32(1).string(publicBlobOf(file.key)).string(stored).bytes();
  return [BEGIN, ...wrap(base64Encode(body), 70), END].join('\n') + '\n';
}

export function isOpenSshPrivate(text: string): boolean {
  return text.includes(BEGIN);
}

/** Reads openssh-key-v1 (RSA, Ed25519, ECDSA; unencrypted or bcrypt + AES). */
export async function readOpenSshPrivate(text: string, passphrase?: string): Promise<PrivateKeyFile> {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new MalformedKeyError('OpenSSH private key: BEGIN/END lines missing (file cut short?)');
  const data = base64Decode(text.slice(start + BEGIN.length, end), 'OpenSSH private key');
  if (data.length < MAGIC.length || !bytesEqual(data.subarray(0, MAGIC.length), MAGIC)) throw new MalformedKeyError('OpenSSH private key: not openssh-key-v1');
  const r = new SshReader(data.subarray(MAGIC.length), 'OpenSSH private key');
  const cipherName = r.text();
  const kdfName = r.text();
  const kdfOptions = r.string();
  const count = r.uint32();
  if (count !== 1) throw new UnsupportedKeyError(`OpenSSH private key file holds ${count} keys; only files with one key are supported`);
  const publicBlob = r.string();
  const stored = r.string();
  const spec = cipherName === 'none' ? undefined : CIPHERS[cipherName];
  if (cipherName !== 'none' && !spec) throw new UnsupportedKeyError(`OpenSSH private key cipher "${cipherName.slice(0, 40)}" is not supported; re-encrypt it with \`ssh-keygen -p -Z aes256-ctr -f FILE\``);
  const tag = spec && spec.tagLen ? r.raw(spec.tagLen) : new Uint8Array(0);
  if (r.remaining !== 0) throw new MalformedKeyError('OpenSSH private key: trailing bytes');
  parsePublicBlob(publicBlob, 'OpenSSH public key');

  let plain: Uint8Array;
  if (!spec) {
    if (kdfName !== 'none' || kdfOptions.length !== 0) throw new MalformedKeyError('OpenSSH private key: unencrypted key with a KDF');
    plain = stored;
  } else {
    if (kdfName !== 'bcrypt') throw new UnsupportedKeyError(`OpenSSH private key KDF "${kdfName}" is not supported`);
    const k = new SshReader(kdfOptions, 'OpenSSH KDF options');
    const salt = k.string();
    const rounds = k.uint32();
    if (salt.length === 0 || rounds < 1 || k.remaining !== 0) throw new MalformedKeyError('OpenSSH private key: bad bcrypt parameters');
    if (rounds > MAX_ROUNDS) throw new UnsupportedKeyError(`OpenSSH private key: ${rounds} bcrypt rounds is beyond what we accept (${MAX_ROUNDS})`);
    if (stored.length % spec.block !== 0) throw new MalformedKeyError('OpenSSH private key: encrypted part is not a whole number of blocks');
    if (!passphrase) throw new PassphraseRequiredError();
    const secret = bcryptKdf(passphrase, salt, rounds, spec.keyLen + spec.ivLen);
    try {
      plain = crypt(spec, secret.subarray(0, spec.keyLen), secret.subarray(spec.keyLen), concatBytes(stored, tag), true);
    } catch {
      // Only GCM and chacha20-poly1305 can fail here: the tag does not verify.
      throw new WrongPassphraseError();
    }
  }
  const p = new SshReader(plain, 'OpenSSH private key');
  const check1 = p.uint32();
  const check2 = p.uint32();
  if (check1 !== check2) {
    if (spec) throw new WrongPassphraseError();
    throw new MalformedKeyError('OpenSSH private key: check words differ (damaged file)');
  }
  let file: PrivateKeyFile;
  try {
    const key = readOpenSshPrivateFields(p);
    const comment = p.text();
    const pad = p.rest();
    // ssh-keygen pads 0..block-1 bytes, PuTTY 1..block (a whole block when already aligned): accept both.
    if (pad.length > 16 || pad.some((b, i) => b !== i + 1)) throw new MalformedKeyError('OpenSSH private key: bad padding');
    checkConsistency(key, 'OpenSSH private key');
    file = { key, comment };
  } catch (err) {
    // The check words matched, so the passphrase was right: anything wrong now is damage.
    if (err instanceof UnsupportedKeyError || !(err instanceof KeyError)) throw err;
    throw new TamperedKeyError(`the key file was modified or damaged (${err.message})`);
  }
  if (!bytesEqual(publicBlobOf(file.key), publicBlob)) throw new TamperedKeyError('the key file was modified or damaged: its public and private parts differ');
  return file;
}
