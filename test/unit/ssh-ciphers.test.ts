// Packet protection (core/ssh/ciphers): published vectors where they exist, and every cipher ×
// MAC sealed by one implementation and opened by the other — node:crypto (OpenSSL) against the
// browser path (WebCrypto, @noble/ciphers, hash-wasm), which runs in Node too.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createProtection, supportedCiphers, supportedMacs, isAead, cipherSpec, type DirectionKeys, type Protection } from '../../core/ssh/ciphers/cipher-suite.ts';
import { useNodeCrypto } from '../../core/ssh/ciphers/node-crypto.ts';
import { nextNonce } from '../../core/ssh/ciphers/aes-gcm.ts';
import { addToCounter } from '../../core/ssh/ciphers/ctr-keystream.ts';

const h = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

after(() => useNodeCrypto(true));

async function make(node: boolean, k: DirectionKeys): Promise<Protection> {
  useNodeCrypto(node);
  try {
    return await createProtection(k);
  } finally {
    useNodeCrypto(true);
  }
}

const BACKENDS = [
  ['node:crypto', true],
  ['browser path', false],
] as const;

// draft-ietf-sshm-chacha20-poly1305-04, Appendix A: 64 bytes of key, sequence number 7, one
// SSH_MSG_CHANNEL_DATA packet (with its padding) in the clear, and the bytes sent.
const CHACHA_KEY = h('8bbff6855fc102338c373e73aac0c914f076a905b2444a32eecaffeae22becc5 e9b7a7a5825a8249346ec1c28301cf394543fc7569887d76e168f37562ac0740');
const CHACHA_PLAIN = h('00000048065e0000000000000038 4c6f72656d20697073756d20646f6c6f722073697420616d65742c20636f6e7365637465747572206164697069736963696e6720656c6974 4e43e804dc6c');
const CHACHA_SENT = h(
  '2c3ecce4a5bc05895bf07a7ba956b6c68829ac7c83b780b7000ecde745afc705 bbc378ce03a280236b87b53bed5839662302b164b6286a48cd1e097138e3cb90 9b8b2b829dd18d2a35ff82d995349e855bf02c298ef775f2d1a7e8b8',
);

for (const [name, node] of BACKENDS) {
  test(`chacha20-poly1305@openssh.com, ${name}: the draft's worked example, both ways`, async () => {
    const keys = { cipher: 'chacha20-poly1305@openssh.com', mac: '', key: CHACHA_KEY, iv: new Uint8Array(0), macKey: new Uint8Array(0) };
    const sealer = await make(node, keys);
    const buf = new Uint8Array(CHACHA_PLAIN.length + 16);
    buf.set(CHACHA_PLAIN);
    await sealer.seal(7, buf.subarray(0, CHACHA_PLAIN.length), buf.subarray(CHACHA_PLAIN.length));
    assert.equal(hex(buf), hex(CHACHA_SENT));

    const opener = await make(node, keys);
    const got = CHACHA_SENT.slice();
    assert.equal(opener.readLength(7, got.subarray(0, 4)), 0x48);
    assert.equal(await opener.open(7, got.subarray(0, CHACHA_PLAIN.length), got.subarray(CHACHA_PLAIN.length)), true);
    assert.equal(hex(got.subarray(0, CHACHA_PLAIN.length)), hex(CHACHA_PLAIN));

    // Under another sequence number the tag is wrong, and nothing is decrypted.
    const other = await make(node, keys);
    const again = CHACHA_SENT.slice();
    assert.equal(await other.open(8, again.subarray(0, CHACHA_PLAIN.length), again.subarray(CHACHA_PLAIN.length)), false);
    assert.equal(hex(again), hex(CHACHA_SENT));
  });
}

