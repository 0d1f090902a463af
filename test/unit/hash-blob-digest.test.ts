// digestBlob: the digest of a Blob (a user's File), by WebCrypto in one call for small files or
// streamed through hash-wasm, must equal the digest of the same bytes whatever the size and path;
// progress ends at the size; a cancel stops it; a file that changes while read is an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { digestBlob, HashCancelledError } from '../../core/hash/index.ts';

const KiB = 1024;

const expected = (bytes: Uint8Array, algorithm: 'sha1' | 'sha256') => createHash(algorithm).update(bytes).digest('hex');

test('both paths and every size give the digest of the exact bytes (SHA-1 and SHA-256)', async () => {
  for (const size of [0, 1, 64 * KiB - 1, 64 * KiB, 64 * KiB + 1, 1000 * KiB + 3, 3 * 1024 * KiB]) {
    const bytes = randomBytes(size);
    const blob = new Blob([bytes]);
    for (const algorithm of ['sha1', 'sha256'] as const) {
      for (const oneShotMaxBytes of [0, 64 * KiB, 16 * 1024 * KiB]) {
        const progress: number[] = [];
        const r = await digestBlob(blob, { algorithm, oneShotMaxBytes, onProgress: (b) => progress.push(b) });
        const what = `${algorithm} of ${size} bytes, one-shot up to ${oneShotMaxBytes}`;
        assert.equal(r.hex, expected(bytes, algorithm), what);
        assert.equal(r.bytes, size, what);
        assert.deepEqual(progress, [...progress].sort((a, b) => a - b), `${what}: progress never goes back`);
        if (size > 0) assert.equal(progress.at(-1), size, `${what}: progress ends at the size`);
      }
    }
  }
});

test('a cancel stops the digest with HashCancelledError, on either path', async () => {
  const blob = new Blob(Array.from({ length: 64 }, () => randomBytes(64 * KiB)));
  const ac = new AbortController();
  let calls = 0;
  await assert.rejects(
    digestBlob(blob, { algorithm: 'sha1', oneShotMaxBytes: 0, signal: ac.signal, onProgress: () => ++calls === 1 && ac.abort() }),
    HashCancelledError,
  );
  assert.equal(calls, 1, 'nothing more was hashed after the cancel');
  const before = new AbortController();
  before.abort();
  for (const oneShotMaxBytes of [0, 1024 * KiB]) {
    await assert.rejects(digestBlob(new Blob([randomBytes(10)]), { algorithm: 'sha1', signal: before.signal, oneShotMaxBytes }), HashCancelledError);
  }
});

test('a file that changes size while it is read is an error, never a digest of other bytes', async () => {
  const real = new Blob([randomBytes(300 * KiB)]);
  // A File whose bytes changed under it: it says 300 KiB but yields 128 KiB.
  const shrunk = real.slice(0, 128 * KiB);
  const changed = { size: real.size, arrayBuffer: () => shrunk.arrayBuffer(), stream: () => shrunk.stream() } as unknown as Blob;
  for (const oneShotMaxBytes of [0, 1024 * KiB]) {
    await assert.rejects(digestBlob(changed, { algorithm: 'sha1', oneShotMaxBytes }), /changed while it was read/);
  }
});
