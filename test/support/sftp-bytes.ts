// TEST-ONLY: deterministic generated file contents of any size, produced chunk by chunk (never
// held in memory), with their SHA-1 computed on the way; and server-side checks by sha1sum.
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';

export interface GeneratedFile {
  size: number;
  /** A fresh iterable over the bytes each time it is called. */
  chunks(chunkSize?: number): AsyncIterable<Uint8Array>;
  /** SHA-1 hex of the whole content (computed once, streaming). */
  sha1(): string;
  /** The bytes in [start, end) (for small files and assertions). */
  slice(start: number, end: number): Uint8Array<ArrayBuffer>;
}

export function generatedFile(size: number, seed = randomBytes(1 << 20)): GeneratedFile {
  const block = seed;
  const fill = (start: number, end: number) => {
    const out = new Uint8Array(end - start);
    let pos = start;
    while (pos < end) {
      const inBlock = pos % block.length;
      const n = Math.min(end - pos, block.length - inBlock);
      const round = Math.floor(pos / block.length) & 0xff;
      const dst = out.subarray(pos - start, pos - start + n);
      dst.set(block.subarray(inBlock, inBlock + n));
      if (round !== 0) for (let k = 0; k < n; k++) dst[k] = (dst[k]! + round) & 0xff;
      pos += n;
    }
    return out;
  };
  let digest: string | null = null;
  const file: GeneratedFile = {
    size,
    async *chunks(chunkSize = 256 * 1024) {
      for (let pos = 0; pos < size; pos += chunkSize) yield fill(pos, Math.min(size, pos + chunkSize));
    },
    sha1() {
      if (digest === null) {
        const h = createHash('sha1');
        for (let pos = 0; pos < size; pos += 4 << 20) h.update(fill(pos, Math.min(size, pos + (4 << 20))));
        digest = h.digest('hex');
      }
      return digest;
    },
    slice: (start, end) => fill(start, Math.min(end, size)),
  };
  return file;
}

export function sha1Of(...chunks: Uint8Array[]): string {
  const h = createHash('sha1');
  for (const c of chunks) h.update(c);
  return h.digest('hex');
}

/** `sha1sum` of a file on the server's disk (the test runs as root next to sshd). */
export function serverSha1(path: string): string {
  return execFileSync('sha1sum', [path]).toString().split(' ')[0] ?? '';
}
