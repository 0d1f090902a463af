/// <reference lib="webworker" />
// The service worker's side of streamed downloads (see download-protocol.ts): one registered
// download per id, answered once, as an attachment whose body is pulled from the session worker.
import { DOWNLOAD_PATH, type DownloadRegistration, type StreamDemand, type StreamSupply } from './download-protocol.ts';

interface Registered {
  port: MessagePort;
  name: string;
  size?: number;
}

const registered = new Map<string, Registered>();
/** Chunks queued in the response before more are asked for: with ~256 KiB chunks, a few MiB at most. */
const HIGH_WATER_CHUNKS = 16;

export function registerDownload(reg: DownloadRegistration, port: MessagePort): string {
  registered.set(reg.id, { port, name: reg.name, ...(reg.size !== undefined ? { size: reg.size } : {}) });
  return `${DOWNLOAD_PATH}${encodeURIComponent(reg.id)}/${encodeURIComponent(reg.name)}`;
}

/** `attachment` with an ASCII fallback and the exact UTF-8 name (RFC 6266 / 5987). */
function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function bodyFrom(port: MessagePort, done: () => void): ReadableStream<Uint8Array> {
  let asked = 0;
  let wake: (() => void) | null = null;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    port.close();
    wake?.();
    done();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      port.onmessage = (e: MessageEvent<StreamSupply>) => {
        const m = e.data;
        if (m.type === 'chunk') {
          asked--;
          controller.enqueue(new Uint8Array(m.data));
        } else if (m.type === 'end') {
          controller.close();
          finish();
        } else {
          controller.error(new Error(m.code));
          finish();
        }
        const w = wake;
        wake = null;
        w?.();
      };
    },
    pull(controller) {
      if (finished) return;
      const room = Math.max(1, controller.desiredSize ?? 1) - asked;
      if (room > 0) {
        asked += room;
        port.postMessage({ type: 'pull', n: room } satisfies StreamDemand);
      }
      return new Promise<void>((ok) => (wake = ok));
    },
    cancel() {
      port.postMessage({ type: 'cancel' } satisfies StreamDemand);
      finish();
    },
  }, new CountQueuingStrategy({ highWaterMark: HIGH_WATER_CHUNKS }));
}

/** Answers a request for a registered download; false for any other request. */
export function respondToDownload(event: FetchEvent): boolean {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || !url.pathname.startsWith(DOWNLOAD_PATH)) return false;
  const id = decodeURIComponent(url.pathname.slice(DOWNLOAD_PATH.length).split('/')[0] ?? '');
  const entry = registered.get(id);
  if (!entry) {
    event.respondWith(new Response('This download is no longer available.', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } }));
    return true;
  }
  registered.delete(id); // answered once
  let done!: () => void;
  const streamed = new Promise<void>((ok) => (done = ok));
  const headers: Record<string, string> = {
    'Content-Type': 'application/octet-stream',
    'Content-Disposition': disposition(entry.name),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
  if (entry.size !== undefined) headers['Content-Length'] = String(entry.size);
  event.respondWith(new Response(bodyFrom(entry.port, done), { headers }));
  // The service worker stays alive while the body streams.
  event.waitUntil(streamed);
  return true;
}
