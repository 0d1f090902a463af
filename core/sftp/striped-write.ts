// Pipelined writes of one file over several lanes: SFTP sessions on their own SSH channels, each
// with a handle on the same file. Every channel has its own flow-control window (OpenSSH's sshd
// grants 2 MiB), which caps one channel at about window / round trip on a long link; N channels
// carry N windows. The source is still read once, in order (so a digest over the chunks is of the
// exact bytes); each piece goes to the lane with the most room and is written at its own offset,
// so the file fills out of order. Progress is the offset below which every write was confirmed:
// a contiguous prefix, the only safe point to resume from.
import { rechunk } from './byte-source.ts';
import { SftpError } from './errors.ts';
import type { SftpHandle, SftpSession } from './session.ts';
import { abortWaiter, cancelledError, DEFAULT_BYTES_IN_FLIGHT, DEFAULT_WINDOW, drainAfter, writePipelined, type PipelineOptions } from './write-pipeline.ts';

export interface WriteLane {
  session: SftpSession;
  handle: SftpHandle;
}

interface LaneState {
  lane: WriteLane;
  inflight: number;
  bytes: number;
  unsent: number;
}

interface Written {
  end: number;
  settled: boolean;
  error?: unknown;
}

/** Bytes that may wait for a channel's window per lane (as in writePipelined). */
const UNSENT_BYTES = 256 * 1024;

/**
 * Writes `chunks` at `startOffset` onwards over `lanes` (window and byte limits of `options` apply
 * per lane); resolves with the end offset once every write was confirmed. On error or cancel it
 * still waits for every request in flight (bounded after a cancel), then throws; the bytes the
 * server holds past the last progress report may have gaps. The handles stay open.
 */
export async function writeStriped(lanes: readonly WriteLane[], chunks: AsyncIterable<Uint8Array>, startOffset: number, options: PipelineOptions = {}): Promise<number> {
  const first = lanes[0];
  if (!first) throw new SftpError('failure', 'No session to write with.');
  if (lanes.length === 1) return writePipelined(first.session, first.handle, chunks, startOffset, options);

  const window = Math.max(1, options.window ?? DEFAULT_WINDOW);
  const pieceSize = Math.min(...lanes.map((l) => l.session.writeChunk));
  const maxBytes = Math.max(pieceSize, options.maxBytesInFlight ?? DEFAULT_BYTES_IN_FLIGHT);
  const maxUnsent = Math.max(1, Math.floor(UNSENT_BYTES / pieceSize));
  const states: LaneState[] = lanes.map((lane) => ({ lane, inflight: 0, bytes: 0, unsent: 0 }));
  const written: Written[] = [];
  const replies: Promise<unknown>[] = [];
  let head = 0;
  let confirmed = startOffset;
  let offset = startOffset;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const nextEvent = () => new Promise<void>((ok) => (wake = ok));

  const advance = () => {
    while (head < written.length && written[head]!.settled && written[head]!.error === undefined) {
      confirmed = written[head]!.end;
      written[head++] = undefined as never;
    }
    if (head > 4096) {
      written.splice(0, head);
      head = 0;
    }
    if (failure === null) options.onProgress?.(confirmed);
  };

  const pick = (length: number): LaneState | null => {
    let best: LaneState | null = null;
    for (const s of states) {
      if (s.inflight >= window || s.unsent >= maxUnsent || (s.inflight > 0 && s.bytes + length > maxBytes)) continue;
      if (!best || s.unsent < best.unsent || (s.unsent === best.unsent && s.bytes < best.bytes)) best = s;
    }
    return best;
  };

  const cancel = abortWaiter(options.signal);
  try {
    for await (const piece of rechunk(chunks, pieceSize)) {
      if (options.signal?.aborted) throw cancelledError(options.signal);
      let state = pick(piece.byteLength);
      while (state === null) {
        if (failure !== null) throw failure;
        await cancel.race(nextEvent());
        state = pick(piece.byteLength);
      }
      if (failure !== null) throw failure;
      const s = state;
      const req = s.lane.session.writeRequest(s.lane.handle, offset, piece);
      offset += piece.byteLength;
      const entry: Written = { end: offset, settled: false };
      written.push(entry);
      s.inflight++;
      s.bytes += piece.byteLength;
      s.unsent++;
      const onSent = () => {
        s.unsent--;
        notify();
      };
      req.sent.then(onSent, onSent);
      replies.push(req.reply.then(
        () => {
          s.inflight--;
          s.bytes -= piece.byteLength;
          entry.settled = true;
          advance();
          notify();
        },
        (error: unknown) => {
          s.inflight--;
          s.bytes -= piece.byteLength;
          entry.settled = true;
          entry.error = error;
          failure ??= error;
          notify();
        },
      ));
    }
    if (options.signal?.aborted) throw cancelledError(options.signal);
  } catch (err) {
    failure ??= err;
  }
  await drainAfter(failure, Promise.all(replies).then(() => undefined), states.map((s) => s.lane.session), options);
  if (failure !== null) throw failure;
  return offset;
}
