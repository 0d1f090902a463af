// The digest of a Blob (a user's File). Files up to `oneShotMaxBytes` are read whole and digested
// by WebCrypto in one call: in the browser that is BoringSSL with SHA-NI, about 1.5x hash-wasm,
// and no per-file WebAssembly set-up (bench/hash.bench.ts measures both). Larger files stream
// through hash-wasm: `Blob.stream()` already reads ahead in the browser process while this thread
// hashes, and cost the least CPU per byte of the readers measured (slices read ahead with
// `slice().arrayBuffer()` cost 10-60 % more). Memory stays bounded: one small file, or the stream's
// chunks.
import { bytesToHex } from '@noble/hashes/utils.js';
import type { HashAlgorithm } from './digest.ts';
import { digestStream, HashCancelledError } from './stream-digest.ts';

export interface BlobDigestOptions {
  algorithm: HashAlgorithm;
  /** Called with the bytes hashed so far. */
  onProgress?: (bytesDone: number) => void;
  signal?: AbortSignal;
  /** Files up to this size go to WebCrypto's one-shot digest, default 16 MiB; 0 never. */
  oneShotMaxBytes?: number;
}

export const DEFAULT_ONE_SHOT_MAX_BYTES = 16 * 1024 * 1024;

const WEBCRYPTO_NAME: Record<HashAlgorithm, string> = { sha1: 'SHA-1', sha256: 'SHA-256' };

export async function digestBlob(blob: Blob, options: BlobDigestOptions): Promise<{ hex: string; bytes: number }> {
  if (options.signal?.aborted) throw new HashCancelledError();
  const size = blob.size;
  const subtle = typeof crypto === 'object' ? crypto.subtle : undefined;
  if (subtle && size <= (options.oneShotMaxBytes ?? DEFAULT_ONE_SHOT_MAX_BYTES)) {
    const bytes = await blob.arrayBuffer();
    if (options.signal?.aborted) throw new HashCancelledError();
    if (bytes.byteLength !== size) throw new Error(`the file changed while it was read (${bytes.byteLength} of ${size} bytes)`);
    const digest = await subtle.digest(WEBCRYPTO_NAME[options.algorithm], bytes);
    options.onProgress?.(size);
    return { hex: bytesToHex(new Uint8Array(digest)), bytes: size };
  }
  const r = await digestStream(blob.stream() as ReadableStream<Uint8Array>, {
    algorithm: options.algorithm,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (r.bytes !== size) throw new Error(`the file changed while it was read (${r.bytes} of ${size} bytes)`);
  return r;
}
