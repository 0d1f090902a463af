// Downloads from the server, streamed to where the page said: a file the user chose (written as
// it arrives), the service worker's download response (one chunk per credit), or memory (a browser
// with neither). Each reports bytes of total as it goes and can be cancelled.
import { downloadFile, type ByteSink } from '../../../core/sftp/download.ts';
import { SftpError } from '../../../core/sftp/errors.ts';
import { escapeControls } from '../../../core/text/control-chars.ts';
import type { StreamDemand, StreamSupply } from '../../../sw/download-protocol.ts';
import { log, post } from './session-channel.ts';
import { current } from './session-connection.ts';
import { toWireError } from './session-errors.ts';
import type { DownloadSink, DownloadView, SessionReplyValue } from './session-protocol.ts';

const running = new Map<string, AbortController>();

/**
 * A sink feeding the service worker's download response; waits for its credit before each chunk.
 * The last chunk is held back until the download proved complete: a server that sends more or less
 * than it announced is refused before the browser has all the bytes it was told to expect, so its
 * download fails instead of looking complete.
 */
function streamSink(port: MessagePort, ctl: AbortController): { sink: (chunk: Uint8Array) => Promise<void>; announce(size: number | undefined): void; end(): Promise<void>; fail(err: unknown): void; handedOver(): boolean } {
  let credit = 0;
  let given = false;
  let wake: (() => void) | null = null;
  let held: Uint8Array | null = null;
  const wakeUp = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  port.onmessage = (e: MessageEvent<StreamDemand>) => {
    if (e.data.type === 'pull') credit += e.data.n;
    else ctl.abort(); // the browser's own download was cancelled
    wakeUp();
  };
  const send = (m: StreamSupply, transfer: Transferable[] = []) => port.postMessage(m, transfer);
  const give = async (chunk: Uint8Array) => {
    while (credit === 0 && !ctl.signal.aborted) await new Promise<void>((ok) => (wake = ok));
    if (ctl.signal.aborted) throw new SftpError('cancelled');
    credit--;
    given = true;
    send({ type: 'chunk', data: chunk.buffer as ArrayBuffer }, [chunk.buffer]);
  };
  return {
    sink: async (chunk) => {
      if (held) await give(held);
      held = chunk.slice();
    },
    announce: (size) => send({ type: 'size', ...(size !== undefined ? { size } : {}) }),
    end: async () => {
      if (held) await give(held);
      held = null;
      send({ type: 'end' });
      port.close();
    },
    // Bytes reached the browser's own download: a browser may keep them after a failure (Firefox: .part).
    handedOver: () => given,
    fail: (err) => {
      held = null;
      send({ type: 'error', code: toWireError(err).code });
      port.close();
    },
  };
}

function fileSink(writable: FileSystemWritableFileStream, count: (n: number) => void): WritableStream<Uint8Array> {
  return new WritableStream<Uint8Array>({
    async write(chunk) {
      await writable.write(chunk as Uint8Array<ArrayBuffer>);
      count(chunk.byteLength);
    },
    close: () => writable.close(),
    abort: () => writable.abort(),
  });
}

export async function download(downloadId: string, path: string, size: number | undefined, target: DownloadSink): Promise<SessionReplyValue> {
  const ctl = new AbortController();
  running.set(downloadId, ctl);
  const view: DownloadView = { downloadId, path: escapeControls(path), name: escapeControls(path.slice(path.lastIndexOf('/') + 1)), bytes: 0, state: 'running', startedAt: Date.now(), ...(size !== undefined ? { total: size } : {}) };
  let lastPost = 0;
  const report = (force = false) => {
    const now = performance.now();
    if (!force && now - lastPost < 150) return;
    lastPost = now;
    post({ type: 'download', download: { ...view } });
  };
  const count = (n: number) => {
    view.bytes += n;
    report();
  };
  report(true);
  const stream = target.kind === 'stream' ? streamSink(target.port, ctl) : null;
  const parts: Uint8Array[] = [];
  try {
    const { sftp } = await current();
    let sink: ByteSink;
    if (target.kind === 'file') sink = fileSink(await target.handle.createWritable(), count);
    else if (stream) {
      sink = async (chunk) => {
        await stream.sink(chunk);
        count(chunk.byteLength);
      };
    } else {
      sink = (chunk) => {
        parts.push(chunk.slice());
        count(chunk.byteLength);
      };
    }
    await downloadFile(sftp, path, sink, {
      signal: ctl.signal,
      // The server's own announcement bounds the download (core stops at it) and is the total shown.
      onSize: (announced) => {
        if (announced !== undefined) view.total = announced;
        else delete view.total;
        stream?.announce(announced);
        report(true);
      },
    });
    await stream?.end();
    view.state = 'done';
    log.info(`downloaded ${path} (${view.bytes} bytes)`);
    return target.kind === 'memory' ? { bytes: view.bytes, blob: new Blob(parts as Uint8Array<ArrayBuffer>[]) } : { bytes: view.bytes };
  } catch (err) {
    stream?.fail(err);
    view.state = ctl.signal.aborted ? 'cancelled' : 'failed';
    if (view.state === 'failed') view.error = toWireError(err);
    if (stream?.handedOver()) view.partialInBrowser = true;
    log.warn(`download of ${path} ${view.state}${view.error ? `: ${view.error.message}` : ''}`);
    throw err;
  } finally {
    running.delete(downloadId);
    report(true);
  }
}

/** Stops a download (one that already ended is left as it is). */
export function cancelDownload(downloadId: string): null {
  running.get(downloadId)?.abort();
  return null;
}
