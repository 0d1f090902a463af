// Download a remote file to a WritableStream or a callback, pipelined, memory flat.
import { SftpError } from './errors.ts';
import { readPipelined, type ChunkSink } from './read-pipeline.ts';
import type { SftpSession } from './session.ts';
import { drainAfter, type PipelineOptions } from './write-pipeline.ts';

export type ByteSink = WritableStream<Uint8Array> | ChunkSink;

export interface DownloadResult {
  bytes: number;
  /** The size fstat reported when the file was opened, if the server told. */
  sizeAtOpen?: number;
}

export interface DownloadOptions extends PipelineOptions {
  /**
   * Hold the server to the size it announced when the file was opened (default true): more bytes
   * fail with `download-oversize` as soon as they arrive, fewer with `download-short` at the end.
   */
  exactSize?: boolean;
  /** A hard cap, whatever the server announces (or when it announces nothing). */
  maxBytes?: number;
  /** Told the announced size (undefined if the server would not say) before any byte arrives. */
  onSize?: (size: number | undefined) => void;
}

const ignore = (): void => undefined;

/**
 * Reads `path` from start to end into `sink`. A WritableStream is closed on success and aborted
 * on failure; a callback's returned promise is awaited before more is handed over.
 */
export async function downloadFile(session: SftpSession, path: string, sink: ByteSink, options: DownloadOptions = {}): Promise<DownloadResult> {
  const writer = typeof sink === 'function' ? null : sink.getWriter();
  const put: ChunkSink = writer ? (chunk) => writer.write(chunk) : (sink as ChunkSink);
  try {
    if (options.signal?.aborted) throw new SftpError('cancelled');
    const handle = await session.open(path, 'read');
    let result: DownloadResult;
    try {
      const size = (await session.fstat(handle).catch(() => ({ size: undefined }))).size;
      options.onSize?.(size);
      const exact = options.exactSize !== false && size !== undefined;
      const caps = [options.maxBytes, exact ? size : undefined].filter((n): n is number => n !== undefined);
      const bytes = await readPipelined(session, handle, put, {
        ...options,
        ...(size === undefined ? {} : { sizeHint: size }),
        ...(caps.length > 0 ? { maxBytes: Math.min(...caps) } : {}),
      });
      if (exact && bytes < size) throw new SftpError('download-short', `It announced ${size} bytes and sent ${bytes}.`, { path, expectedBytes: size, actualBytes: bytes });
      result = size === undefined ? { bytes } : { bytes, sizeAtOpen: size };
    } catch (err) {
      await drainAfter(err, session.closeHandle(handle).catch(ignore), session, options);
      throw err;
    }
    await session.closeHandle(handle);
    await writer?.close();
    return result;
  } catch (err) {
    await writer?.abort(err).catch(ignore);
    throw err;
  }
}

/**
 * A small remote file in memory (a .hash control file, a receipt). Refuses, without reading it
 * all, a file larger than `maxBytes` (default 1 MiB): memory stays bounded whatever is there.
 */
export async function downloadToBytes(session: SftpSession, path: string, options: DownloadOptions = {}): Promise<Uint8Array> {
  const { maxBytes, ...rest } = options;
  const max = maxBytes ?? 1024 * 1024;
  const parts: Uint8Array[] = [];
  let total = 0;
  const tooLarge = new SftpError('file-too-large', `More than ${max} bytes.`, { path });
  await downloadFile(session, path, (chunk) => {
    total += chunk.byteLength;
    if (total > max) throw tooLarge;
    parts.push(chunk);
  }, rest);
  const out = new Uint8Array(total);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.byteLength;
  }
  return out;
}
