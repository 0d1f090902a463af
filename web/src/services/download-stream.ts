// The page's side of a download streamed through the service worker (sw/download-stream.ts): register
// it, hand the feeding port to the session worker, then open the download's URL in a hidden frame so
// the browser saves the streamed response to disk. Memory stays flat whatever the size.
import type { DownloadKeepAlive, DownloadRegistered, DownloadRegistration } from '../../../sw/download-protocol.ts';

export interface StreamedDownload {
  /** The port the session worker writes the file's bytes to. */
  port: MessagePort;
  /** Opens the download in the browser (after the port was handed to the worker). */
  open(): void;
  /** Removes the frame once the transfer ended. */
  close(): void;
}

async function activeServiceWorker(): Promise<ServiceWorker | null> {
  if (!('serviceWorker' in navigator)) return null;
  const reg = await navigator.serviceWorker.getRegistration().catch(() => undefined);
  return reg?.active ?? null;
}

let streaming = 0;
let keepAlive: ReturnType<typeof setInterval> | null = null;

/** While downloads stream, a message every 10 s keeps the browser from stopping the service worker as idle. */
function holdServiceWorker(sw: ServiceWorker): () => void {
  streaming++;
  keepAlive ??= setInterval(() => sw.postMessage({ type: 'courier-download-keepalive' } satisfies DownloadKeepAlive), 10_000);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--streaming === 0 && keepAlive) {
      clearInterval(keepAlive);
      keepAlive = null;
    }
  };
}

/** A download to stream through the service worker; null when none is active (first visit offline, private mode). */
export async function streamThroughServiceWorker(name: string): Promise<StreamedDownload | null> {
  const sw = await activeServiceWorker();
  if (!sw) return null;
  const feed = new MessageChannel();
  const answer = new MessageChannel();
  const registration: DownloadRegistration = { type: 'courier-download', id: crypto.randomUUID(), name };
  const registered = new Promise<DownloadRegistered | null>((ok) => {
    const timer = setTimeout(() => ok(null), 5000);
    answer.port1.onmessage = (e: MessageEvent<DownloadRegistered>) => {
      clearTimeout(timer);
      ok(e.data);
    };
  });
  sw.postMessage(registration, [feed.port1, answer.port2]);
  const reply = await registered;
  answer.port1.close();
  if (!reply) return null;
  const release = holdServiceWorker(sw);
  let frame: HTMLIFrameElement | null = null;
  return {
    port: feed.port2,
    open() {
      frame = document.createElement('iframe');
      frame.hidden = true;
      frame.title = name;
      frame.src = reply.url;
      document.body.append(frame);
    },
    close() {
      release();
      // Give the browser a moment to finish writing before the frame goes.
      const f = frame;
      frame = null;
      if (f) setTimeout(() => f.remove(), 5000);
    },
  };
}
