// Checks the server's signature of the exchange hash with its host key: ssh-ed25519 (RFC 8709),
// ecdsa-sha2-nistp256/384/521 (RFC 5656 §3.1.2), rsa-sha2-256/512 (RFC 8332; PKCS #1 v1.5 with
// bigint arithmetic, as the public exponent makes it cheap). The signature's algorithm must be
// the negotiated one and the key's type must fit it.
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { SshProtocolError } from '../errors.ts';
import { DISCONNECT } from '../messages.ts';
import { bigintToBytes, bytesEqual, bytesToBigint, lenientText, SshReader } from '../wire.ts';
import { modPow } from './kex-method.ts';

/** Host-key algorithms we accept, best first. */
export function supportedHostKeys(): string[] {
  return ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256'];
}

/** The key type (blob's first string) an algorithm name signs with. */
export function keyTypeOf(algorithm: string): string {
  return algorithm.startsWith('rsa-sha2-') ? 'ssh-rsa' : algorithm;
}

const bad = (what: string) => new SshProtocolError(`the server's host-key signature is invalid: ${what}`, { reason: DISCONNECT.HOST_KEY_NOT_VERIFIABLE });
const malformed = (what: string) => bad(`${what} is malformed`);

const CURVES = {
  'ecdsa-sha2-nistp256': { curve: p256, id: 'nistp256', hash: sha256, size: 32 },
  'ecdsa-sha2-nistp384': { curve: p384, id: 'nistp384', hash: sha384, size: 48 },
  'ecdsa-sha2-nistp521': { curve: p521, id: 'nistp521', hash: sha512, size: 66 },
} as const;

const DIGEST_INFO = {
  'rsa-sha2-256': { hash: sha256, prefix: Uint8Array.from([0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]) },
  'rsa-sha2-512': { hash: sha512, prefix: Uint8Array.from([0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40]) },
} as const;

/** Throws unless `signatureBlob` is `algorithm`'s valid signature of `data` by the key in `keyBlob`. */
export function verifyHostKeySignature(algorithm: string, keyBlob: Uint8Array, signatureBlob: Uint8Array, data: Uint8Array): void {
  const key = new SshReader(keyBlob, malformed);
  const keyType = lenientText(key.string('host key type'));
  if (keyType !== keyTypeOf(algorithm)) throw bad(`a ${keyType} key cannot make ${algorithm} signatures`);
  const sig = new SshReader(signatureBlob, malformed);
  const sigAlgorithm = lenientText(sig.string('signature algorithm'));
  if (sigAlgorithm !== algorithm) throw bad(`signed with ${sigAlgorithm}, but ${algorithm} was agreed`);
  const signature = sig.string('signature');
  let ok: boolean;
  if (algorithm === 'ssh-ed25519') {
    const pk = key.string('ed25519 key');
    if (pk.length !== 32 || signature.length !== 64) throw malformed('ed25519 key or signature');
    // RFC 8032 verification, not ZIP-215's looser one: what OpenSSH checks too.
    ok = ed25519.verify(signature, data, pk, { zip215: false });
  } else if (algorithm in CURVES) {
    const c = CURVES[algorithm as keyof typeof CURVES];
    if (lenientText(key.string('curve name')) !== c.id) throw bad(`the key is not on ${c.id}`);
    const point = key.string('ecdsa point');
    const rs = new SshReader(signature, malformed);
    const r = rs.mpint('r');
    const s = rs.mpint('s');
    if (r.length > c.size || s.length > c.size) throw malformed('ecdsa signature');
    const compact = new Uint8Array(2 * c.size);
    compact.set(r, c.size - r.length);
    compact.set(s, 2 * c.size - s.length);
    try {
      ok = c.curve.verify(compact, c.hash(data), point, { prehash: false, lowS: false });
    } catch {
      ok = false;
    }
  } else if (algorithm in DIGEST_INFO) {
    const e = bytesToBigint(key.mpint('rsa e'));
    const nBytes = key.mpint('rsa n');
    const n = bytesToBigint(nBytes);
    if (nBytes.length * 8 < 1024) throw bad(`the RSA host key has only ${nBytes.length * 8} bits`);
    if (signature.length > nBytes.length) throw malformed('rsa signature');
    const d = DIGEST_INFO[algorithm as keyof typeof DIGEST_INFO];
    const digest = d.hash(data);
    // EMSA-PKCS1-v1_5: 00 01 FF..FF 00 DigestInfo digest, as long as the modulus.
    const expected = new Uint8Array(nBytes.length);
    expected[1] = 1;
    const t = expected.length - d.prefix.length - digest.length;
    expected.fill(0xff, 2, t - 1);
    expected.set(d.prefix, t);
    expected.set(digest, t + d.prefix.length);
    const s = bytesToBigint(signature);
    ok = s < n && bytesEqual(bigintToBytes(modPow(s, e, n), nBytes.length), expected);
  } else throw bad(`${algorithm} is not a host-key algorithm we accept`);
  if (!ok) throw bad('it does not verify');
}
