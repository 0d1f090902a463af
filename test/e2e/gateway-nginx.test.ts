// Sign-in in front of the relay, end to end: Debian's nginx on 127.0.0.1 (own prefix, config and
// pid file, stopped by PID) checks each request with auth_request against a tiny auth endpoint
// and passes the user it names to the real gateway process in X-Courier-User. Chromium delivers
// through nginx to the demo server and the gateway logs the relay with that user; the same header
// sent by a client itself (directly, or through nginx) is not believed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { GATEWAY_CLOSE } from '../../gateway/close-codes.ts';
import { launchChromium } from '../support/chromium.ts';
import { waitFor } from '../support/gateway-peers.ts';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process.ts';

const USER = 'alice@hospital.example';
const SESSION = `courier_session=${randomBytes(8).toString('hex')}`;
/** nginx connects to the gateway from this address; only it may name the user. */
const PROXY_ADDRESS = '127.0.0.3';

function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createTcpServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      ok(true);
    });
    s.once('error', () => ok(false));
  });
}

function nginxConfig(prefix: string, port: number, authPort: number, gatewayPort: number): string {
  return `
daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 128; }
http {
  access_log ${prefix}/access.log;
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:${port};
    location = /_auth {
      internal;
      proxy_pass http://127.0.0.1:${authPort}/check;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
    }
    location / {
      auth_request /_auth;
      auth_request_set $courier_user $upstream_http_x_auth_user;
      proxy_pass http://127.0.0.1:${gatewayPort};
      proxy_bind ${PROXY_ADDRESS};
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      # Set, never passed on: whatever X-Courier-User the client sent is replaced.
      proxy_set_header X-Courier-User $courier_user;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_buffering off;
      proxy_read_timeout 1h;
    }
  }
}
`;
}

