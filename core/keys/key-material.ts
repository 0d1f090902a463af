// The private key numbers we read and write, per SSH key type, and the public blob they imply.
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { MalformedKeyError, UnsupportedKeyError } from './errors.ts';
import { bigintToBytes, bytesEqual, bytesToBigint, SshReader, SshWriter } from './ssh-wire.ts';

export type EcdsaKeyType = 'ecdsa-sha2-nistp256' | 'ecdsa-sha2-nistp384' | 'ecdsa-sha2-nistp521';
export type SshKeyType = 'ssh-rsa' | 'ssh-ed25519' | EcdsaKeyType;

/** All numbers are unsigned big-endian without leading zeros. iqmp = q^-1 mod p. */
export interface RsaKeyMaterial {
  type: 'ssh-rsa';
  n: Uint8Array;
  e: Uint8Array;
  d: Uint8Array;
  p: Uint8Array;
  q: Uint8Array;
  iqmp: Uint8Array;
}

export interface Ed25519KeyMaterial {
  type: 'ssh-ed25519';
  /** The 32-byte private seed (RFC 8032 "secret key"). */
  seed: Uint8Array;
  publicKey: Uint8Array;
}

export interface EcdsaKeyMaterial {
  type: EcdsaKeyType;
  /** Uncompressed point 0x04 || x || y. */
  publicPoint: Uint8Array;
  /** Private scalar, unsigned big-endian. */
  d: Uint8Array;
}

export type PrivateKeyMaterial = RsaKeyMaterial | Ed25519KeyMaterial | EcdsaKeyMaterial;

/** A private key as read from (or written to) a file. */
export interface PrivateKeyFile {
  key: PrivateKeyMaterial;
  comment: string;
}

export interface EcdsaCurve {
  type: EcdsaKeyType;
  /** Name inside SSH blobs. */
  sshName: 'nistp256' | 'nistp384' | 'nistp521';
  /** WebCrypto / JWK curve name. */
  namedCurve: 'P-256' | 'P-384' | 'P-521';
  /** Bytes of one coordinate. */
  size: number;
  bits: number;
  /** RFC 5656 §6.2.1: the hash that goes with the curve size. */
  hash: 'SHA-256' | 'SHA-384' | 'SHA-512';
  oid: string;
}

export const ECDSA_CURVES: readonly EcdsaCurve[] = [
  { type: 'ecdsa-sha2-nistp256', sshName: 'nistp256', namedCurve: 'P-256', size: 32, bits: 256, hash: 'SHA-256', oid: '1.2.840.10045.3.1.7' },
  { type: 'ecdsa-sha2-nistp384', sshName: 'nistp384', namedCurve: 'P-384', size: 48, bits: 384, hash: 'SHA-384', oid: '1.3.132.0.34' },
  { type: 'ecdsa-sha2-nistp521', sshName: 'nistp521', namedCurve: 'P-521', size: 66, bits: 521, hash: 'SHA-512', oid: '1.3.132.0.35' },
];

export function ecdsaCurve(type: string): EcdsaCurve | undefined {
  return ECDSA_CURVES.find((c) => c.type === type);
}

export function isSshKeyType(type: string): type is SshKeyType {
  return type === 'ssh-rsa' || type === 'ssh-ed25519' || ecdsaCurve(type) !== undefined;
}

function nobleCurve(curve: EcdsaCurve) {
  return curve.bits === 256 ? p256 : curve.bits === 384 ? p384 : p521;
}

/** The curve whose field prime and group order these are (explicit EC parameters name no curve). */
export function ecdsaCurveByNumbers(prime: bigint, order: bigint): EcdsaCurve | undefined {
  return ECDSA_CURVES.find((c) => {
    const k = nobleCurve(c).Point.CURVE();
    return k.p === prime && k.n === order;
  });
}

/** The SSH public key blob (RFC 4253 §6.6, RFC 8709, RFC 5656). */
export function publicBlobOf(key: PrivateKeyMaterial): Uint8Array {
  const w = new SshWriter().string(key.type);
  if (key.type === 'ssh-rsa') return w.mpint(key.e).mpint(key.n).bytes();
  if (key.type === 'ssh-ed25519') return w.string(key.publicKey).bytes();
  return w.string(ecdsaCurve(key.type)!.sshName).string(key.publicPoint).bytes();
}

/** Key size as ssh-keygen -l reports it. */
export function keyBits(key: PrivateKeyMaterial): number {
  if (key.type === 'ssh-rsa') return bitLength(key.n);
  if (key.type === 'ssh-ed25519') return 256;
  return ecdsaCurve(key.type)!.bits;
}

export function bitLength(unsigned: Uint8Array): number {
  let i = 0;
  while (i < unsigned.length && unsigned[i] === 0) i++;
  if (i === unsigned.length) return 0;
  return (unsigned.length - i - 1) * 8 + (32 - Math.clz32(unsigned[i]!));
}

/** What a public blob says about itself. */
export interface PublicKeyInfo {
  type: SshKeyType;
  bits: number;
  blob: Uint8Array;
}

