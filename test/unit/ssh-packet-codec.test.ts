// The binary packet codec (packet-encoder.ts / packet-decoder.ts): payloads survive any split of
// the byte stream, for every protection; asynchronous sealers and openers (WebCrypto's shape)
// keep the order, and many are in flight at once; key changes apply exactly after NEWKEYS; bad
// lengths and padding are clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketEncoder } from '../../core/ssh/packet-encoder.ts';
import { PacketDecoder } from '../../core/ssh/packet-decoder.ts';
import { createProtection, type DirectionKeys, type Protection } from '../../core/ssh/ciphers/cipher-suite.ts';
import type { PacketOpener, PacketSealer } from '../../core/ssh/ciphers/protection.ts';
import { SshProtocolError } from '../../core/ssh/errors.ts';
import { useNodeCrypto } from '../../core/ssh/ciphers/node-crypto.ts';

function keys(cipher: string, mac = ''): DirectionKeys {
  return { cipher, mac, key: new Uint8Array(64).fill(9), iv: new Uint8Array(16).fill(8), macKey: new Uint8Array(64).fill(7) };
}

function drain(e: PacketEncoder): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let o = e.takeOutput(); o; o = e.takeOutput()) parts.push(o.slice());
  return new Uint8Array(Buffer.concat(parts));
}

async function settle(e: PacketEncoder): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (;;) {
    parts.push(drain(e));
    const p = e.pending();
    if (!p) return new Uint8Array(Buffer.concat(parts));
    await p;
  }
}

