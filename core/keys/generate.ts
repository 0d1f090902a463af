// New key pairs with WebCrypto (browser and Node 20 alike): RSA by default, Ed25519 on request.
import { ed25519 } from '@noble/curves/ed25519.js';
import { base64UrlDecode } from './base64.ts';
import type { PrivateKeyMaterial } from './key-material.ts';

export type KeyGenSpec = { type: 'rsa'; bits: 2048 | 3072 | 4096 } | { type: 'ed25519' };

export const RSA_SIZES = [2048, 3072, 4096] as const;
export const DEFAULT_KEYGEN: KeyGenSpec = { type: 'rsa', bits: 4096 };

export function isRsaSize(n: number): n is 2048 | 3072 | 4096 {
  return (RSA_SIZES as readonly number[]).includes(n);
}

/**
 * PuTTYgen's default comment, `rsa-key-YYYYMMDD` / `ed25519-key-YYYYMMDD` (local date), followed
 * by the account name when there is one (`rsa-key-20261126 Z12345`): the registry sees it in the .asc.
 */
export function defaultComment(type: KeyGenSpec['type'], date = new Date(), ident = ''): string {
  const ymd = `${date.getFullYear()}${String(date.getMonth() + 1).padStart(2, '0')}${String(date.getDate()).padStart(2, '0')}`;
  const id = ident.trim().replace(/\s+/g, ' ');
  return `${type}-key-${ymd}${id ? ` ${id}` : ''}`;
}

function field(jwk: JsonWebKey, name: 'n' | 'e' | 'd' | 'p' | 'q' | 'qi' | 'x'): Uint8Array {
  const v = jwk[name];
  if (typeof v !== 'string') throw new Error(`WebCrypto exported no "${name}"`);
  const b = base64UrlDecode(v, 'JWK');
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return name === 'x' || name === 'd' ? b : b.subarray(i);
}

/**
 * Generates a key pair. RSA key generation in WebCrypto runs off the main thread; the private
 * key is exported once (as JWK) to write the user's files, then only lives in those files and
 * in non-extractable keys.
 */
export async function generateKeyMaterial(spec: KeyGenSpec = DEFAULT_KEYGEN): Promise<PrivateKeyMaterial> {
  const subtle = globalThis.crypto.subtle;
  if (spec.type === 'rsa') {
    if (!isRsaSize(spec.bits)) throw new RangeError(`RSA size must be 2048, 3072 or 4096, not ${spec.bits}`);
    const pair = await subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: spec.bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    );
    const jwk = await subtle.exportKey('jwk', pair.privateKey);
    const p = field(jwk, 'p');
    const q = field(jwk, 'q');
    return { type: 'ssh-rsa', n: field(jwk, 'n'), e: field(jwk, 'e'), d: field(jwk, 'd'), p, q, iqmp: field(jwk, 'qi') };
  }
  try {
    const pair = (await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const jwk = await subtle.exportKey('jwk', pair.privateKey);
    return { type: 'ssh-ed25519', seed: field(jwk, 'd'), publicKey: field(jwk, 'x') };
  } catch (err) {
    if (!(err instanceof Error) || err.name !== 'NotSupportedError') throw err;
    // Browsers before WebCrypto Ed25519 (Chromium < 137): noble, with the platform's CSPRNG.
    const seed = globalThis.crypto.getRandomValues(new Uint8Array(32));
    return { type: 'ssh-ed25519', seed, publicKey: ed25519.getPublicKey(seed) };
  }
}
