// What an upload can read from, in the browser and in Node: a ReadableStream, a Blob/File, any
// async iterable of bytes (a Node fs stream), or bytes in memory (a small .hash file). A
// SeekableSource can also start at an offset, which resuming needs without re-reading
// (Blob.slice, fs.createReadStream({ start })).
export type ByteSource = ReadableStream<Uint8Array> | Blob | AsyncIterable<Uint8Array> | Uint8Array;

export interface SeekableSource {
  /** Total bytes, when known. */
  readonly size?: number;
  /** The bytes from `offset` to the end. */
  openAt(offset: number): ByteSource;
}

export function isSeekableSource(x: unknown): x is SeekableSource {
  return typeof x === 'object' && x !== null && typeof (x as SeekableSource).openAt === 'function';
}

function isBlob(x: unknown): x is Blob {
  return typeof Blob !== 'undefined' && x instanceof Blob;
}

function isReadableStream(x: unknown): x is ReadableStream<Uint8Array> {
  return typeof x === 'object' && x !== null && typeof (x as ReadableStream).getReader === 'function';
}

/** Total bytes of a source, when it can tell without being read. */
export function sourceSize(source: ByteSource | SeekableSource): number | undefined {
  if (isSeekableSource(source)) return source.size;
  if (source instanceof Uint8Array) return source.byteLength;
  return isBlob(source) ? source.size : undefined;
}

/** A Blob or File as a seekable source (slices are cheap: nothing is read until streamed). */
export function blobSource(blob: Blob): SeekableSource {
  return { size: blob.size, openAt: (offset) => (offset === 0 ? blob : blob.slice(offset)) };
}

/** The chunks of a source, in order. Stopping early (break, throw) cancels the underlying stream. */
export async function* chunksOf(source: ByteSource): AsyncGenerator<Uint8Array, void, undefined> {
  if (source instanceof Uint8Array) {
    if (source.byteLength > 0) yield source;
    return;
  }
  if (isBlob(source)) {
    yield* chunksOf(source.stream() as ReadableStream<Uint8Array>);
    return;
  }
  if (isReadableStream(source)) {
    // Read by hand: ReadableStream is not async-iterable in every browser yet.
    const reader = source.getReader();
    let finished = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          finished = true;
          return;
        }
        if (value.byteLength > 0) yield value;
      }
    } finally {
      if (!finished) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
  }
  for await (const chunk of source) if (chunk.byteLength > 0) yield chunk;
}

/**
 * Re-cuts chunks into pieces of exactly `size` bytes (the last may be shorter), so each WRITE
 * request is full. Big chunks are cut as views; only pieces straddling chunks are copied.
 */
export async function* rechunk(chunks: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array, void, undefined> {
  let buf: Uint8Array | null = null;
  let fill = 0;
  for await (const chunk of chunks) {
    let pos = 0;
    if (buf) {
      const take = Math.min(size - fill, chunk.byteLength);
      buf.set(chunk.subarray(0, take), fill);
      fill += take;
      pos = take;
      if (fill < size) continue;
      yield buf;
      buf = null;
      fill = 0;
    }
    while (chunk.byteLength - pos >= size) {
      yield chunk.subarray(pos, pos + size);
      pos += size;
    }
    if (pos < chunk.byteLength) {
      buf = new Uint8Array(size);
      buf.set(chunk.subarray(pos));
      fill = chunk.byteLength - pos;
    }
  }
  if (buf && fill > 0) yield buf.subarray(0, fill);
}