describe('sign-in through nginx (auth_request) in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'courier-e2e-nginx-'));
  let auth: Server;
  let nginx: ChildProcess | undefined;
  let gateway: GatewayProcess;
  let browser: Browser;
  let page: Page;
  let nginxUrl = '';
  let sandbox = '';
  const consoleLines: string[] = [];

  before(async () => {
    if (!existsSync(resolve('dist/web/index.html'))) throw new Error('dist/web is missing: run `npx vite build` (npm test does it)');
    // The sign-in service: a known session cookie names the user; anything else is 401.
    auth = createServer((req, res) => {
      const ok = (req.headers.cookie ?? '').split(/;\s*/).includes(SESSION);
      res.writeHead(ok ? 200 : 401, ok ? { 'X-Auth-User': USER } : {}).end();
    });
    await new Promise<void>((ok) => auth.listen(0, '127.0.0.1', () => ok()));
    const authPort = (auth.address() as { port: number }).port;
    const port = await freePort();
    nginxUrl = `http://127.0.0.1:${port}`;
    gateway = await spawnGateway({
      webRoot: resolve('dist/web'),
      allowedOrigins: [nginxUrl],
      trustProxy: true,
      identityHeader: 'X-Courier-User',
      trustedProxies: [`${PROXY_ADDRESS}/32`],
      requireIdentity: true,
      demo: { enabled: true, port: 0, dataDir: join(dir, 'demo-data'), targetId: 'demo', username: 'demo', password: 'demo-password' },
    });
    sandbox = /sandbox: (\S+)/.exec(gateway.output())?.[1] ?? '';
    const prefix = join(dir, 'nginx');
    mkdirSync(join(prefix, 'tmp'), { recursive: true });
    writeFileSync(join(prefix, 'nginx.conf'), nginxConfig(prefix, port, authPort, gateway.port));
    nginx = spawn('timeout', ['300', 'nginx', '-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let nginxErr = '';
    nginx.stderr?.on('data', (d: Buffer) => (nginxErr += d.toString()));
    await waitFor(() => existsSync(join(prefix, 'nginx.pid')) || nginx?.exitCode !== null, 'nginx to start', 15_000);
    assert.ok(existsSync(join(prefix, 'nginx.pid')), `nginx did not start: ${nginxErr}`);
    for (let i = 0; !(await listening(port)); i++) {
      assert.ok(i < 100, `nginx does not listen: ${nginxErr}`);
      await new Promise((ok) => setTimeout(ok, 100));
    }
    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'en-GB' });
    await context.addCookies([{ name: SESSION.split('=')[0]!, value: SESSION.split('=')[1]!, url: nginxUrl }]);
    page = await context.newPage();
    page.on('console', (m) => consoleLines.push(m.text()));
  });

  after(async () => {
    await browser?.close();
    const pidFile = join(dir, 'nginx', 'nginx.pid');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      if (pid > 0) process.kill(pid, 'SIGTERM');
    }
    if (nginx && nginx.exitCode === null) await new Promise((ok) => nginx?.once('exit', ok));
    await gateway?.stop();
    await new Promise((ok) => auth?.close(ok));
  });

  test('a delivery through nginx works; the gateway logs the relay with the user nginx named', async () => {
    await page.goto(`${nginxUrl}/#/deliver`);
    await page.selectOption('[data-testid="profile"]', 'demo');
    await page.fill('[data-testid="username"]', 'demo');
    await page.selectOption('[data-testid="auth-method"]', 'password');
    await page.fill('[data-testid="password"]', 'demo-password');
    await page.click('[data-testid="connect"]');
    await page.waitForSelector('[data-testid="session-bar"]', { timeout: 30_000 });
    const file = join(dir, 'through-nginx.csv');
    writeFileSync(file, randomBytes(50_000));
    await page.setInputFiles('[data-testid="send-files"]', [file]);
    await page.click('[data-testid="send-start"]');
    await page.waitForSelector('[data-testid="queue-overall"][data-finished="true"]', { timeout: 60_000 });
    assert.deepEqual(await page.$$eval('[data-testid="queue-row"]', (rows) => rows.map((r) => r.getAttribute('data-state'))), ['delivered']);
    assert.ok(readFileSync(join(sandbox, 'incoming', 'through-nginx.csv')).equals(readFileSync(file)), 'the file on the demo server is the one sent');
    await page.click('[data-testid="logout"]');
    await waitFor(() => gateway.events().some((e) => e.event === 'relay-close'), 'relay-close in the gateway log');
    const opened = gateway.events().filter((e) => e.event === 'relay-open');
    assert.ok(opened.length >= 1);
    for (const e of opened) {
      assert.equal(e.identity, USER);
      assert.equal(e.client, '127.0.0.1', 'the client address nginx saw, not nginx itself');
    }
  });

  test('Chromium reports no unrecognized Permissions-Policy feature', () => {
    assert.deepEqual(consoleLines.filter((l) => /Permissions-Policy|Unrecognized feature/i.test(l)), []);
  });

  test('without the sign-in, nginx answers 401 and no relay is made', async () => {
    const res = await fetch(`${nginxUrl}/`);
    assert.equal(res.status, 401);
    const status = await new Promise<number>((ok) => {
      const ws = new WebSocket(`${nginxUrl.replace('http', 'ws')}/relay?target=demo`, { origin: nginxUrl, headers: { 'X-Courier-User': 'mallory' } });
      ws.on('error', () => undefined);
      ws.once('unexpected-response', (_req, r) => ok(r.statusCode ?? 0));
      ws.once('open', () => ok(101));
    });
    assert.equal(status, 401);
  });

  test('the identity header sent by a client is ignored: directly (sign-in required) and through nginx (replaced)', async () => {
    const closeOf = (ws: WebSocket) => new Promise<{ code: number; reason: string }>((ok) => ws.once('close', (code, reason) => ok({ code, reason: reason.toString() })));
    const direct = new WebSocket(`ws://127.0.0.1:${gateway.port}/relay?target=demo`, { origin: nginxUrl, headers: { 'X-Courier-User': 'mallory' } });
    direct.on('error', () => undefined);
    assert.deepEqual(await closeOf(direct), { code: GATEWAY_CLOSE.signInRequired.code, reason: GATEWAY_CLOSE.signInRequired.reason });
    const before = gateway.events().filter((e) => e.event === 'relay-open').length;
    const viaNginx = new WebSocket(`${nginxUrl.replace('http', 'ws')}/relay?target=demo`, { origin: nginxUrl, headers: { Cookie: SESSION, 'X-Courier-User': 'mallory' } });
    viaNginx.on('error', () => undefined);
    await new Promise<void>((ok) => viaNginx.once('message', () => ok())); // the demo server's SSH banner
    viaNginx.close();
    await waitFor(() => gateway.events().filter((e) => e.event === 'relay-open').length > before, 'the relay through nginx');
    assert.equal(gateway.events().filter((e) => e.event === 'relay-open').at(-1)?.identity, USER);
    assert.doesNotMatch(gateway.output(), /"identity":"mallory"/);
  });
});
