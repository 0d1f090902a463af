// Chromium through the gateway, as a user runs it: the gateway (gateway/main.ts, its own process,
// production limits except connection admission) serves a page whose worker is
// bench/browser/transfer-worker.ts, bundled by Vite with the app's SSH settings; Chromium is
// driven over plain CDP (bench/support/cdp-chromium.ts). `call(op, args)` runs one worker op.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, loadConfigFromFile, type UserConfig } from 'vite';
import { endWithThisProcess } from './child-guard.ts';
import { launchCdpChromium, treeCpuSeconds, type CdpBrowser, type CdpPage } from './cdp-chromium.ts';

export interface BenchTarget {
  host: string;
  port: number;
}

export interface BrowserGateway {
  browser: CdpBrowser;
  page: CdpPage;
  url: string;
  relayUrl(targetId: string): string;
  call<T>(op: string, args?: unknown): Promise<T>;
  /** CPU seconds of the gateway process so far. */
  gatewayCpuSeconds(): number;
  close(): Promise<void>;
}

/** An Ed25519 key for the browser: the JWK the worker imports, and the authorized_keys line. */
export function browserKey(): { jwk: JsonWebKey; blob: string; authorizedKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const str = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  const blob = Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]).toString('base64');
  return { jwk: privateKey.export({ format: 'jwk' }), blob, authorizedKey: `ssh-ed25519 ${blob} bench-browser` };
}

async function buildWorker(dir: string, minify: boolean): Promise<void> {
  const loaded = await loadConfigFromFile({ command: 'build', mode: 'production' }, 'vite.config.ts', undefined, 'silent');
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
      minify,
      lib: { entry: join(process.cwd(), 'bench/browser/transfer-worker.ts'), formats: ['es'], fileName: () => 'transfer-worker.js' },
    },
  });
}

export interface BrowserGatewayOptions {
  /** Minify the worker as the app is (default); off for readable function names in profiles. */
  minify?: boolean;
}

export async function startBrowserGateway(targets: Record<string, BenchTarget>, options: BrowserGatewayOptions = {}): Promise<BrowserGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'courier-bench-web-'));
  await buildWorker(dir, options.minify ?? true);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><script type="module" src="/page.js"></script></head><body>bench</body></html>');
  writeFileSync(
    join(dir, 'page.js'),
    `const w = new Worker('/transfer-worker.js', { type: 'module' }); let n = 0; const waiting = new Map();
     w.onmessage = (e) => { const p = waiting.get(e.data.id); waiting.delete(e.data.id); p(e.data); };
     window.callWorker = (op, args) => new Promise((ok) => { const id = ++n; waiting.set(id, ok); w.postMessage({ id, op, args }); });
     window.ready = true;`,
  );
  const config = join(dir, 'gateway.config.json');
  writeFileSync(config, JSON.stringify({
    targets: Object.fromEntries(Object.entries(targets).map(([id, t]) => [id, { host: t.host, port: t.port, label: id, local: true }])),
    limits: { connectBurst: 1000, connectsPerMinute: 60_000 },
    // A bench logs in dozens of times a minute on purpose: the brakes on password guessing are off.
    loginBrakes: { enabled: false },
    webRoot: dir,
    demo: { enabled: false },
  }));
  const child = spawn('timeout', ['-s', 'KILL', '7200', process.execPath, '--import', 'tsx', 'gateway/main.ts', '--config', config, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  endWithThisProcess(child.pid!);
  const killNow = () => child.kill('SIGKILL');
  process.once('exit', killNow);
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /open (http\S+)/.exec(out);
      if (m) {
        // Keep draining its per-relay log lines, unread.
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        ok(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`gateway exited (${code}): ${out}`)));
  });
  const browser = await launchCdpChromium();
  const page = await browser.newPage(url);
  await page.waitFor('window.ready === true');
  return {
    browser,
    page,
    url,
    relayUrl: (id) => `${url.replace(/^http/, 'ws')}relay?target=${encodeURIComponent(id)}`,
    async call<T>(op: string, args?: unknown): Promise<T> {
      const reply = await page.call<{ result?: T; error?: { code: string; message: string } }>('callWorker', op, args ?? {});
      if (reply.error) throw Object.assign(new Error(`${op}: ${reply.error.message}`), { code: reply.error.code });
      return reply.result as T;
    },
    gatewayCpuSeconds: () => treeCpuSeconds(child.pid!),
    async close() {
      await browser.close();
      process.removeListener('exit', killNow);
      if (child.exitCode === null) {
        const exited = new Promise((ok) => child.once('exit', ok));
        child.kill('SIGTERM'); // `timeout` forwards it; the gateway has no live relay left
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The authorized_keys file of a test sshd, to add a key after it started. */
export function authorize(sshdRoot: string, line: string): void {
  const path = join(sshdRoot, '..', 'authorized_keys');
  writeFileSync(path, `${readFileSync(path, 'utf8')}${line}\n`);
}
