/// <reference lib="webworker" />
// The service worker: precache every asset of the build (JS, CSS, HTML, icons, any .wasm) so
// the app, its hash tool and its key tools work with no network after the first visit; and stream
// downloads to disk in browsers without a save-file picker (download-stream.ts).
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import type { DownloadKeepAlive, DownloadRegistered, DownloadRegistration } from './download-protocol.ts';
import { registerDownload, respondToDownload } from './download-stream.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: { url: string; revision: string | null }[] };

// Before workbox's routes: a download is never the app shell nor a cached file.
self.addEventListener('fetch', (event) => {
  respondToDownload(event);
});

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// Every navigation gets the app shell; the relay, health check and downloads are never cached.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/relay/, /^\/healthz/, /^\/api\//, /^\/courier-download\//] }));

self.addEventListener('message', (event) => {
  const data = event.data as DownloadRegistration | DownloadKeepAlive | string;
  if (data === 'skip-waiting') void self.skipWaiting();
  else if (typeof data === 'object' && data?.type === 'courier-download') {
    const [feed, answer] = event.ports;
    if (!feed || !answer) return;
    const url = registerDownload(data, feed);
    answer.postMessage({ type: 'registered', url } satisfies DownloadRegistered);
    answer.close();
  }
  // 'courier-download-keepalive': receiving the message is the point (it extends the worker's life).
});
