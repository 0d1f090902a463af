// PuTTY private key files, versions 2 and 3 (PuTTY manual appendix C; sshpubk.c).
import { argon2d, argon2i, argon2id } from 'hash-wasm';
import { cbc } from '@noble/ciphers/aes.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64Decode, base64Encode, hexDecode, hexEncode, wrap } from './base64.ts';
import {
  MalformedKeyError, PassphraseRequiredError, TamperedKeyError, UnsupportedKeyError, WrongPassphraseError,
} from './errors.ts';
import { checkConsistency, parsePublicBlob, publicBlobOf, type PrivateKeyFile } from './key-material.ts';
import { ppkPrivateBlob, readPpkPrivateBlob } from './private-blob.ts';
import { bytesEqual, concatBytes, SshWriter, utf8Bytes } from './ssh-wire.ts';

export type Argon2Flavour = 'Argon2id' | 'Argon2i' | 'Argon2d';

export interface Argon2Params {
  flavour: Argon2Flavour;
  /** KiB */
  memory: number;
  passes: number;
  parallelism: number;
  salt: Uint8Array;
}

/** PuTTYgen's defaults: Argon2id, 8 MiB, one lane; PuTTY tunes passes to ~100 ms, we fix 13. */
export const PPK3_DEFAULT_ARGON2 = { flavour: 'Argon2id', memory: 8192, passes: 13, parallelism: 1 } as const;

// Refuse absurd parameters from a file instead of hanging or exhausting memory.
const MAX_ARGON2_MEMORY = 1024 * 1024;
const MAX_ARGON2_PASSES = 10_000;

export interface PpkWriteOptions {
  version: 2 | 3;
  /** Empty or absent: `Encryption: none`. */
  passphrase?: string;
  argon2?: Partial<Omit<Argon2Params, 'salt'>> & { salt?: Uint8Array };
  /** Line ending; PuTTY ≥ 0.75 writes LF. */
  eol?: string;
}

async function argon2Derive(passphrase: Uint8Array, p: Argon2Params): Promise<Uint8Array> {
  const fn = p.flavour === 'Argon2id' ? argon2id : p.flavour === 'Argon2i' ? argon2i : argon2d;
  try {
    return await fn({ password: passphrase, salt: p.salt, iterations: p.passes, parallelism: p.parallelism, memorySize: p.memory, hashLength: 80, outputType: 'binary' });
  } catch (err) {
    // e.g. WebAssembly memory for a huge Argon2-Memory: the file asks for more than this device gives.
    throw new UnsupportedKeyError(`Argon2 key derivation failed (${err instanceof Error ? err.message : String(err)})`);
  }
}

interface PpkSecrets {
  cipherKey: Uint8Array;
  iv: Uint8Array;
  macKey: Uint8Array;
}

function v2Secrets(passphrase: Uint8Array | undefined): PpkSecrets {
  const pass = passphrase ?? new Uint8Array(0);
  const seq = (i: number) => sha1(concatBytes(new Uint8Array([0, 0, 0, i]), pass));
  return {
    cipherKey: concatBytes(seq(0), seq(1)).slice(0, 32),
    iv: new Uint8Array(16),
    macKey: sha1(concatBytes(utf8Bytes('putty-private-key-file-mac-key'), pass)),
  };
}

function macInput(algorithm: string, encryption: string, comment: string, publicBlob: Uint8Array, privatePlain: Uint8Array): Uint8Array {
  return new SshWriter().string(algorithm).string(encryption).string(comment).string(publicBlob).string(privatePlain).bytes();
}

