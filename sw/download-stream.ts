/// <reference lib="webworker" />
// The service worker's side of streamed downloads (see download-protocol.ts): one registered
// download per id, answered once, as an attachment whose body is pulled from the session worker.
// The response waits for the size the server announced, which becomes its Content-Length.
import { DOWNLOAD_PATH, type DownloadRegistration, type StreamDemand, type StreamSupply } from './download-protocol.ts';

/** Chunks queued in the response before more are asked for: with ~256 KiB chunks, a few MiB at most. */
const HIGH_WATER_CHUNKS = 16;

class StreamedDownload {
  /** The announced size (undefined: not told), or null when the download failed before it began. */
  readonly size: Promise<number | undefined | null>;
  private tellSize!: (size: number | undefined | null) => void;
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  private asked = 0;
  private wake: (() => void) | null = null;
  private finished = false;
  readonly done: Promise<void>;
  private markDone!: () => void;

  constructor(readonly name: string, private readonly port: MessagePort) {
    this.size = new Promise((ok) => (this.tellSize = ok));
    this.done = new Promise((ok) => (this.markDone = ok));
    port.onmessage = (e: MessageEvent<StreamSupply>) => this.supply(e.data);
  }

  private supply(m: StreamSupply): void {
    if (m.type === 'size') this.tellSize(m.size);
    else if (m.type === 'chunk') {
      this.asked--;
      this.controller?.enqueue(new Uint8Array(m.data));
    } else if (m.type === 'end') {
      this.controller?.close();
      this.finish();
    } else {
      this.tellSize(null);
      this.controller?.error(new Error(m.code));
      this.finish();
    }
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.port.close();
    this.markDone();
  }

  body(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
      },
      pull: (controller) => {
        if (this.finished) return;
        const room = Math.max(1, controller.desiredSize ?? 1) - this.asked;
        if (room > 0) {
          this.asked += room;
          this.port.postMessage({ type: 'pull', n: room } satisfies StreamDemand);
        }
        return new Promise<void>((ok) => (this.wake = ok));
      },
      cancel: () => {
        this.port.postMessage({ type: 'cancel' } satisfies StreamDemand);
        this.finish();
      },
    }, new CountQueuingStrategy({ highWaterMark: HIGH_WATER_CHUNKS }));
  }
}

const registered = new Map<string, StreamedDownload>();

export function registerDownload(reg: DownloadRegistration, port: MessagePort): string {
  registered.set(reg.id, new StreamedDownload(reg.name, port));
  return `${DOWNLOAD_PATH}${encodeURIComponent(reg.id)}/${encodeURIComponent(reg.name)}`;
}

/** `attachment` with an ASCII fallback and the exact UTF-8 name (RFC 6266 / 5987). */
function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

const plain = (status: number, text: string) => new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });

async function respond(download: StreamedDownload): Promise<Response> {
  const size = await download.size;
  // Failed before any byte (no such file, not allowed): no download at all; the app says why.
  if (size === null) return plain(409, 'The download failed.');
  const headers: Record<string, string> = {
    'Content-Type': 'application/octet-stream',
    'Content-Disposition': disposition(download.name),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
  if (size !== undefined) headers['Content-Length'] = String(size);
  return new Response(download.body(), { headers });
}

/** Answers a request for a registered download; false for any other request. */
export function respondToDownload(event: FetchEvent): boolean {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || !url.pathname.startsWith(DOWNLOAD_PATH)) return false;
  const id = decodeURIComponent(url.pathname.slice(DOWNLOAD_PATH.length).split('/')[0] ?? '');
  const download = registered.get(id);
  if (!download) {
    event.respondWith(plain(404, 'This download is no longer available.'));
    return true;
  }
  registered.delete(id); // answered once
  event.respondWith(respond(download));
  // The service worker stays alive while the body streams.
  event.waitUntil(download.done);
  return true;
}
