// The SHA-1s a delivery needs: of one attempt's bytes (started afresh whenever the bytes start
// again from 0) and of a file on the server read back; and how much of a partial on the server
// agrees with the start of the local file.
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

/** A resume point is a multiple of this: a few bytes that happen to agree are no proof of anything. */
export const PREFIX_GRAIN = 64 * 1024;

/**
 * How many leading bytes of a file on the server equal the local source's, compared byte for byte
 * while both are read (stops at the first difference), rounded down to PREFIX_GRAIN. A partial
 * left by a split upload holds a whole start and then later parts with gaps between them: its start
 * is still good. 'larger' (stopped early) when the server holds more than the local file, 'absent'
 * when there is no such file, 'unreadable' when we may not read it.
 */
export async function matchingPrefix(session: SftpSession, path: string, source: SeekableSource & { size: number }, signal?: AbortSignal): Promise<{ bytes: number; remoteBytes: number } | 'absent' | 'unreadable' | 'larger'> {
  const local = chunksOf(source.openAt(0))[Symbol.asyncIterator]();
  let pending: Uint8Array = new Uint8Array(0);
  let remoteBytes = 0;
  let matched = 0;
  let differs = false;
  const stop = new Error('stop');
  const tooLarge = new Error('larger');
  try {
    await downloadFile(session, path, async (chunk) => {
      remoteBytes += chunk.byteLength;
      if (remoteBytes > source.size) throw tooLarge;
      let at = 0;
      while (at < chunk.byteLength) {
        if (pending.byteLength === 0) {
          const next = await local.next();
          if (next.done) throw tooLarge;
          pending = next.value;
        }
        const n = Math.min(pending.byteLength, chunk.byteLength - at);
        for (let i = 0; i < n; i++) {
          if (pending[i] !== chunk[at + i]) {
            matched += i;
            differs = true;
            throw stop;
          }
        }
        matched += n;
        at += n;
        pending = pending.subarray(n);
      }
    }, signal ? { signal } : {});
  } catch (err) {
    if (err === tooLarge) return 'larger';
    if (err !== stop) {
      if (isSftpError(err, 'no-such-file')) return 'absent';
      if (isSftpError(err, 'permission-denied') || isSftpError(err, 'op-unsupported')) return 'unreadable';
      throw err;
    }
  } finally {
    await local.return?.();
  }
  // A whole partial that agrees to its last byte is continued at its end; else at a grain boundary.
  const bytes = !differs && matched === remoteBytes ? matched : matched - (matched % PREFIX_GRAIN);
  return { bytes, remoteBytes };
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
