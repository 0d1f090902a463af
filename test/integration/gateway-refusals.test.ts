// Every way the relay says no: each refusal arrives as its documented close code (or HTTP 403
// for a foreign Origin) and the target's TCP server never sees a connection.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../gateway/main.ts';
import { GATEWAY_CLOSE, type GatewayCloseName } from '../../gateway/close-codes.ts';
import type { RelayTarget } from '../../gateway/config.ts';
import { closeOf, openRelay, opened, relayUrl, startTcpPeer, waitFor, type TcpPeer } from '../support/gateway-peers.ts';

const webRoot = mkdtempSync(join(tmpdir(), 'courier-web-'));
let peer: TcpPeer;
const gateways: RunningGateway[] = [];

before(async () => {
  peer = await startTcpPeer();
});
after(async () => {
  for (const g of gateways) await g.close();
  await peer.close();
});

function target(extra: Partial<RelayTarget> = {}): RelayTarget {
  return { host: '127.0.0.1', port: peer.port, label: 't', hostKeyFingerprints: [], local: true, ...extra };
}

async function gateway(options: Partial<GatewayOptions> = {}): Promise<RunningGateway> {
  const g = await startGateway({ host: '127.0.0.1', port: 0, webRoot, targets: { ok: target() }, log: () => undefined, ...options });
  gateways.push(g);
  return g;
}

async function expectClose(ws: WebSocket, name: GatewayCloseName): Promise<void> {
  const { code, reason } = GATEWAY_CLOSE[name];
  assert.deepEqual(await closeOf(ws), { code, reason });
}

/** Waits until these relays are open and their TCP connections have reached the target. */
async function connected(list: WebSocket[]): Promise<void> {
  const before = peer.accepts;
  await Promise.all(list.map(opened));
  await waitFor(() => peer.accepts >= before + list.length, 'relays connected to the target');
}

async function noNewConnection<T>(run: () => Promise<T>): Promise<T> {
  const before = peer.accepts;
  const result = await run();
  await new Promise((ok) => setTimeout(ok, 50)); // a stray connect would have landed by now
  assert.equal(peer.accepts, before, 'the target saw a TCP connection');
  return result;
}

test('refused: unknown target id', async () => {
  const g = await gateway();
  await noNewConnection(() => expectClose(openRelay(g.url, 'target=nope'), 'unknownTarget'));
  await noNewConnection(() => expectClose(openRelay(g.url, 'target=__proto__'), 'unknownTarget'));
  await noNewConnection(() => expectClose(openRelay(g.url, ''), 'badRequest'));
});

test('refused: a raw host and port in the query, in any form', async () => {
  const g = await gateway();
  await noNewConnection(() => expectClose(openRelay(g.url, `host=127.0.0.1&port=${peer.port}`), 'badRequest'));
  await noNewConnection(() => expectClose(openRelay(g.url, `target=ok&port=${peer.port}`), 'badRequest'));
  await noNewConnection(() => expectClose(openRelay(g.url, `target=ok&target=ok`), 'badRequest'));
  await noNewConnection(() => expectClose(openRelay(g.url, `target=127.0.0.1:${peer.port}`), 'unknownTarget'));
});

test('refused: targets whose names resolve to loopback, private, link-local or metadata addresses', async () => {
  const fakeDns: Record<string, string[]> = {
    'private.example': ['10.1.2.3'],
    'mixed.example': ['93.184.216.34', '192.168.1.1'],
    'mapped.example': ['::ffff:127.0.0.1'],
    'metadata.example': ['169.254.169.254'],
    'aws6.example': ['fd00:ec2::254'],
    'cgnat.example': ['100.64.0.7'],
  };
  const targets: Record<string, RelayTarget> = {
    localhost: target({ host: 'localhost', local: false }),
    literal: target({ host: '127.0.0.1', local: false }),
  };
  for (const name of Object.keys(fakeDns)) targets[name] = target({ host: name, local: false });
  const g = await gateway({
    targets,
    lookup: async (host) => {
      const fake = fakeDns[host];
      if (fake) return fake.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      const { lookup } = await import('node:dns/promises');
      return lookup(host, { all: true });
    },
  });
  for (const id of Object.keys(targets)) {
    await noNewConnection(() => expectClose(openRelay(g.url, `target=${id}`), 'targetForbidden'));
  }
});

test('refused before the upgrade: a foreign or missing Origin gets HTTP 403', async () => {
  const g = await gateway();
  const status = (origin: string | undefined) =>
    new Promise<number>((ok) => {
      const ws = new WebSocket(relayUrl(g.url, 'target=ok'), origin ? { origin } : {});
      ws.on('error', () => undefined);
      ws.once('unexpected-response', (_req, res) => ok(res.statusCode ?? 0));
      ws.once('open', () => ok(101));
    });
  await noNewConnection(async () => assert.equal(await status('https://evil.example'), 403));
  await noNewConnection(async () => assert.equal(await status(`http://localhost.evil.example:${g.port}`), 403));
  await noNewConnection(async () => assert.equal(await status(undefined), 403));
  // Configured origins replace the default.
  const g2 = await gateway({ allowedOrigins: ['https://courier.example.org'] });
  await noNewConnection(async () => assert.equal(await status(undefined), 403));
  const ws = openRelay(g2.url, 'target=ok', { origin: 'https://courier.example.org' });
  await opened(ws);
  ws.close();
});

