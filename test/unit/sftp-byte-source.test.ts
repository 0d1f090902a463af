// Sources for uploads: every kind yields the same bytes in order; re-cutting into WRITE-sized
// pieces keeps every byte and makes every piece but the last full.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blobSource, chunksOf, rechunk, sourceSize } from '../../core/sftp/byte-source.ts';

const bytes = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 13 + 7) & 0xff);

async function collect(it: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const c of it) out.push(c.slice());
  return out;
}

const join = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

test('every kind of source yields the same bytes', async () => {
  async function* iterable() {
    for (let i = 0; i < bytes.length; i += 7001) yield bytes.subarray(i, i + 7001);
  }
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.length; i += 30_000) c.enqueue(bytes.slice(i, i + 30_000));
      c.close();
    },
  });
  for (const source of [bytes, new Blob([bytes]), iterable(), stream]) assert.deepEqual(join(await collect(chunksOf(source))), bytes);
  assert.deepEqual(join(await collect(chunksOf(blobSource(new Blob([bytes])).openAt(99_000)))), bytes.subarray(99_000));
  assert.equal(sourceSize(bytes), bytes.length);
  assert.equal(sourceSize(new Blob([bytes])), bytes.length);
  assert.equal(sourceSize(iterable()), undefined);
  assert.deepEqual(await collect(chunksOf(new Uint8Array(0))), []);
});

test('rechunk: full pieces, every byte once, in order, whatever the input chunking', async () => {
  for (const inSize of [1, 999, 4096, 32_768, 50_000, 200_000]) {
    async function* input() {
      for (let i = 0; i < bytes.length; i += inSize) yield bytes.subarray(i, i + inSize);
    }
    const pieces = await collect(rechunk(input(), 32_768));
    assert.deepEqual(join(pieces), bytes, `input chunks of ${inSize}`);
    assert.ok(pieces.slice(0, -1).every((p) => p.byteLength === 32_768));
    assert.equal(pieces.at(-1)?.byteLength, bytes.length % 32_768);
  }
});
