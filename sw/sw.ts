/// <reference lib="webworker" />
// The service worker: precache every asset of the build (JS, CSS, HTML, icons, any .wasm) so
// the app, its hash tool and its key tools work with no network after the first visit.
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: { url: string; revision: string | null }[] };

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// Every navigation gets the app shell; the relay and health check are never cached.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/relay/, /^\/healthz/, /^\/api\//] }));

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') void self.skipWaiting();
});