/** Parses and checks a public blob; unknown types are UnsupportedKeyError. */
export function parsePublicBlob(blob: Uint8Array, what = 'public key'): PublicKeyInfo {
  const r = new SshReader(blob, what);
  const type = r.text();
  if (!isSshKeyType(type)) throw new UnsupportedKeyError(`key type "${type}" is not supported (use RSA, Ed25519 or ECDSA)`);
  let bits: number;
  if (type === 'ssh-rsa') {
    r.mpint();
    const n = r.mpint();
    bits = bitLength(n);
    if (bits < 512) throw new MalformedKeyError(`${what}: RSA modulus too short`);
  } else if (type === 'ssh-ed25519') {
    if (r.string().length !== 32) throw new MalformedKeyError(`${what}: Ed25519 key must be 32 bytes`);
    bits = 256;
  } else {
    const curve = ecdsaCurve(type)!;
    if (r.text() !== curve.sshName) throw new MalformedKeyError(`${what}: curve name does not match key type`);
    const q = r.string();
    if (q.length !== 1 + 2 * curve.size || q[0] !== 4) throw new MalformedKeyError(`${what}: ECDSA point is not an uncompressed ${curve.namedCurve} point`);
    bits = curve.bits;
  }
  if (r.remaining !== 0) throw new MalformedKeyError(`${what}: trailing bytes after the key`);
  return { type, bits, blob };
}

/**
 * Checks that the private numbers belong together (RSA n = p·q, Ed25519/ECDSA public = f(private)).
 * Catches damaged unencrypted files and decryptions that happen to pass their check bytes.
 */
export function checkConsistency(key: PrivateKeyMaterial, what = 'private key'): void {
  const bad = (detail: string) => new MalformedKeyError(`${what}: ${detail}`);
  if (key.type === 'ssh-rsa') {
    const n = bytesToBigint(key.n);
    const p = bytesToBigint(key.p);
    const q = bytesToBigint(key.q);
    const e = bytesToBigint(key.e);
    const d = bytesToBigint(key.d);
    if (n < 2n ** 511n || p < 2n || q < 2n || e < 3n || d < 1n) throw bad('RSA numbers out of range');
    if (p * q !== n) throw bad('RSA numbers do not match (n ≠ p·q)');
    const iqmp = bytesToBigint(key.iqmp);
    if ((iqmp * q) % p !== 1n) throw bad('RSA numbers do not match (iqmp)');
    // e·d ≡ 1 mod lcm(p−1, q−1) ⇔ it holds mod p−1 and mod q−1
    if ((e * d) % (p - 1n) !== 1n || (e * d) % (q - 1n) !== 1n) throw bad('RSA numbers do not match (e·d)');
    return;
  }
  if (key.type === 'ssh-ed25519') {
    if (key.seed.length !== 32 || key.publicKey.length !== 32) throw bad('Ed25519 key has a wrong length');
    if (!bytesEqual(ed25519.getPublicKey(key.seed), key.publicKey)) throw bad('Ed25519 public and private halves do not match');
    return;
  }
  const curve = ecdsaCurve(key.type)!;
  const noble = nobleCurve(curve);
  const scalar = bytesToBigint(key.d);
  if (scalar < 1n || scalar >= noble.Point.CURVE().n) throw bad('ECDSA private number out of range');
  const d = fixedScalar(key.d, curve.size);
  if (!bytesEqual(noble.getPublicKey(d, false), key.publicPoint)) throw bad('ECDSA public and private halves do not match');
}

function fixedScalar(d: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(d.subarray(Math.max(0, d.length - size)), Math.max(0, size - d.length));
  return out;
}

/** ECDSA private scalar as exactly `size` bytes (for JWK `d`). */
export function ecdsaScalarBytes(key: EcdsaKeyMaterial): Uint8Array {
  return fixedScalar(key.d, ecdsaCurve(key.type)!.size);
}

/** The uncompressed public point for a private scalar (used when a file omits it). */
export function ecdsaPublicPoint(curve: EcdsaCurve, d: Uint8Array): Uint8Array {
  const scalar = bytesToBigint(d);
  const noble = nobleCurve(curve);
  if (scalar < 1n || scalar >= noble.Point.CURVE().n) throw new MalformedKeyError('ECDSA private number out of range');
  return noble.getPublicKey(fixedScalar(d, curve.size), false);
}

export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(seed);
}

/** dp = d mod (p−1), dq = d mod (q−1): JWK and PKCS#1 carry them, SSH formats do not. */
export function rsaCrtExponents(key: RsaKeyMaterial): { dp: Uint8Array; dq: Uint8Array } {
  const d = bytesToBigint(key.d);
  return { dp: bigintToBytes(d % (bytesToBigint(key.p) - 1n)), dq: bigintToBytes(d % (bytesToBigint(key.q) - 1n)) };
}

/** RSA key from n, e, d, p, q (iqmp computed), as PEM/JWK readers get them. */
export function rsaFromFactors(n: Uint8Array, e: Uint8Array, d: Uint8Array, p: Uint8Array, q: Uint8Array): RsaKeyMaterial {
  const P = bytesToBigint(p);
  const Q = bytesToBigint(q);
  if (P < 2n || Q < 2n) throw new MalformedKeyError('RSA primes out of range');
  return { type: 'ssh-rsa', n, e, d, p, q, iqmp: bigintToBytes(modInverse(Q % P, P)) };
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new MalformedKeyError('RSA numbers do not match (q has no inverse mod p)');
  return ((oldS % m) + m) % m;
}
