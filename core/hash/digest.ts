// Incremental SHA-1 / SHA-256 by hash-wasm: one code path in browsers and Node, fast, streaming.
import { createSHA1, createSHA256 } from 'hash-wasm';

export type HashAlgorithm = 'sha1' | 'sha256';

export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['sha1', 'sha256'];

/** Hex length of each algorithm's digest, used to recognise a digest in a `.hash` file. */
export const HEX_LENGTH: Record<HashAlgorithm, number> = { sha1: 40, sha256: 64 };

export interface IncrementalDigest {
  update(chunk: Uint8Array): void;
  /** Lowercase hex. The digest cannot be updated afterwards. */
  digestHex(): string;
}

export function isHashAlgorithm(value: string): value is HashAlgorithm {
  return (HASH_ALGORITHMS as readonly string[]).includes(value);
}

export async function createDigest(algorithm: HashAlgorithm): Promise<IncrementalDigest> {
  const hasher = algorithm === 'sha1' ? await createSHA1() : await createSHA256();
  hasher.init();
  return {
    update(chunk) {
      hasher.update(chunk);
    },
    digestHex() {
      return hasher.digest('hex');
    },
  };
}
