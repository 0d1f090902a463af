// The built PWA served by the real gateway on 127.0.0.1, on a free port, for browser tests.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startGateway } from '../../gateway/main.ts';

export async function startAppServer(): Promise<{ url: string; close(): Promise<void> }> {
  const webRoot = resolve('dist/web');
  if (!existsSync(resolve(webRoot, 'index.html'))) throw new Error('dist/web is missing: run `npx vite build` (npm test does it)');
  const gateway = await startGateway({ host: '127.0.0.1', port: 0, webRoot });
  return { url: gateway.url, close: () => gateway.close() };
}
