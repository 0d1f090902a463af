// The PKCS#12 key derivation (RFC 7292 appendix B.2) with SHA-1: what `pbeWithSHAAnd3-KeyTripleDES-CBC`
// uses, the encryption OpenSSL 1.x's `openssl pkcs8 -topk8` chose by default.
import { sha1 } from '@noble/hashes/legacy.js';

export const PKCS12_KEY = 1;
export const PKCS12_IV = 2;

/** The password as PKCS#12 wants it: BMPString (UTF-16BE) with a two-byte zero terminator. */
function bmpPassword(passphrase: string): Uint8Array {
  const out = new Uint8Array(passphrase.length * 2 + 2);
  for (let i = 0; i < passphrase.length; i++) {
    const c = passphrase.charCodeAt(i);
    out[2 * i] = c >> 8;
    out[2 * i + 1] = c & 0xff;
  }
  return out;
}

function repeatTo(data: Uint8Array, block: number): Uint8Array {
  const out = new Uint8Array(data.length === 0 ? 0 : Math.ceil(data.length / block) * block);
  for (let i = 0; i < out.length; i++) out[i] = data[i % data.length]!;
  return out;
}

export function pkcs12Kdf(passphrase: string, salt: Uint8Array, iterations: number, id: number, length: number): Uint8Array {
  const v = 64;
  const u = 20;
  const d = new Uint8Array(v).fill(id);
  const s = repeatTo(salt, v);
  const p = repeatTo(bmpPassword(passphrase), v);
  const i = new Uint8Array(s.length + p.length);
  i.set(s);
  i.set(p, s.length);
  const out = new Uint8Array(Math.ceil(length / u) * u);
  for (let n = 0; n * u < length; n++) {
    const start = new Uint8Array(v + i.length);
    start.set(d);
    start.set(i, v);
    let a = sha1(start);
    for (let r = 1; r < iterations; r++) a = sha1(a);
    out.set(a, n * u);
    // I_j = (I_j + B + 1) mod 2^(8v) for every v-byte block of I, where B is A repeated to v bytes.
    const b = repeatTo(a, v).subarray(0, v);
    for (let j = 0; j < i.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = i[j + k]! + b[k]! + carry;
        i[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return out.subarray(0, length);
}
