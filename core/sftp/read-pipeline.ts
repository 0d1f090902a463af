// Pipelined reads from an open handle: up to `window` READ requests in flight, data handed to the
// sink strictly in file order. A short read (fewer bytes than asked) re-asks for the rest before
// anything later is delivered; EOF ends the file at that offset. The sink's pace limits how far
// ahead we ask, so memory stays bounded by the window.
import { SftpError } from './errors.ts';
import type { SftpHandle, SftpSession } from './session.ts';
import { abortWaiter, cancelledError, DEFAULT_BYTES_IN_FLIGHT, DEFAULT_WINDOW, drainAfter, type PipelineOptions } from './write-pipeline.ts';

export type ChunkSink = (chunk: Uint8Array) => void | Promise<void>;

export interface ReadPipelineOptions extends PipelineOptions {
  startOffset?: number;
  /** Expected size (from fstat): past it, only one request at a time probes for EOF. */
  sizeHint?: number;
  /**
   * Never hand the sink more than this many bytes in all: a server that sends more fails with
   * `download-oversize` (the bytes past the limit are dropped).
   */
  maxBytes?: number;
}

type Outcome = { data: Uint8Array | null } | { error: unknown };

interface Segment {
  offset: number;
  length: number;
  outcome: Promise<Outcome>;
}

/** Reads from `startOffset` to EOF into `sink`; resolves with the bytes delivered. */
export async function readPipelined(session: SftpSession, handle: SftpHandle, sink: ChunkSink, options: ReadPipelineOptions = {}): Promise<number> {
  const chunk = session.readChunk;
  const window = Math.max(1, Math.min(options.window ?? DEFAULT_WINDOW, Math.floor((options.maxBytesInFlight ?? DEFAULT_BYTES_IN_FLIGHT) / chunk) || 1));
  const limit = options.sizeHint ?? Number.POSITIVE_INFINITY;
  const queue: Segment[] = [];
  let next = options.startOffset ?? 0;
  let eof = false;
  let delivered = 0;

  const issue = (offset: number, length: number): Segment => {
    const { reply } = session.readRequest(handle, offset, length);
    return { offset, length, outcome: reply.then((data): Outcome => ({ data }), (error: unknown): Outcome => ({ error })) };
  };

  let failure: unknown = null;
  const cancel = abortWaiter(options.signal);
  try {
    for (;;) {
      if (options.signal?.aborted) throw cancelledError(options.signal);
      while (!eof && queue.length < window && (next < limit || queue.length === 0)) {
        queue.push(issue(next, chunk));
        next += chunk;
      }
      const head = queue[0];
      if (!head) return delivered;
      const outcome = await cancel.race(head.outcome);
      queue.shift();
      if ('error' in outcome) throw outcome.error;
      const data = outcome.data;
      if (data === null) {
        // EOF at head.offset: everything asked beyond it is moot (its replies are simply dropped).
        eof = true;
        queue.length = 0;
        continue;
      }
      if (data.byteLength === 0) throw new SftpError('failure', 'The server answered a read with no data and no end of file.', { path: handle.path });
      if (options.maxBytes !== undefined && delivered + data.byteLength > options.maxBytes) {
        throw new SftpError('download-oversize', `It announced ${options.maxBytes} bytes.`, { path: handle.path, expectedBytes: options.maxBytes, actualBytes: head.offset + data.byteLength });
      }
      if (data.byteLength < head.length) queue.unshift(issue(head.offset + data.byteLength, head.length - data.byteLength));
      await sink(data);
      delivered += data.byteLength;
      options.onProgress?.(head.offset + data.byteLength);
    }
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    // Let replies still in flight land before the caller closes the handle (bounded after a cancel).
    await drainAfter(failure, Promise.all(queue.map((s) => s.outcome)).then(() => undefined), session, options);
  }
}
