// Hash a stream chunk by chunk so memory stays flat whatever the file size.
import { createDigest, type HashAlgorithm } from './digest.ts';

export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export interface StreamDigestOptions {
  algorithm: HashAlgorithm;
  /** Called after each chunk with the bytes hashed so far. */
  onProgress?: (bytesDone: number) => void;
  signal?: AbortSignal;
}

export class HashCancelledError extends Error {
  constructor() {
    super('hashing cancelled');
    this.name = 'HashCancelledError';
  }
}

async function* chunksOf(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (Symbol.asyncIterator in source) {
    yield* source as AsyncIterable<Uint8Array>;
    return;
  }
  // Chromium's ReadableStream is not async-iterable everywhere yet: read it by hand.
  const reader = (source as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

export async function digestStream(source: ByteSource, options: StreamDigestOptions): Promise<{ hex: string; bytes: number }> {
  const digest = await createDigest(options.algorithm);
  let bytes = 0;
  for await (const chunk of chunksOf(source)) {
    if (options.signal?.aborted) {
      if (!(Symbol.asyncIterator in source)) await (source as ReadableStream<Uint8Array>).cancel().catch(() => undefined);
      throw new HashCancelledError();
    }
    digest.update(chunk);
    bytes += chunk.byteLength;
    options.onProgress?.(bytes);
  }
  if (options.signal?.aborted) throw new HashCancelledError();
  return { hex: digest.digestHex(), bytes };
}
