// Serves the built PWA: right MIME types, hashed assets cached for ever, index.html and the
// service worker never cached, security headers on everything. Only files whose real path (all
// symlinks resolved) lies inside the web root's real path are served.
import { constants, createReadStream } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { securityHeaders } from './security-headers.ts';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const NEVER_CACHED = new Set(['/index.html', '/sw.js', '/manifest.webmanifest']);

export function cacheControlFor(urlPath: string): string {
  if (NEVER_CACHED.has(urlPath)) return 'no-cache, no-store, must-revalidate';
  // Vite puts content-hashed files under /assets/.
  if (urlPath.startsWith('/assets/')) return 'public, max-age=31536000, immutable';
  return 'no-cache';
}

export function createStaticSite(root: string, options: { tls: boolean }) {
  const base = normalize(root);
  return async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = securityHeaders(options.tls);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    let urlPath: string;
    try {
      urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400, headers).end();
      return;
    }
    if (urlPath === '/') urlPath = '/index.html';
    const file = normalize(join(base, urlPath));
    if (!file.startsWith(base + sep) || urlPath.includes('\0')) {
      res.writeHead(404, headers).end();
      return;
    }
    try {
      const [realRoot, real] = await Promise.all([realpath(base), realpath(file)]);
      if (!real.startsWith(realRoot + sep)) throw new Error('outside the web root');
      // Open the resolved path and serve from that handle: what was checked is what is sent.
      const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
      const info = await handle.stat();
      if (!info.isFile()) {
        await handle.close();
        throw new Error('not a file');
      }
      res.writeHead(200, {
        ...headers,
        'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
        'Content-Length': String(info.size),
        'Cache-Control': cacheControlFor(urlPath),
      });
      if (req.method === 'HEAD') {
        await handle.close();
        res.end();
      } else pipeline(createReadStream('', { fd: handle }), res, () => undefined);
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' }).end('Not found');
    }
  };
}
