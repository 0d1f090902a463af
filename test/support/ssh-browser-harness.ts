// Builds the test SSH worker with Vite using the app's SSH bundling settings (aliases and
// defines from vite.config.ts), serves it from the real gateway next to a tiny page, and gives
// tests a `call(op, args)` into the worker running in headless Chromium.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, loadConfigFromFile, type UserConfig } from 'vite';
import type { Browser, Page } from 'playwright-core';
import { startGateway, type RunningGateway } from '../../gateway/gateway-server.ts';
import type { RelayTarget } from '../../gateway/config.ts';
import { launchChromium, recordRequests } from './chromium.ts';

export interface BrowserSsh {
  gateway: RunningGateway;
  page: Page;
  requests: string[];
  call<T>(op: string, args?: unknown): Promise<T>;
  relayUrl(targetId: string): string;
  close(): Promise<void>;
}

/** Bundles test/e2e/ssh-browser-worker.ts into `dir` the way the app's worker is bundled. */
export async function buildSshWorker(dir: string): Promise<void> {
  const loaded = await loadConfigFromFile({ command: 'build', mode: 'production' }, 'vite.config.ts');
  const app = (loaded?.config ?? {}) as UserConfig;
  await build({
    configFile: false,
    logLevel: 'warn',
    resolve: app.resolve,
    define: app.define,
    build: {
      outDir: dir,
      emptyOutDir: false,
      target: 'es2022',
      minify: true,
      lib: { entry: join(process.cwd(), 'test/e2e/ssh-browser-worker.ts'), formats: ['es'], fileName: () => 'ssh-worker.js' },
    },
  });
}

export async function startBrowserSsh(targets: Record<string, RelayTarget>): Promise<BrowserSsh> {
  const dir = mkdtempSync(join(tmpdir(), 'courier-ssh-web-'));
  await buildSshWorker(dir);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><script type="module" src="/page.js"></script></head><body>ssh test</body></html>');
  writeFileSync(
    join(dir, 'page.js'),
    `const w = new Worker('/ssh-worker.js', { type: 'module' }); let n = 0; const waiting = new Map();
     w.onmessage = (e) => { const p = waiting.get(e.data.id); waiting.delete(e.data.id); p(e.data); };
     window.callWorker = (op, args) => new Promise((ok) => { const id = ++n; waiting.set(id, ok); w.postMessage({ id, op, args }); });
     window.ready = true;`,
  );
  const gateway = await startGateway({ host: '127.0.0.1', port: 0, webRoot: dir, targets, log: () => {}, limits: { connectBurst: 1000, connectsPerMinute: 6000 } });
  const browser: Browser = await launchChromium();
  const context = await browser.newContext();
  const requests = recordRequests(context);
  const page = await context.newPage();
  await page.goto(gateway.url);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  return {
    gateway,
    page,
    requests,
    relayUrl: (id) => `${gateway.url.replace(/^http/, 'ws')}relay?target=${encodeURIComponent(id)}`,
    async call<T>(op: string, args?: unknown): Promise<T> {
      const reply = (await page.evaluate(([o, a]) => (window as unknown as { callWorker(op: unknown, args: unknown): Promise<unknown> }).callWorker(o, a), [op, args] as const)) as {
        result?: T;
        error?: { code: string; message: string };
      };
      if (reply.error) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
      return reply.result as T;
    },
    async close() {
      await browser.close();
      await gateway.close();
    },
  };
}