function randomBytes(n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

/** Writes a PPK v2 or v3 file, byte for byte as puttygen does (LF line endings by default). */
export async function writePpk(file: PrivateKeyFile, options: PpkWriteOptions): Promise<string> {
  const { key } = file;
  const comment = file.comment.replace(/[\r\n]+/g, ' ');
  const eol = options.eol ?? '\n';
  const encrypted = Boolean(options.passphrase);
  const encryption = encrypted ? 'aes256-cbc' : 'none';
  const pass = encrypted ? utf8Bytes(options.passphrase!) : undefined;
  const publicBlob = publicBlobOf(key);
  let plain = ppkPrivateBlob(key);
  if (encrypted && plain.length % 16 !== 0) {
    // PuTTY pads with the start of SHA-1(unpadded blob) rather than random bytes.
    plain = concatBytes(plain, sha1(plain).subarray(0, 16 - (plain.length % 16)));
  }
  const lines = [`PuTTY-User-Key-File-${options.version}: ${key.type}`, `Encryption: ${encryption}`, `Comment: ${comment}`];
  const pubB64 = wrap(base64Encode(publicBlob), 64);
  lines.push(`Public-Lines: ${pubB64.length}`, ...pubB64);

  let secrets: PpkSecrets;
  if (options.version === 3) {
    if (encrypted) {
      const a: Argon2Params = {
        flavour: options.argon2?.flavour ?? PPK3_DEFAULT_ARGON2.flavour,
        memory: options.argon2?.memory ?? PPK3_DEFAULT_ARGON2.memory,
        passes: options.argon2?.passes ?? PPK3_DEFAULT_ARGON2.passes,
        parallelism: options.argon2?.parallelism ?? PPK3_DEFAULT_ARGON2.parallelism,
        salt: options.argon2?.salt ?? randomBytes(16),
      };
      const out = await argon2Derive(pass!, a);
      secrets = { cipherKey: out.slice(0, 32), iv: out.slice(32, 48), macKey: out.slice(48, 80) };
      lines.push(`Key-Derivation: ${a.flavour}`, `Argon2-Memory: ${a.memory}`, `Argon2-Passes: ${a.passes}`, `Argon2-Parallelism: ${a.parallelism}`, `Argon2-Salt: ${hexEncode(a.salt)}`);
    } else {
      secrets = { cipherKey: new Uint8Array(0), iv: new Uint8Array(0), macKey: new Uint8Array(0) };
    }
  } else {
    secrets = v2Secrets(pass);
  }
  const stored = encrypted ? cbc(secrets.cipherKey, secrets.iv, { disablePadding: true }).encrypt(plain) : plain;
  const privB64 = wrap(base64Encode(stored), 64);
  lines.push(`Private-Lines: ${privB64.length}`, ...privB64);
  const input = macInput(key.type, encryption, comment, publicBlob, plain);
  const mac = options.version === 3 ? hmac(sha256, secrets.macKey, input) : hmac(sha1, secrets.macKey, input);
  lines.push(`Private-MAC: ${hexEncode(mac)}`);
  return lines.join(eol) + eol;
}

export function isPpk(text: string): boolean {
  return /^PuTTY-User-Key-File-\d+:/.test(text.trimStart());
}

class LineCursor {
  private i = 0;
  constructor(private readonly lines: string[]) {}

  /**
   * The value after `Name: `. White space at the end is dropped, except in the Comment: PuTTY
   * keeps it there and the MAC covers it ("key " and "key" are different comments). An empty
   * comment is `Comment: `, or `Comment:` once an editor has trimmed the line.
   */
  header(name: string): string {
    const line = this.lines[this.i];
    if (line === undefined) throw new MalformedKeyError(`PPK file cut short: "${name}" line missing`);
    const prefix = `${name}: `;
    let value: string;
    if (line.startsWith(prefix)) value = line.slice(prefix.length);
    else if (line.trimEnd() === `${name}:`) value = '';
    else throw new MalformedKeyError(`PPK file: expected "${name}:" at line ${this.i + 1}`);
    this.i++;
    return name === 'Comment' ? value : value.trimEnd();
  }

  peek(name: string): boolean {
    return this.lines[this.i]?.startsWith(`${name}: `) ?? false;
  }

  count(name: string, max: number): number {
    const v = this.header(name);
    if (!/^\d{1,6}$/.test(v) || Number(v) > max) throw new MalformedKeyError(`PPK file: bad "${name}" value`);
    return Number(v);
  }

  block(n: number, what: string): Uint8Array {
    if (this.i + n > this.lines.length) throw new MalformedKeyError(`PPK file cut short in the ${what} lines`);
    const text = this.lines.slice(this.i, this.i + n).join('');
    this.i += n;
    return base64Decode(text, `PPK ${what} lines`);
  }
}

function parseArgon2(c: LineCursor): Argon2Params {
  const kdf = c.header('Key-Derivation');
  if (kdf !== 'Argon2id' && kdf !== 'Argon2i' && kdf !== 'Argon2d') throw new UnsupportedKeyError(`PPK key derivation "${kdf}" is not supported`);
  const num = (name: string, max: number) => {
    const v = c.header(name);
    if (!/^\d{1,10}$/.test(v) || Number(v) < 1) throw new MalformedKeyError(`PPK file: bad "${name}" value`);
    if (Number(v) > max) throw new UnsupportedKeyError(`PPK ${name} ${v} is beyond what we accept (${max})`);
    return Number(v);
  };
  const memory = num('Argon2-Memory', MAX_ARGON2_MEMORY);
  const passes = num('Argon2-Passes', MAX_ARGON2_PASSES);
  const parallelism = num('Argon2-Parallelism', 255);
  if (memory < 8 * parallelism) throw new MalformedKeyError('PPK file: Argon2 memory below 8 KiB per lane');
  const salt = hexDecode(c.header('Argon2-Salt'), 'PPK Argon2 salt');
  if (salt.length < 8) throw new MalformedKeyError('PPK file: Argon2 salt too short');
  return { flavour: kdf, memory, passes, parallelism, salt };
}

/** Whether the decrypted private blob looks like a right decryption (structure + PuTTY padding). */
function plausible(publicBlob: Uint8Array, plain: Uint8Array): boolean {
  try {
    const { key, trailing } = readPpkPrivateBlob(publicBlob, plain);
    if (trailing.length >= 16) return false;
    const unpadded = plain.subarray(0, plain.length - trailing.length);
    if (!bytesEqual(trailing, sha1(unpadded).subarray(0, trailing.length))) return false;
    if (key.type === 'ssh-rsa') {
      // iqmp·q ≡ 1 (mod p) holds for the true private half whatever happened to the public one
      const big = (b: Uint8Array) => BigInt('0x' + (hexEncode(b) || '0'));
      const p = big(key.p);
      return p > 1n && (big(key.iqmp) * big(key.q)) % p === 1n;
    }
    return true;
  } catch {
    return false;
  }
}

/** Reads PPK v2 or v3 (any Argon2 flavour); throws the specific KeyError on failure. */
export async function readPpk(text: string, passphrase?: string): Promise<PrivateKeyFile> {
  // Lines end at LF, CRLF or CR, as PuTTY's read_body; nothing else is trimmed here (see header()).
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  const first = /^PuTTY-User-Key-File-(\d+): (.*)$/.exec(lines[0]?.trimEnd() ?? '');
  if (!first) throw new MalformedKeyError('not a PuTTY key file');
  const version = Number(first[1]);
  if (version !== 2 && version !== 3) throw new UnsupportedKeyError(`PuTTY key file version ${first[1]!.slice(0, 6)} is not supported (only 2 and 3); load it in PuTTYgen and save it again`);
  // Check completeness first, so a cut-off file is reported as such and not by a half value.
  if (!lines.some((l) => /^Private-MAC: [0-9a-fA-F]{40}(?:[0-9a-fA-F]{24})?\s*$/.test(l))) throw new MalformedKeyError('PPK file cut short or damaged (no complete Private-MAC line)');
  const algorithm = first[2]!;
  const c = new LineCursor(lines.slice(1));
  const encryption = c.header('Encryption');
  if (encryption !== 'none' && encryption !== 'aes256-cbc') throw new UnsupportedKeyError(`PPK encryption "${encryption}" is not supported`);
  const comment = c.header('Comment');
  const publicBlob = c.block(c.count('Public-Lines', 100_000), 'public');
  const encrypted = encryption === 'aes256-cbc';
  const argon = version === 3 && encrypted ? parseArgon2(c) : undefined;
  const stored = c.block(c.count('Private-Lines', 100_000), 'private');
  const macHex = c.header('Private-MAC');
  const mac = hexDecode(macHex, 'PPK Private-MAC');
  if (mac.length !== (version === 3 ? 32 : 20)) throw new MalformedKeyError('PPK file: Private-MAC has a wrong length');
  const info = parsePublicBlob(publicBlob, 'PPK public key');
  if (info.type !== algorithm) throw new MalformedKeyError(`PPK file: header says ${algorithm} but the public key is ${info.type}`);
  if (encrypted && stored.length % 16 !== 0) throw new MalformedKeyError('PPK file: encrypted private part is not a whole number of blocks');
  if (encrypted && !passphrase) throw new PassphraseRequiredError();
  const pass = encrypted ? utf8Bytes(passphrase!) : undefined;

  let secrets: PpkSecrets;
  if (version === 3) {
    if (argon) {
      const out = await argon2Derive(pass!, argon);
      secrets = { cipherKey: out.slice(0, 32), iv: out.slice(32, 48), macKey: out.slice(48, 80) };
    } else secrets = { cipherKey: new Uint8Array(0), iv: new Uint8Array(0), macKey: new Uint8Array(0) };
  } else secrets = v2Secrets(pass);

  const plain = encrypted ? cbc(secrets.cipherKey, secrets.iv, { disablePadding: true }).decrypt(stored) : stored;
  const input = macInput(algorithm, encryption, comment, publicBlob, plain);
  const expected = version === 3 ? hmac(sha256, secrets.macKey, input) : hmac(sha1, secrets.macKey, input);
  if (!bytesEqual(expected, mac)) {
    if (encrypted && !plausible(publicBlob, plain)) throw new WrongPassphraseError();
    throw new TamperedKeyError();
  }
  const { key, trailing } = readPpkPrivateBlob(publicBlob, plain);
  if (trailing.length >= 16 || (!encrypted && trailing.length > 0)) throw new MalformedKeyError('PPK private key: unexpected bytes after the key');
  checkConsistency(key, 'PPK private key');
  return { key, comment };
}