async function decodeAll(d: PacketDecoder, stream: Uint8Array, cuts: number[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  let at = 0;
  for (const cut of [...cuts, stream.length]) {
    d.push(stream.slice(at, cut));
    at = cut;
    for (;;) {
      const p = d.next();
      if (p) out.push(p.slice());
      else if (d.pending()) await d.pending();
      else break;
    }
  }
  return out;
}

const payloads = Array.from({ length: 40 }, (_, i) => Uint8Array.from({ length: 1 + ((i * 977) % 5000) }, (_, j) => (i + j) & 0xff));

for (const [cipher, mac] of [
  ['chacha20-poly1305@openssh.com', ''],
  ['aes256-gcm@openssh.com', ''],
  ['aes128-ctr', 'hmac-sha2-256'],
  ['aes192-ctr', 'hmac-sha2-512-etm@openssh.com'],
] as const) {
  test(`${cipher}${mac ? ` + ${mac}` : ''}: payloads survive any split of the stream, before and after NEWKEYS`, async () => {
    const enc = new PacketEncoder();
    enc.enqueue(Uint8Array.of(20, 1, 2, 3)); // in the clear
    enc.enqueue(Uint8Array.of(21));
    enc.setSealer(await createProtection(keys(cipher, mac)));
    for (const p of payloads) enc.enqueue(p.subarray(0, 1), p.subarray(1));
    const stream = await settle(enc);
    const r = (n: number) => Math.floor(Math.random() * n);
    for (let round = 0; round < 20; round++) {
      const cuts = Array.from({ length: 1 + r(40) }, () => r(stream.length)).sort((a, b) => a - b);
      const dec = new PacketDecoder();
      const got: Uint8Array[] = [];
      let at = 0;
      for (const cut of [...cuts, stream.length]) {
        dec.push(stream.slice(at, cut));
        at = cut;
        for (let p = dec.next(); p; p = dec.next()) {
          got.push(p.slice());
          if (got.length === 2) dec.setOpener(await createProtection(keys(cipher, mac)));
        }
      }
      assert.equal(got.length, payloads.length + 2, `round ${round}`);
      assert.deepEqual(got.slice(2), payloads);
    }
  });
}

/** The browser's protection (WebCrypto, hash-wasm), made in Node by turning node:crypto off. */
async function browserProtection(k: DirectionKeys): Promise<Protection> {
  useNodeCrypto(false);
  try {
    return await createProtection(k);
  } finally {
    useNodeCrypto(true);
  }
}

for (const [cipher, mac] of [
  ['aes128-gcm@openssh.com', ''],
  ['aes128-ctr', 'hmac-sha2-256'],
] as const) {
  test(`${cipher}${mac ? ` + ${mac}` : ''}, the browser path: sealed in Node and opened by WebCrypto (plaintext in its own buffer), and back, across any split`, async () => {
    for (const browserSeals of [false, true]) {
      const enc = new PacketEncoder();
      enc.setSealer(browserSeals ? await browserProtection(keys(cipher, mac)) : await createProtection(keys(cipher, mac)));
      for (const p of payloads) enc.enqueue(p.subarray(0, 1), p.subarray(1));
      const stream = await settle(enc);
      const r = (n: number) => Math.floor(Math.random() * n);
      for (let round = 0; round < 5; round++) {
        const dec = new PacketDecoder();
        dec.oneAtATime = false;
        dec.setOpener(browserSeals ? await createProtection(keys(cipher, mac)) : await browserProtection(keys(cipher, mac)));
        const cuts = Array.from({ length: 1 + r(40) }, () => r(stream.length)).sort((a, b) => a - b);
        assert.deepEqual(await decodeAll(dec, stream, cuts), payloads, `round ${round}`);
      }
      // One flipped bit in the last packet: a MAC error, after every packet before it.
      const bad = stream.slice();
      bad[bad.length - 20]! ^= 1;
      const dec = new PacketDecoder();
      dec.oneAtATime = false;
      dec.setOpener(browserSeals ? await createProtection(keys(cipher, mac)) : await browserProtection(keys(cipher, mac)));
      await assert.rejects(decodeAll(dec, bad, []), (e: unknown) => e instanceof SshProtocolError && /integrity/.test(e.message));
    }
  });
}

/** A protection whose every packet answers through a promise, like WebCrypto: the work is bound at the call (nonces in order), the answers come later, out of order. */
function asynchronous(inner: Protection, log: string[]): PacketSealer & PacketOpener {
  return {
    blockSize: inner.blockSize,
    tagLength: inner.tagLength,
    aadLength: inner.aadLength,
    headLength: inner.headLength,
    readLength: (seq, head) => inner.readLength(seq, head),
    seal: async (seq, packet, tag) => {
      log.push(`seal ${seq}`);
      inner.seal(seq, packet, tag);
      await new Promise((r) => setTimeout(r, seq % 3));
    },
    open: async (seq, packet, tag) => {
      log.push(`open ${seq}`);
      const ok = inner.open(seq, packet, tag);
      await new Promise((r) => setTimeout(r, (7 - seq) % 3));
      return ok;
    },
    dispose: () => inner.dispose(),
  };
}

test('asynchronous sealing and opening: many packets in flight, order kept, one wait per batch', async () => {
  const log: string[] = [];
  const enc = new PacketEncoder();
  enc.setSealer(asynchronous(await createProtection(keys('aes128-gcm@openssh.com')), log));
  for (const p of payloads.slice(0, 10)) enc.enqueue(p);
  assert.equal(log.length, 10, 'all ten sealings started before any finished');
  const stream = await settle(enc);
  const dec = new PacketDecoder();
  dec.setOpener(asynchronous(await createProtection(keys('aes128-gcm@openssh.com')), log));
  dec.oneAtATime = false;
  dec.push(stream);
  assert.equal(dec.next(), null);
  assert.equal(log.filter((l) => l.startsWith('open')).length, 10, 'every packet in hand is being opened at once');
  const got = await decodeAll(dec, new Uint8Array(0), []);
  assert.deepEqual(got, payloads.slice(0, 10));
});

test('while keys may change (during a key exchange), the decoder opens one packet at a time', async () => {
  const log: string[] = [];
  const enc = new PacketEncoder();
  enc.setSealer(await createProtection(keys('aes128-gcm@openssh.com')));
  for (const p of payloads.slice(0, 4)) enc.enqueue(p);
  const dec = new PacketDecoder();
  dec.setOpener(asynchronous(await createProtection(keys('aes128-gcm@openssh.com')), log));
  dec.oneAtATime = true;
  dec.push(await settle(enc));
  assert.equal(dec.next(), null);
  assert.deepEqual(log, ['open 0']);
});

test('strict kex: sequence numbers restart at 0 after NEWKEYS on both sides (a missed reset is a MAC failure)', async () => {
  for (const resetDecoder of [true, false]) {
    const enc = new PacketEncoder();
    enc.enqueue(Uint8Array.of(20));
    enc.enqueue(Uint8Array.of(21));
    enc.setSealer(await createProtection(keys('aes128-ctr', 'hmac-sha2-256-etm@openssh.com')));
    enc.resetSequence();
    enc.enqueue(Uint8Array.of(94, 1));
    const dec = new PacketDecoder();
    dec.push(await settle(enc));
    assert.deepEqual([...dec.next()!], [20]);
    assert.deepEqual([...dec.next()!], [21]);
    dec.setOpener(await createProtection(keys('aes128-ctr', 'hmac-sha2-256-etm@openssh.com')));
    if (resetDecoder) {
      dec.resetSequence();
      assert.deepEqual([...dec.next()!], [94, 1]);
    } else assert.throws(() => dec.next(), /integrity check/);
  }
});

test('bad packet lengths and padding: protocol errors naming the problem', () => {
  const cases: [number[], RegExp][] = [
    [[0, 0, 0, 3, 1, 0, 0, 0], /out of bounds/],
    [[0x00, 0x10, 0x00, 0x00, 4], /out of bounds/],
    [[0, 0, 0, 13, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], /multiple of the cipher block size/],
    [[0, 0, 0, 12, 11, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], /padding length 11/],
    [[0, 0, 0, 12, 3, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], /padding length 3/],
  ];
  for (const [bytes, message] of cases) {
    const dec = new PacketDecoder();
    dec.push(Uint8Array.from(bytes));
    assert.throws(() => dec.next(), (e: unknown) => e instanceof SshProtocolError && message.test(e.message));
    // The error stays: the stream cannot be trusted any more.
    assert.throws(() => dec.next(), SshProtocolError);
  }
});
