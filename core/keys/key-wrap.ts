// A kept key locked at rest: the private key as PKCS#8, wrapped (AES-256-GCM, WebCrypto
// wrapKey) with a key derived from the user's passphrase by Argon2id; the parameters travel with
// it. Unwrapping goes from the wrapped bytes straight to non-extractable signing CryptoKeys, so
// no script ever holds the private key in the clear. The public blob is the GCM additional data:
// a wrapped key pasted under another key's entry does not unwrap.
import { argon2id } from 'hash-wasm';
import { privateJwk, signingAlgorithms, type SigningKeys } from './crypto-key.ts';
import { StoredKeyWrongPassphraseError, UnsupportedKeyError } from './errors.ts';
import { publicBlobOf, type PrivateKeyMaterial, type SshKeyType } from './key-material.ts';
import { utf8Bytes } from './ssh-wire.ts';

export interface WrapKdf {
  algorithm: 'argon2id';
  /** KiB */
  memory: number;
  passes: number;
  parallelism: number;
  salt: Uint8Array;
}

export interface WrappedPrivateKey {
  /** What was wrapped: the private key as PKCS#8 DER. */
  format: 'pkcs8';
  cipher: 'AES-GCM-256';
  kdf: WrapKdf;
  iv: Uint8Array;
  wrapped: Uint8Array;
}

/**
 * RFC 9106's second recommendation (64 MiB, 3 passes); one lane, as hash-wasm computes lanes one
 * after another anyway. About half a second in a browser worker: paid once per session.
 */
export const STORE_KDF = { memory: 65536, passes: 3, parallelism: 1 } as const;

// A stored record asks for these; refuse absurd values rather than hang or run out of memory.
const MAX_MEMORY = 1024 * 1024;
const MAX_PASSES = 100;

async function wrappingKey(passphrase: string, kdf: WrapKdf, usage: 'wrapKey' | 'unwrapKey'): Promise<CryptoKey> {
  if (kdf.algorithm !== 'argon2id' || kdf.memory > MAX_MEMORY || kdf.passes > MAX_PASSES || kdf.memory < 8 * kdf.parallelism) {
    throw new UnsupportedKeyError('the kept key names key-derivation parameters we do not accept');
  }
  const secret = await argon2id({
    password: utf8Bytes(passphrase), salt: kdf.salt, iterations: kdf.passes, parallelism: kdf.parallelism, memorySize: kdf.memory, hashLength: 32, outputType: 'binary',
  });
  try {
    return await globalThis.crypto.subtle.importKey('raw', secret as BufferSource, { name: 'AES-GCM' }, false, [usage]);
  } finally {
    secret.fill(0);
  }
}

/** Wraps `key` with `passphrase`. `kdf` overrides the cost (tests use less). */
export async function wrapPrivateKey(key: PrivateKeyMaterial, passphrase: string, kdf: Partial<Omit<WrapKdf, 'algorithm' | 'salt'>> = {}): Promise<WrappedPrivateKey> {
  const subtle = globalThis.crypto.subtle;
  const params: WrapKdf = { algorithm: 'argon2id', ...STORE_KDF, ...kdf, salt: globalThis.crypto.getRandomValues(new Uint8Array(16)) };
  const kek = await wrappingKey(passphrase, params, 'wrapKey');
  const [[, algorithm]] = signingAlgorithms(key.type) as [[string, Algorithm]];
  // Extractable only for this one wrapKey call; it goes out of scope right after.
  const plain = await subtle.importKey('jwk', privateJwk(key), algorithm, true, ['sign']);
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const wrapped = await subtle.wrapKey('pkcs8', plain, kek, { name: 'AES-GCM', iv, additionalData: publicBlobOf(key) as BufferSource });
  return { format: 'pkcs8', cipher: 'AES-GCM-256', kdf: params, iv, wrapped: new Uint8Array(wrapped) };
}

/** Unwraps into non-extractable signing keys (RSA: one per hash); a wrong passphrase is StoredKeyWrongPassphraseError. */
export async function unwrapSigningKeys(type: SshKeyType, publicBlob: Uint8Array, w: WrappedPrivateKey, passphrase: string): Promise<SigningKeys> {
  const subtle = globalThis.crypto.subtle;
  if (w.format !== 'pkcs8' || w.cipher !== 'AES-GCM-256') throw new UnsupportedKeyError('the kept key is wrapped in a way this version does not know');
  const kek = await wrappingKey(passphrase, w.kdf, 'unwrapKey');
  const out: SigningKeys = {};
  for (const [name, params] of signingAlgorithms(type)) {
    try {
      out[name] = await subtle.unwrapKey('pkcs8', w.wrapped as BufferSource, kek, { name: 'AES-GCM', iv: w.iv as BufferSource, additionalData: publicBlob as BufferSource }, params, false, ['sign']);
    } catch (err) {
      // AES-GCM's tag did not verify: the passphrase is not the one the key was locked with.
      if (err instanceof Error && err.name === 'OperationError') throw new StoredKeyWrongPassphraseError();
      throw err;
    }
  }
  return out;
}
