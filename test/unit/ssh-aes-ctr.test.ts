// Our batched AES-CTR against NIST SP 800-38A F.5 vectors and against @noble/ciphers over
// packet-sized pieces crossing batch boundaries, for all three key sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ctr } from '@noble/ciphers/aes.js';
import { AesCtr, addToCounter } from '../../core/ssh/algorithms/aes-ctr.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');
const IV = hex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
const PLAIN = hex('6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51 30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710');
const VECTORS: [16 | 24 | 32, string, string][] = [
  [16, '2b7e151628aed2a6abf7158809cf4f3c', '874d6191b620e3261bef6864990db6ce 9806f66b7970fdff8617187bb9fffdff 5ae4df3edbd5d35e5b4f09020db03eab 1e031dda2fbe03d1792170a0f3009cee'],
  [24, '8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b', '1abc932417521ca24f2b0459fe7e6e0b 090339ec0aa6faefd5ccc2c6f4ce8e94 1e36b26bd1ebc670d1bd1d665620abf7 4f78a7f6d29809585a97daec58c6b050'],
  [32, '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4', '601ec313775789a5b7a7f504bbf3d228 f443e3ca4d62b59aca84e990cacaf5c5 2b0930daa23de94ce87017ba2d84988d dfc9c58db67aada613c2dd08457941a6'],
];

test('NIST SP 800-38A CTR vectors, in odd-sized pieces', async () => {
  for (const [len, key, expected] of VECTORS) {
    const cipher = await new AesCtr(len).createCipher(true, hex(key), IV);
    const out = Buffer.concat([await cipher.transform(PLAIN.subarray(0, 16)), await cipher.transform(PLAIN.subarray(16, 48)), await cipher.transform(PLAIN.subarray(48))]);
    assert.equal(out.toString('hex'), hex(expected).toString('hex'), `aes${len * 8}-ctr`);
  }
});

test('matches @noble/ciphers over 3 MB of packets (batch boundaries, counter carry)', async () => {
  for (const len of [16, 24, 32] as const) {
    const key = randomBytes(len);
    const iv = Buffer.from('ffffffffffffffffffffffffffffff00', 'hex'); // carries across all bytes soon
    const data = randomBytes(3 * 1024 * 1024 + 48);
    const reference = ctr(key, iv).encrypt(data);
    const enc = await new AesCtr(len).createCipher(true, key, iv);
    const parts: Buffer[] = [];
    for (let o = 0, n = 16; o < data.length; o += n, n = ((n * 7) % 40000) + 16 - (((n * 7) % 40000) % 16)) parts.push(await enc.transform(data.subarray(o, Math.min(data.length, o + n))));
    assert.ok(Buffer.concat(parts).equals(Buffer.from(reference)), `aes${len * 8}-ctr`);
  }
});

test('128-bit counter addition carries', () => {
  const c = Buffer.from('00000000000000000000ffffffffffff', 'hex');
  addToCounter(c, 1);
  assert.equal(c.toString('hex'), '00000000000000000001000000000000');
  const d = Buffer.from('ffffffffffffffffffffffffffffffff', 'hex');
  addToCounter(d, 65536 + 1);
  assert.equal(d.toString('hex'), '00000000000000000000000000010000');
});