test('refused: a text frame closes the relay (binary only) and nothing reaches the target', async () => {
  let bytes = 0;
  const sink = await startTcpPeer((s) => s.on('data', (d: Buffer) => (bytes += d.length)));
  const g = await gateway({ targets: { sink: { ...target(), port: sink.port } } });
  const ws = openRelay(g.url, 'target=sink');
  await opened(ws);
  ws.send('SSH-2.0-text');
  await expectClose(ws, 'binaryOnly');
  assert.equal(bytes, 0);
  await sink.close();
});

test('refused: a message over maxMessageBytes (1009)', async () => {
  const g = await gateway({ limits: { maxMessageBytes: 1024 } });
  const ws = openRelay(g.url, 'target=ok');
  await opened(ws);
  ws.send(Buffer.alloc(2048));
  assert.equal((await closeOf(ws)).code, GATEWAY_CLOSE.messageTooBig.code);
});

test('refused: over the per-address limit, while another address still gets in (trusted proxy)', async () => {
  const g = await gateway({ limits: { maxConnectionsPerAddress: 2 }, trustProxy: true, allowClients: ['198.51.100.0/24'] });
  const from = (ip: string) => openRelay(g.url, 'target=ok', { headers: { 'X-Forwarded-For': `203.0.113.9, ${ip}` } });
  const live = [from('198.51.100.1'), from('198.51.100.1')];
  await connected(live);
  await noNewConnection(() => expectClose(from('198.51.100.1'), 'tooManyFromAddress'));
  const other = from('198.51.100.2');
  await connected([other]);
  for (const ws of [...live, other]) ws.close();
});

test('X-Forwarded-For is ignored unless trustProxy is set', async () => {
  const g = await gateway({ limits: { maxConnectionsPerAddress: 1 } });
  const a = openRelay(g.url, 'target=ok', { headers: { 'X-Forwarded-For': '198.51.100.1' } });
  await connected([a]);
  await noNewConnection(() => expectClose(openRelay(g.url, 'target=ok', { headers: { 'X-Forwarded-For': '198.51.100.2' } }), 'tooManyFromAddress'));
  a.close();
});

test('refused: over the total limit (gateway busy)', async () => {
  const g = await gateway({ limits: { maxConnections: 2 }, trustProxy: true, allowClients: ['198.51.100.0/24'] });
  const live = ['198.51.100.1', '198.51.100.2'].map((ip) => openRelay(g.url, 'target=ok', { headers: { 'X-Forwarded-For': ip } }));
  await connected(live);
  await noNewConnection(() => expectClose(openRelay(g.url, 'target=ok', { headers: { 'X-Forwarded-For': '198.51.100.3' } }), 'gatewayBusy'));
  for (const ws of live) ws.close();
});

test('refused: over the connection rate (token bucket), failed attempts included', async () => {
  const g = await gateway({ limits: { connectBurst: 3, connectsPerMinute: 1 } });
  await expectClose(openRelay(g.url, 'target=nope'), 'unknownTarget');
  const live = [openRelay(g.url, 'target=ok'), openRelay(g.url, 'target=ok')];
  await connected(live);
  await noNewConnection(() => expectClose(openRelay(g.url, 'target=ok'), 'rateLimited'));
  for (const ws of live) ws.close();
});

test('closed: idle timeout, session length, connect timeout, unreachable and unresolvable targets', async () => {
  const idle = await gateway({ limits: { idleTimeoutMs: 200 } });
  const a = openRelay(idle.url, 'target=ok');
  await opened(a);
  await expectClose(a, 'idleTimeout');

  const long = await gateway({ limits: { maxSessionMs: 300 } });
  const b = openRelay(long.url, 'target=ok');
  await opened(b);
  const ping = setInterval(() => b.readyState === WebSocket.OPEN && b.send(Buffer.from('x')), 20);
  await expectClose(b, 'sessionTooLong');
  clearInterval(ping);

  const closedPort = await startTcpPeer();
  const deadPort = closedPort.port;
  await closedPort.close();
  const g = await gateway({
    targets: { hang: target({ host: 'hang.example' }), dead: target({ port: deadPort }), nx: target({ host: 'nx.example' }) },
    limits: { connectTimeoutMs: 300 },
    lookup: (host) => (host === 'hang.example' ? new Promise(() => undefined) : Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }))),
  });
  await noNewConnection(() => expectClose(openRelay(g.url, 'target=hang'), 'connectTimeout'));
  await noNewConnection(() => expectClose(openRelay(g.url, 'target=nx'), 'targetUnresolvable'));
  const g2 = await gateway({ targets: { dead: target({ port: deadPort }) } });
  await expectClose(openRelay(g2.url, 'target=dead'), 'targetUnreachable');
});

test('refused: anything but /relay is no WebSocket endpoint', async () => {
  const g = await gateway();
  const status = await new Promise<number>((ok) => {
    const ws = new WebSocket(`${g.url.replace('http', 'ws')}other?target=ok`, { origin: new URL(g.url).origin });
    ws.on('error', () => undefined);
    ws.once('unexpected-response', (_req, res) => ok(res.statusCode ?? 0));
  });
  assert.equal(status, 404);
});
