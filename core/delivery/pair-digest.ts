// The SHA-1s a delivery needs: of one attempt's bytes (started afresh whenever the bytes start
// again from 0), of the start of a local file, and of a file on the server read back.
import { createDigest, type HashAlgorithm, type IncrementalDigest } from '../hash/digest.ts';
import { chunksOf, type SeekableSource } from '../sftp/byte-source.ts';
import { downloadFile } from '../sftp/download.ts';
import { isSftpError } from '../sftp/errors.ts';
import type { SftpSession } from '../sftp/session.ts';

/** The SHA-1 of the bytes of one attempt, in order from byte 0; `restart()` when they start again. */
export class AttemptDigest {
  private digest: IncrementalDigest | null = null;
  private bytes = 0;

  restart(): void {
    this.digest = null;
    this.bytes = 0;
  }

  async update(chunk: Uint8Array): Promise<void> {
    this.digest ??= await createDigest('sha1');
    this.digest.update(chunk);
    this.bytes += chunk.byteLength;
  }

  /** Hex digest and how many bytes it covers. */
  async finish(): Promise<{ hex: string; bytes: number }> {
    this.digest ??= await createDigest('sha1');
    return { hex: this.digest.digestHex(), bytes: this.bytes };
  }
}

/** The digest of a whole local source. */
export async function sourceSha1(source: SeekableSource, algorithm: HashAlgorithm, signal?: AbortSignal): Promise<string> {
  const digest = await createDigest(algorithm);
  for await (const chunk of chunksOf(source.openAt(0))) {
    if (signal?.aborted) throw signal.reason ?? new Error('cancelled');
    digest.update(chunk);
  }
  return digest.digestHex();
}

/** SHA-1 of the first `length` bytes of a local source (which must have that many). */
export async function localPrefixSha1(source: SeekableSource, length: number, signal?: AbortSignal): Promise<string | 'short'> {
  const digest = await createDigest('sha1');
  let left = length;
  for await (const chunk of chunksOf(source.openAt(0))) {
    if (signal?.aborted) throw signal.reason ?? new Error('cancelled');
    const part = chunk.byteLength > left ? chunk.subarray(0, left) : chunk;
    digest.update(part);
    left -= part.byteLength;
    if (left === 0) break;
  }
  return left > 0 ? 'short' : digest.digestHex();
}

/**
 * SHA-1 of a file on the server, read back whole; 'larger' (stopped early) when it holds more than
 * `maxBytes`, 'absent' when there is no such file, 'unreadable' when we may not read it.
 */
export async function remotePrefixSha1(session: SftpSession, path: string, maxBytes: number, signal?: AbortSignal): Promise<{ sha1: string; bytes: number } | 'absent' | 'unreadable' | 'larger'> {
  const digest = await createDigest('sha1');
  let bytes = 0;
  const tooLarge = new Error('larger');
  try {
    await downloadFile(session, path, (chunk) => {
      bytes += chunk.byteLength;
      if (bytes > maxBytes) throw tooLarge;
      digest.update(chunk);
    }, signal ? { signal } : {});
  } catch (err) {
    if (err === tooLarge) return 'larger';
    if (isSftpError(err, 'no-such-file')) return 'absent';
    if (isSftpError(err, 'permission-denied') || isSftpError(err, 'op-unsupported')) return 'unreadable';
    throw err;
  }
  return { sha1: digest.digestHex(), bytes };
}
