// The private halves of keys inside PPK files (PuTTY's "private blob") and inside
// openssh-key-v1 private sections. Readers bounds-check; writers follow the real tools.
import { MalformedKeyError, UnsupportedKeyError } from './errors.ts';
import {
  ecdsaCurve, ed25519PublicKey, parsePublicBlob, type PrivateKeyMaterial,
} from './key-material.ts';
import { bytesEqual, SshReader, SshWriter } from './ssh-wire.ts';

/** PPK private blob: RSA mpint d,p,q,iqmp; Ed25519 the seed as PuTTY's little-endian integer; ECDSA mpint d. */
export function ppkPrivateBlob(key: PrivateKeyMaterial): Uint8Array {
  const w = new SshWriter();
  if (key.type === 'ssh-rsa') return w.mpint(key.d).mpint(key.p).mpint(key.q).mpint(key.iqmp).bytes();
  if (key.type === 'ssh-ed25519') {
    // PuTTY writes the seed as an unsigned little-endian integer: high-order zero bytes are dropped.
    let end = key.seed.length;
    while (end > 0 && key.seed[end - 1] === 0) end--;
    return w.string(key.seed.subarray(0, end)).bytes();
  }
  return w.mpint(key.d).bytes();
}

/**
 * Reads a PPK private blob against its public blob. Returns the key and the bytes after the
 * structure (the padding), so the caller can tell a right decryption from a wrong one.
 */
export function readPpkPrivateBlob(publicBlob: Uint8Array, privateBlob: Uint8Array): { key: PrivateKeyMaterial; trailing: Uint8Array } {
  const info = parsePublicBlob(publicBlob, 'PPK public key');
  const pub = new SshReader(publicBlob, 'PPK public key');
  pub.string();
  const r = new SshReader(privateBlob, 'PPK private key');
  let key: PrivateKeyMaterial;
  if (info.type === 'ssh-rsa') {
    const e = pub.mpint();
    const n = pub.mpint();
    key = { type: 'ssh-rsa', n, e, d: r.mpint(), p: r.mpint(), q: r.mpint(), iqmp: r.mpint() };
  } else if (info.type === 'ssh-ed25519') {
    const publicKey = pub.string();
    const le = r.string();
    if (le.length > 32) throw new MalformedKeyError('PPK private key: Ed25519 seed longer than 32 bytes');
    const seed = new Uint8Array(32);
    seed.set(le);
    key = { type: 'ssh-ed25519', seed, publicKey };
  } else {
    pub.string();
    const publicPoint = pub.string();
    key = { type: info.type, publicPoint, d: r.mpint() };
  }
  return { key, trailing: r.rest() };
}

/** openssh-key-v1 private fields after the type string (PROTOCOL.key; sshkey_private_serialize). */
export function writeOpenSshPrivateFields(w: SshWriter, key: PrivateKeyMaterial): void {
  w.string(key.type);
  if (key.type === 'ssh-rsa') {
    w.mpint(key.n).mpint(key.e).mpint(key.d).mpint(key.iqmp).mpint(key.p).mpint(key.q);
  } else if (key.type === 'ssh-ed25519') {
    const both = new Uint8Array(64);
    both.set(key.seed);
    both.set(key.publicKey, 32);
    w.string(key.publicKey).string(both);
  } else {
    w.string(ecdsaCurve(key.type)!.sshName).string(key.publicPoint).mpint(key.d);
  }
}

export function readOpenSshPrivateFields(r: SshReader): PrivateKeyMaterial {
  const type = r.text();
  if (type === 'ssh-rsa') {
    const n = r.mpint();
    const e = r.mpint();
    const d = r.mpint();
    const iqmp = r.mpint();
    const p = r.mpint();
    const q = r.mpint();
    return { type, n, e, d, p, q, iqmp };
  }
  if (type === 'ssh-ed25519') {
    const publicKey = r.string();
    const both = r.string();
    if (publicKey.length !== 32 || both.length !== 64) throw new MalformedKeyError('OpenSSH private key: Ed25519 key has a wrong length');
    if (!bytesEqual(both.subarray(32), publicKey)) throw new MalformedKeyError('OpenSSH private key: Ed25519 halves do not match');
    const seed = both.slice(0, 32);
    if (!bytesEqual(ed25519PublicKey(seed), publicKey)) throw new MalformedKeyError('OpenSSH private key: Ed25519 halves do not match');
    return { type, seed, publicKey };
  }
  const curve = ecdsaCurve(type);
  if (curve) {
    if (r.text() !== curve.sshName) throw new MalformedKeyError('OpenSSH private key: curve name does not match key type');
    const publicPoint = r.string();
    return { type: curve.type, publicPoint, d: r.mpint() };
  }
  // The public blob was parsed first, so an unknown type here is one we do not handle, not damage.
  throw new UnsupportedKeyError(`key type "${type.slice(0, 40)}" is not supported (use RSA, Ed25519 or ECDSA)`);
}
