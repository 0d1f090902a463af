// Private key numbers -> non-extractable WebCrypto keys that sign SSH requests (SshUserKey).
import { base64UrlEncode } from './base64.ts';
import { ecdsaCurve, ecdsaScalarBytes, publicBlobOf, rsaCrtExponents, type PrivateKeyMaterial, type SshKeyType } from './key-material.ts';
import type { SshUserKey } from './ssh-user-key.ts';
import { SshWriter } from './ssh-wire.ts';

/** Signature algorithm name -> the CryptoKey that makes it (one per hash, as WebCrypto binds the hash to the key). */
export type SigningKeys = Record<string, CryptoKey>;

const RSA_ALGORITHMS = [
  ['rsa-sha2-512', 'SHA-512'],
  ['rsa-sha2-256', 'SHA-256'],
  ['ssh-rsa', 'SHA-1'],
] as const;

const u = base64UrlEncode;

/** The private key as a JWK, the one form WebCrypto imports for every key type. */
export function privateJwk(key: PrivateKeyMaterial): JsonWebKey {
  if (key.type === 'ssh-rsa') {
    const { dp, dq } = rsaCrtExponents(key);
    return { kty: 'RSA', n: u(key.n), e: u(key.e), d: u(key.d), p: u(key.p), q: u(key.q), dp: u(dp), dq: u(dq), qi: u(key.iqmp) };
  }
  if (key.type === 'ssh-ed25519') return { kty: 'OKP', crv: 'Ed25519', d: u(key.seed), x: u(key.publicKey) };
  const curve = ecdsaCurve(key.type)!;
  const x = key.publicPoint.subarray(1, 1 + curve.size);
  const y = key.publicPoint.subarray(1 + curve.size);
  return { kty: 'EC', crv: curve.namedCurve, x: u(x), y: u(y), d: u(ecdsaScalarBytes(key)) };
}

/** Signature algorithm name -> WebCrypto import parameters, for a key type (RSA: one per hash). */
export function signingAlgorithms(type: SshKeyType): [string, RsaHashedImportParams | EcKeyImportParams | Algorithm][] {
  if (type === 'ssh-rsa') return RSA_ALGORITHMS.map(([name, hash]) => [name, { name: 'RSASSA-PKCS1-v1_5', hash }]);
  if (type === 'ssh-ed25519') return [['ssh-ed25519', { name: 'Ed25519' }]];
  return [[type, { name: 'ECDSA', namedCurve: ecdsaCurve(type)!.namedCurve }]];
}

/** Imports the key into WebCrypto, non-extractable, usable only to sign. */
export async function importSigningKeys(key: PrivateKeyMaterial): Promise<SigningKeys> {
  const subtle = globalThis.crypto.subtle;
  const jwk = privateJwk(key);
  const out: SigningKeys = {};
  for (const [name, params] of signingAlgorithms(key.type)) out[name] = await subtle.importKey('jwk', jwk, params, false, ['sign']);
  return out;
}

/** SSH signatures made by WebCrypto keys (from importSigningKeys or the key store). */
export class CryptoSshUserKey implements SshUserKey {
  readonly algorithms: readonly string[];

  constructor(readonly publicKeyBlob: Uint8Array, private readonly keys: SigningKeys) {
    const preferred = ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
    this.algorithms = Object.keys(keys).sort((a, b) => rank(a) - rank(b));
    function rank(a: string) {
      const i = preferred.indexOf(a);
      return i < 0 ? -1 : i;
    }
  }

  static async fromMaterial(key: PrivateKeyMaterial): Promise<CryptoSshUserKey> {
    return new CryptoSshUserKey(publicBlobOf(key), await importSigningKeys(key));
  }

  async sign(algorithm: string, data: Uint8Array): Promise<Uint8Array> {
    const key = this.keys[algorithm];
    if (!key) throw new Error(`this key cannot sign with ${algorithm} (it offers ${this.algorithms.join(', ')})`);
    const subtle = globalThis.crypto.subtle;
    const w = new SshWriter().string(algorithm);
    if (algorithm.startsWith('rsa-') || algorithm === 'ssh-rsa') {
      return w.string(new Uint8Array(await subtle.sign({ name: 'RSASSA-PKCS1-v1_5' }, key, data as BufferSource))).bytes();
    }
    if (algorithm === 'ssh-ed25519') {
      return w.string(new Uint8Array(await subtle.sign({ name: 'Ed25519' }, key, data as BufferSource))).bytes();
    }
    const curve = ecdsaCurve(algorithm)!;
    // WebCrypto gives r || s (IEEE P1363); SSH wants mpint r, mpint s.
    const rs = new Uint8Array(await subtle.sign({ name: 'ECDSA', hash: curve.hash }, key, data as BufferSource));
    const inner = new SshWriter().mpint(rs.subarray(0, curve.size)).mpint(rs.subarray(curve.size)).bytes();
    return w.string(inner).bytes();
  }
}
