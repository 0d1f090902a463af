// Pipelined writes into an open handle, the way OpenSSH's sftp-client does it: keep up to `window`
// WRITE requests in flight, take the next piece from the source only once the channel accepted the
// previous one and the window has room. Memory is bounded by the window whatever the file size,
// and throughput by the cipher rather than by round trips.
import { rechunk } from './byte-source.ts';
import { SftpError } from './errors.ts';
import type { SftpHandle, SftpSession } from './session.ts';

export interface PipelineOptions {
  /** Most requests in flight. Default 64 (as OpenSSH). */
  window?: number;
  /** Most bytes in flight. Default 8 MiB. */
  maxBytesInFlight?: number;
  signal?: AbortSignal;
  /** Called with the offset up to which the server confirmed everything. */
  onProgress?: (bytesDone: number) => void;
  /**
   * After a cancel, how long to wait for answers to the requests in flight before giving up on the
   * server and closing the session (a hung server must not make cancel hang). Default 15 s.
   */
  drainTimeoutMs?: number;
}

type Settled = { ok: true } | { ok: false; error: unknown };

export const DEFAULT_WINDOW = 64;
export const DEFAULT_BYTES_IN_FLIGHT = 8 * 1024 * 1024;
const UNSENT_BYTES = 256 * 1024;

/**
 * Waits for `drain`, but after a cancel at most `options.drainTimeoutMs`: past that the server is
 * not answering, so the session (or each of several) is closed (failing what is in flight) and the
 * cancel completes.
 */
export async function drainAfter(failure: unknown, drain: Promise<void>, session: SftpSession | readonly SftpSession[], options: PipelineOptions): Promise<void> {
  if (!(failure instanceof SftpError && failure.code === 'cancelled')) return drain;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<boolean>((ok) => (timer = setTimeout(() => ok(true), options.drainTimeoutMs ?? 15_000)));
  try {
    if (await Promise.race([drain.then(() => false), timedOut])) {
      await Promise.all([...new Set(Array.isArray(session) ? session : [session])].map((s: SftpSession) => s.close()));
      await drain;
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Races waits against the signal, so a cancel is noticed even while nothing else moves. */
export function abortWaiter(signal: AbortSignal | undefined): { race<T>(p: Promise<T>): Promise<T> } {
  if (!signal) return { race: (p) => p };
  // Each race listens for the abort only until its own promise settles. (Promise.race against one
  // long-lived "aborted" promise adds a reaction to it per call, and each reaction keeps its result
  // — a chunk of the file — reachable until the transfer ends: Firefox held a whole 1 GiB download.)
  return {
    race: <T>(p: Promise<T>) =>
      new Promise<T>((ok, fail) => {
        if (signal.aborted) return fail(cancelledError(signal));
        const onAbort = () => fail(cancelledError(signal));
        signal.addEventListener('abort', onAbort, { once: true });
        p.then(
          (v) => {
            signal.removeEventListener('abort', onAbort);
            ok(v);
          },
          (e: unknown) => {
            signal.removeEventListener('abort', onAbort);
            fail(e);
          },
        );
      }),
  };
}

export function cancelledError(signal: AbortSignal | undefined): SftpError {
  const reason: unknown = signal?.reason;
  return reason instanceof SftpError ? reason : new SftpError('cancelled', undefined, reason === undefined ? {} : { cause: reason });
}

/**
 * Writes `chunks` at `startOffset` onwards; resolves with the end offset once every write was
 * confirmed. On error or cancel it still waits for the requests in flight (so what reached the
 * server is a contiguous prefix, fit for resuming), then throws. The handle stays open.
 */
export async function writePipelined(session: SftpSession, handle: SftpHandle, chunks: AsyncIterable<Uint8Array>, startOffset: number, options: PipelineOptions = {}): Promise<number> {
  const window = Math.max(1, options.window ?? DEFAULT_WINDOW);
  const maxBytes = Math.max(session.writeChunk, options.maxBytesInFlight ?? DEFAULT_BYTES_IN_FLIGHT);
  const inflight: { end: number; length: number; settled: Promise<Settled> }[] = [];
  let inflightBytes = 0;
  // Small pieces may queue a little so the router can join them into one channel write; big ones
  // wait for the channel (its window is the backpressure that keeps the source from racing ahead).
  const maxUnsent = Math.max(1, Math.floor(UNSENT_BYTES / session.writeChunk));
  const unsent: Promise<void>[] = [];
  let offset = startOffset;
  let failure: unknown = null;

  const cancel = abortWaiter(options.signal);

  const settleOldest = async (abortable: boolean): Promise<void> => {
    const head = inflight[0];
    if (!head) return;
    const result = abortable ? await cancel.race(head.settled) : await head.settled;
    inflight.shift();
    inflightBytes -= head.length;
    if (!result.ok) {
      failure ??= result.error;
      return;
    }
    if (failure === null) options.onProgress?.(head.end);
  };

  try {
    for await (const piece of rechunk(chunks, session.writeChunk)) {
      if (options.signal?.aborted) throw cancelledError(options.signal);
      while (inflight.length > 0 && (inflight.length >= window || inflightBytes + piece.byteLength > maxBytes)) {
        await settleOldest(true);
        if (failure !== null) throw failure;
      }
      const req = session.writeRequest(handle, offset, piece);
      offset += piece.byteLength;
      inflightBytes += piece.byteLength;
      inflight.push({ end: offset, length: piece.byteLength, settled: req.reply.then((): Settled => ({ ok: true }), (error: unknown): Settled => ({ ok: false, error })) });
      unsent.push(req.sent);
      while (unsent.length >= maxUnsent) await cancel.race(unsent.shift()!);
    }
    if (options.signal?.aborted) throw cancelledError(options.signal);
  } catch (err) {
    failure ??= err;
  }
  const drain = (async () => {
    while (inflight.length > 0) await settleOldest(false);
  })();
  await drainAfter(failure, drain, session, options);
  if (failure !== null) throw failure;
  return offset;
}
