// Static hosting of the built PWA: MIME types, cache rules, security headers (HSTS only over
// TLS), the CSP kept in step with web/index.html, /healthz, /api/targets, and no way out of
// the web root.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startGateway, type RunningGateway } from '../../gateway/main.ts';
import { CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY } from '../../gateway/security-headers.ts';
import { relayUrl, startTcpPeer } from '../support/gateway-peers.ts';

const dir = mkdtempSync(join(tmpdir(), 'courier-static-'));
const webRoot = join(dir, 'web');
mkdirSync(join(webRoot, 'assets'), { recursive: true });
writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>x</title>');
writeFileSync(join(webRoot, 'sw.js'), 'self.x=1');
writeFileSync(join(webRoot, 'manifest.webmanifest'), '{}');
writeFileSync(join(webRoot, 'assets', 'app-1a2b3c.js'), 'export {}');
writeFileSync(join(webRoot, 'assets', 'hash-9f8e.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
writeFileSync(join(dir, 'secret.txt'), 'must not be served');
mkdirSync(join(dir, 'private'));
writeFileSync(join(dir, 'private', 'key.pem'), 'must not be served either');
// Links inside the web root that lead out of it, to a file and to a folder; and one that stays inside.
symlinkSync(join(dir, 'secret.txt'), join(webRoot, 'leak.txt'));
symlinkSync(join(dir, 'private'), join(webRoot, 'assets', 'private'));
symlinkSync('/etc', join(webRoot, 'etc'));
symlinkSync(join(webRoot, 'sw.js'), join(webRoot, 'alias.js'));

const gateways: RunningGateway[] = [];
after(async () => {
  for (const g of gateways) await g.close();
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw GET: the path goes out exactly as written (fetch would normalise "..").*/
function get(base: string, path: string, ca?: Buffer): Promise<Reply> {
  const url = new URL(base);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((ok, fail) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET', ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

async function gateway(tls?: { cert: Buffer; key: Buffer }): Promise<RunningGateway> {
  const g = await startGateway({
    host: '127.0.0.1',
    port: 0,
    webRoot,
    tls,
    log: () => undefined,
    targets: { demo: { host: '10.9.8.7', port: 2222, label: 'Demo', hostKeyFingerprints: ['SHA256:UGiP5BX/nPVqi3N66jqn/dxJUAT6+0vYa9YBgJatCJg'], local: true } },
  });
  gateways.push(g);
  return g;
}

test('static: MIME types and cache rules', async () => {
  const g = await gateway();
  const cases: [string, string, RegExp][] = [
    ['/', 'text/html; charset=utf-8', /no-store/],
    ['/index.html', 'text/html; charset=utf-8', /no-store/],
    ['/sw.js', 'text/javascript; charset=utf-8', /no-store/],
    ['/manifest.webmanifest', 'application/manifest+json; charset=utf-8', /no-store/],
    ['/assets/app-1a2b3c.js', 'text/javascript; charset=utf-8', /^public, max-age=31536000, immutable$/],
    ['/assets/hash-9f8e.wasm', 'application/wasm', /immutable/],
  ];
  for (const [path, type, cache] of cases) {
    const r = await get(g.url, path);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers['content-type'], type, path);
    assert.match(String(r.headers['cache-control']), cache, path);
  }
});

test('static: security headers on pages, API and errors; no HSTS over plain http', async () => {
  const g = await gateway();
  for (const path of ['/', '/healthz', '/api/targets', '/missing']) {
    const r = await get(g.url, path);
    assert.equal(r.headers['content-security-policy'], CONTENT_SECURITY_POLICY, path);
    assert.match(String(r.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.doesNotMatch(String(r.headers['content-security-policy']), /unsafe-inline/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff', path);
    assert.equal(r.headers['referrer-policy'], 'no-referrer', path);
    assert.match(String(r.headers['permissions-policy']), /camera=\(\)/, path);
    assert.equal(r.headers['strict-transport-security'], undefined, path);
  }
});

test('static: the header CSP is the app\'s meta CSP plus frame-ancestors (which a meta tag cannot carry)', () => {
  const html = readFileSync(new URL('../../web/index.html', import.meta.url), 'utf8');
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
  assert.ok(meta, 'web/index.html has a CSP meta tag');
  assert.equal(CONTENT_SECURITY_POLICY, `${meta}; frame-ancestors 'none'`);
});

test('static: path traversal gets 404 and never the file outside the web root', async () => {
  const g = await gateway();
  for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%00index.html', '//etc/passwd', '/assets/../../secret.txt']) {
    const r = await get(g.url, path);
    assert.ok(r.status === 404 || r.status === 400, `${path} gave ${r.status}`);
    assert.doesNotMatch(r.body, /must not be served|root:/, path);
  }
});

test('static: a symlink inside the web root that leads outside is not followed (file or folder); one that stays inside is', async () => {
  const g = await gateway();
  for (const path of ['/leak.txt', '/assets/private/key.pem', '/etc/passwd', '/etc/hostname']) {
    const r = await get(g.url, path);
    assert.equal(r.status, 404, path);
    assert.doesNotMatch(r.body, /must not be served|root:/, path);
  }
  const inside = await get(g.url, '/alias.js');
  assert.equal(inside.status, 200);
  assert.equal(inside.body, 'self.x=1');
  // The web root itself may be a link (e.g. /srv/courier/current -> a release folder).
  const linkedRoot = join(dir, 'current');
  symlinkSync(webRoot, linkedRoot);
  const g2 = await startGateway({ host: '127.0.0.1', port: 0, webRoot: linkedRoot, log: () => undefined });
  gateways.push(g2);
  assert.equal((await get(g2.url, '/sw.js')).status, 200);
  assert.equal((await get(g2.url, '/leak.txt')).status, 404);
});

test('static: the Permissions-Policy names only features browsers know (no bluetooth, no interest-cohort)', async () => {
  const g = await gateway();
  const policy = String((await get(g.url, '/')).headers['permissions-policy']);
  assert.doesNotMatch(policy, /bluetooth|interest-cohort/);
  assert.equal(policy, PERMISSIONS_POLICY);
});

test('/healthz and /api/targets (ids, labels, fingerprints; never host or port)', async () => {
  const g = await gateway();
  const h = await get(g.url, '/healthz');
  assert.equal(h.status, 200);
  assert.equal(JSON.parse(h.body).ok, true);
  const t = await get(g.url, '/api/targets');
  assert.equal(t.status, 200);
  assert.match(String(t.headers['cache-control']), /no-store/);
  assert.deepEqual(JSON.parse(t.body), { targets: [{ id: 'demo', label: 'Demo', hostKeyFingerprints: ['SHA256:UGiP5BX/nPVqi3N66jqn/dxJUAT6+0vYa9YBgJatCJg'] }] });
  assert.doesNotMatch(t.body, /10\.9\.8\.7|2222/);
});

test('TLS: https with HSTS, and wss from the https origin', async () => {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const ca = readFileSync(cert);
  const g = await gateway({ cert: ca, key: readFileSync(key) });
  assert.match(g.url, /^https:/);
  const r = await get(g.url, '/', ca);
  assert.equal(r.status, 200);
  assert.match(String(r.headers['strict-transport-security']), /max-age=\d+/);

  const echo = await startTcpPeer();
  const g2 = await startGateway({ host: '127.0.0.1', port: 0, webRoot, log: () => undefined, tls: { cert: ca, key: readFileSync(key) }, targets: { echo: { host: '127.0.0.1', port: echo.port, label: 'e', hostKeyFingerprints: [], local: true } } });
  gateways.push(g2);
  const ws = new WebSocket(relayUrl(g2.url, 'target=echo'), { origin: new URL(g2.url).origin, ca });
  const back = await new Promise<string>((ok, fail) => {
    ws.once('open', () => ws.send(Buffer.from('over wss')));
    ws.once('message', (d: Buffer) => ok(d.toString()));
    ws.once('error', fail);
  });
  assert.equal(back, 'over wss');
  ws.close();
  await echo.close();
});
