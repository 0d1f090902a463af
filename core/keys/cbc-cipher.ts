// CBC decryption for the block ciphers old key files use: AES (OpenSSL, OpenSSH, PuTTY) and
// DES / DES-EDE3 (`openssl rsa -des3`, `ssh-keygen -Z 3des-cbc`). Padding is the caller's business.
import { cbc } from '@noble/ciphers/aes.js';
import des from 'des.js';
import { MalformedKeyError } from './errors.ts';

export type CbcCipher = 'aes' | 'des-ede3' | 'des';

export const CBC_BLOCK: Record<CbcCipher, number> = { aes: 16, 'des-ede3': 8, des: 8 };

/** Decrypts whole blocks; no padding is removed. */
export function cbcDecrypt(cipher: CbcCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  if (data.length % CBC_BLOCK[cipher] !== 0) throw new MalformedKeyError('encrypted part is not a whole number of blocks');
  if (cipher === 'aes') return cbc(key, iv, { disablePadding: true }).decrypt(data);
  const mode = des.CBC.instantiate(cipher === 'des' ? des.DES : des.EDE);
  const d = mode.create({ type: 'decrypt', key, iv, padding: false });
  return Uint8Array.from(d.update(data).concat(d.final()));
}

/** Removes PKCS#7 padding; undefined when it does not check out (a wrong key, nearly always). */
export function pkcs7Unpad(data: Uint8Array, block: number): Uint8Array | undefined {
  const n = data[data.length - 1] ?? 0;
  if (n < 1 || n > block || n > data.length) return undefined;
  for (let i = data.length - n; i < data.length; i++) if (data[i] !== n) return undefined;
  return data.subarray(0, data.length - n);
}
