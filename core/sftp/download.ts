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

const ignore = (): void => undefined;

/**
 * Reads `path` from start to end into `sink`. A WritableStream is closed on success and aborted
 * on failure; a callback's returned promise is awaited before more is handed over.
 */
export async function downloadFile(session: SftpSession, path: string, sink: ByteSink, options: PipelineOptions = {}): Promise<DownloadResult> {
  const writer = typeof sink === 'function' ? null : sink.getWriter();
  const put: ChunkSink = writer ? (chunk) => writer.write(chunk) : (sink as ChunkSink);
  try {
    if (options.signal?.aborted) throw new SftpError('cancelled');
    const handle = await session.open(path, 'read');
    let result: DownloadResult;
    try {
      const size = (await session.fstat(handle).catch(() => ({ size: undefined }))).size;
      const bytes = await readPipelined(session, handle, put, { ...options, ...(size === undefined ? {} : { sizeHint: size }) });
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
export async function downloadToBytes(session: SftpSession, path: string, options: PipelineOptions & { maxBytes?: number } = {}): Promise<Uint8Array> {
  const max = options.maxBytes ?? 1024 * 1024;
  const parts: Uint8Array[] = [];
  let total = 0;
  const tooLarge = new SftpError('file-too-large', `More than ${max} bytes.`, { path });
  await downloadFile(session, path, (chunk) => {
    total += chunk.byteLength;
    if (total > max) throw tooLarge;
    parts.push(chunk);
  }, options);
  const out = new Uint8Array(total);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.byteLength;
  }
  return out;
}