// NIST SP 800-38A F.5.1, F.5.3, F.5.5 (CTR-AES128/192/256.Encrypt): the SSH CTR keystream is the
// plain 128-bit big-endian counter of RFC 4344.
const CTR_IV = h('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
const CTR_PLAIN = h('6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51 30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710');
const CTR_VECTORS = [
  ['aes128-ctr', '2b7e151628aed2a6abf7158809cf4f3c', '874d6191b620e3261bef6864990db6ce 9806f66b7970fdff8617187bb9fffdff 5ae4df3edbd5d35e5b4f09020db03eab 1e031dda2fbe03d1792170a0f3009cee'],
  ['aes192-ctr', '8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b', '1abc932417521ca24f2b0459fe7e6e0b 090339ec0aa6faefd5ccc2c6f4ce8e94 1e36b26bd1ebc670d1bd1d665620abf7 4f78a7f6d29809585a97daec58c6b050'],
  ['aes256-ctr', '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4', '601ec313775789a5b7a7f504bbf3d228 f443e3ca4d62b59aca84e990cacaf5c5 2b0930daa23de94ce87017ba2d84988d dfc9c58db67aada613c2dd08457941a6'],
] as const;

for (const [name, node] of BACKENDS) {
  test(`AES-CTR, ${name}: NIST SP 800-38A vectors`, async () => {
    for (const [cipher, key, expected] of CTR_VECTORS) {
      // Without EtM the whole packet is encrypted, so the vector's plaintext can stand in for one.
      const p = await make(node, { cipher, mac: 'hmac-sha2-256', key: h(key), iv: CTR_IV, macKey: new Uint8Array(32) });
      const data = CTR_PLAIN.slice();
      if (p.ready) while (p.ready(data.length)) await p.ready(data.length);
      await p.seal(0, data, new Uint8Array(32));
      assert.equal(hex(data), hex(h(expected)), cipher);
      p.dispose();
    }
  });
}

test('the CTR counter carries across all 128 bits', () => {
  const c = h('00ffffffffffffffffffffffffffffff');
  addToCounter(c, 1);
  assert.equal(hex(c), '01000000000000000000000000000000');
  const w = h('ffffffffffffffffffffffffffffffff');
  addToCounter(w, 2);
  assert.equal(hex(w), '00000000000000000000000000000001');
});

test('AES-GCM nonce (RFC 5647 §7.1): the 64-bit invocation counter goes up, the fixed field never', () => {
  const iv = h('01020304 00000000000000ff');
  nextNonce(iv);
  assert.equal(hex(iv), '010203040000000000000100');
  const top = h('01020304 ffffffffffffffff');
  nextNonce(top);
  assert.equal(hex(top), '010203040000000000000000');
});

function keysFor(cipher: string, mac: string): DirectionKeys {
  const spec = cipherSpec(cipher);
  const fill = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
  return { cipher, mac, key: fill(spec.keyLength, 1), iv: fill(spec.ivLength, 2), macKey: fill(64, 3) };
}

/** A packet as the encoder lays it out: length, padding length, payload, padding (aligned). */
function packetOf(payload: Uint8Array, p: Protection): Uint8Array {
  const bs = Math.max(8, p.blockSize);
  let pad = bs - ((5 + payload.length - p.aadLength) % bs);
  if (pad < 4) pad += bs;
  const out = new Uint8Array(4 + 1 + payload.length + pad + p.tagLength);
  new DataView(out.buffer).setUint32(0, 1 + payload.length + pad);
  out[4] = pad;
  out.set(payload, 5);
  return out;
}

const combos = supportedCiphers().flatMap((c) => (isAead(c) ? [[c, '']] : supportedMacs().map((m) => [c, m])));

for (const [cipher, mac] of combos) {
  test(`${cipher}${mac ? ` + ${mac}` : ''}: sealed by node:crypto, opened by the browser path, and back; a flipped bit is refused`, async () => {
    for (const [sealNode, openNode] of [
      [true, false],
      [false, true],
    ] as const) {
      const k = keysFor(cipher!, mac!);
      const sealer = await make(sealNode, k);
      const opener = await make(openNode, k);
      for (let seq = 0; seq < 5; seq++) {
        const payload = Uint8Array.from({ length: 100 + seq * 333 }, (_, i) => (i + seq) & 0xff);
        const wire = packetOf(payload, sealer);
        const end = wire.length - sealer.tagLength;
        if (sealer.ready) while (sealer.ready(wire.length)) await sealer.ready(wire.length);
        await sealer.seal(seq, wire.subarray(0, end), wire.subarray(end));
        assert.notEqual(hex(wire.subarray(5, 5 + payload.length)), hex(payload), 'encrypted');
        if (opener.ready) while (opener.ready(wire.length)) await opener.ready(wire.length);
        const length = opener.readLength(seq, wire.subarray(0, opener.headLength));
        assert.equal(length, end - 4);
        const result = await opener.open(seq, wire.subarray(0, end), wire.subarray(end));
        assert.ok(result !== false, `packet ${seq}`);
        // Decrypted in place (true), or the plaintext after the length field in a buffer of its own.
        const plain = result === true ? wire.subarray(4, end) : (result as Uint8Array);
        assert.equal(plain.length, end - 4);
        assert.equal(hex(plain.subarray(1, 1 + payload.length)), hex(payload));
      }
      // A tampered packet: the next one, with a bit flipped in its last byte before the tag.
      const payload = Uint8Array.of(94, 1, 2, 3);
      const wire = packetOf(payload, sealer);
      const end = wire.length - sealer.tagLength;
      if (sealer.ready) while (sealer.ready(wire.length)) await sealer.ready(wire.length);
      await sealer.seal(5, wire.subarray(0, end), wire.subarray(end));
      wire[end - 1]! ^= 1;
      if (opener.ready) while (opener.ready(wire.length)) await opener.ready(wire.length);
      opener.readLength(5, wire.subarray(0, opener.headLength));
      assert.equal(await opener.open(5, wire.subarray(0, end), wire.subarray(end)), false);
    }
  });
}

test('the batched WebCrypto keystream matches node:crypto over 3 MB of packet-sized pieces (batch boundaries, counter carry)', async () => {
  const { createCipheriv, randomBytes } = await import('node:crypto');
  const { BatchedKeystream, webKeystreamMaker } = await import('../../core/ssh/ciphers/ctr-keystream.ts');
  for (const len of [16, 24, 32]) {
    const key = randomBytes(len);
    const iv = h('ffffffffffffffffffffffffffffff00'); // carries across every byte soon
    const data = randomBytes(3 * 1024 * 1024 + 48);
    const reference = createCipheriv(`aes-${len * 8}-ctr`, key, iv).update(data);
    const stream = new BatchedKeystream(await webKeystreamMaker(key), iv);
    const out = new Uint8Array(data);
    for (let o = 0, n = 16; o < out.length; o += n, n = 16 + ((n * 7919) % 40000)) {
      const piece = out.subarray(o, Math.min(out.length, o + n));
      for (let wait = stream.ready(piece.length); wait; wait = stream.ready(piece.length)) await wait;
      stream.xor(piece);
    }
    assert.ok(Buffer.from(out).equals(reference), `aes${len * 8}-ctr`);
    stream.dispose();
  }
});
