// Bounded attack scripts against the real gateway process (gateway/main.ts) on 127.0.0.x: a
// non-browser client that forges the Origin from a network that is not allowed; the identity
// header sent by a client instead of the proxy; a client that vanishes while its relay is paused;
// a flood of refused requests and the log it leaves; slow-header sockets before the upgrade;
// what /healthz tells whom. Each script runs for a fixed number of attempts or a second or two.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { WebSocket } from 'ws';
import { GATEWAY_CLOSE, type GatewayCloseName } from '../../gateway/close-codes.ts';
import { relayUrl, startTcpPeer, waitFor, type TcpPeer } from '../support/gateway-peers.ts';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process.ts';

let echo: TcpPeer;
/** A target that accepts and then never reads: the gateway must pause the browser's side. */
let stalled: TcpPeer;
const running: GatewayProcess[] = [];

before(async () => {
  echo = await startTcpPeer();
  stalled = await startTcpPeer((s) => s.pause());
});
after(async () => {
  await Promise.all(running.map((g) => g.stop()));
  await echo.close();
  await stalled.close();
});

async function gateway(config: Record<string, unknown>, host?: string): Promise<GatewayProcess> {
  const targets = {
    echo: { host: '127.0.0.1', port: echo.port, label: 'echo', local: true },
    stalled: { host: '127.0.0.1', port: stalled.port, label: 'stalled', local: true },
  };
  const g = await spawnGateway({ targets, ...config }, { host });
  running.push(g);
  return g;
}

interface Attempt {
  localAddress?: string;
  origin?: string;
  headers?: Record<string, string>;
  host?: string;
}

/** A plain Node client: it sends whatever Origin it likes. */
function relay(g: GatewayProcess, target: string, a: Attempt = {}): WebSocket {
  const url = relayUrl(`http://${a.host ?? '127.0.0.1'}:${g.port}/`, `target=${target}`);
  const ws = new WebSocket(url, { origin: a.origin ?? `http://127.0.0.1:${g.port}`, headers: a.headers, localAddress: a.localAddress, perMessageDeflate: false });
  ws.on('error', () => undefined);
  return ws;
}

/**
 * 'open' once bytes flow (the echo target answers a probe, other targets send first), or how the
 * relay was refused: refusals after the upgrade arrive as a close right after 'open'.
 */
function outcome(ws: WebSocket, probe = true): Promise<'open' | { code: number; reason: string } | { status: number }> {
  return new Promise((ok) => {
    ws.once('open', () => (probe ? ws.send(Buffer.from('probe')) : ok('open')));
    ws.once('message', () => ok('open'));
    ws.once('close', (code, reason) => ok({ code, reason: reason.toString() }));
    ws.once('unexpected-response', (_req, res) => ok({ status: res.statusCode ?? 0 }));
  });
}

function closed(name: GatewayCloseName): { code: number; reason: string } {
  const { code, reason } = GATEWAY_CLOSE[name];
  return { code, reason };
}

const base = (g: GatewayProcess, path: string) => `http://127.0.0.1:${g.port}${path}`;
const relaysOf = (g: GatewayProcess) => g.events().filter((e) => e.event === 'relay-open');

test('allow-list: a forged Origin from a network that is not allowed gets no relay (127.0.0.2 vs allowClients 127.0.0.1/32)', async () => {
  const g = await gateway({ allowClients: ['127.0.0.1/32', '::1'] });
  const before = echo.accepts;
  assert.deepEqual(await outcome(relay(g, 'echo', { localAddress: '127.0.0.2' })), closed('clientNotAllowed'));
  // The same forged Origin and trustProxy off: a made-up X-Forwarded-For changes nothing.
  assert.deepEqual(await outcome(relay(g, 'echo', { localAddress: '127.0.0.2', headers: { 'X-Forwarded-For': '127.0.0.1' } })), closed('clientNotAllowed'));
  assert.equal(echo.accepts, before, 'the target saw a connection');
  // From the allowed address the same client gets its relay.
  const ok = relay(g, 'echo', { localAddress: '127.0.0.1' });
  assert.equal(await outcome(ok), 'open');
  ok.close();
  await waitFor(() => g.events().some((e) => e.event === 'relay-refused' && e.reason === 'client-not-allowed' && e.client === '127.0.0.2'), 'the refusal in the log');
});

test('allow-list: per target, on top of the global list; /api/targets lists only what the client may use', async () => {
  const g = await gateway({
    allowClients: ['127.0.0.0/8'],
    targets: {
      echo: { host: '127.0.0.1', port: echo.port, label: 'echo', local: true, allowClients: ['127.0.0.3/32'] },
      open: { host: '127.0.0.1', port: echo.port, label: 'open', local: true },
    },
  });
  assert.deepEqual(await outcome(relay(g, 'echo', { localAddress: '127.0.0.2' })), closed('clientNotAllowed'));
  const a = relay(g, 'echo', { localAddress: '127.0.0.3' });
  const b = relay(g, 'open', { localAddress: '127.0.0.2' });
  assert.deepEqual(await Promise.all([outcome(a), outcome(b)]), ['open', 'open']);
  a.close();
  b.close();
  const list = (await (await fetch(base(g, '/api/targets'))).json()) as { targets: { id: string }[] };
  assert.deepEqual(list.targets.map((t) => t.id), ['open'], 'from 127.0.0.1 only "open" is listed');
});

test('allow-list: out of the box (no allowClients in the config) only this computer may relay', async (t) => {
  const lan = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4')?.address;
  if (!lan) return t.skip('no non-loopback IPv4 address on this machine');
  const g = await gateway({}, '0.0.0.0');
  const before = echo.accepts;
  assert.deepEqual(await outcome(relay(g, 'echo', { host: lan, localAddress: lan, origin: `http://${lan}:${g.port}` })), closed('clientNotAllowed'));
  assert.equal(echo.accepts, before);
  const ok = relay(g, 'echo');
  assert.equal(await outcome(ok), 'open');
  ok.close();
});

test('sign-in: the identity header counts only from the proxy; a client sending it itself is refused when sign-in is required', async () => {
  const g = await gateway({ allowClients: ['127.0.0.0/8'], identityHeader: 'X-Courier-User', trustedProxies: ['127.0.0.3/32'], requireIdentity: true });
  // The client writes the header itself: ignored, so no identity, so no relay.
  assert.deepEqual(await outcome(relay(g, 'echo', { localAddress: '127.0.0.1', headers: { 'X-Courier-User': 'admin' } })), closed('signInRequired'));
  assert.deepEqual(await outcome(relay(g, 'echo', { localAddress: '127.0.0.2' })), closed('signInRequired'));
  // The proxy (127.0.0.3) names the user: relayed, and logged with the identity.
  const ws = relay(g, 'echo', { localAddress: '127.0.0.3', headers: { 'X-Courier-User': 'alice@hospital.example' } });
  assert.equal(await outcome(ws), 'open');
  ws.close();
  await waitFor(() => g.events().some((e) => e.event === 'relay-close' && e.identity === 'alice@hospital.example'), 'relay-close with the identity');
  const open = relaysOf(g);
  assert.equal(open.length, 1);
  assert.equal(open[0]?.identity, 'alice@hospital.example');
  assert.ok(!g.output().includes('"identity":"admin"'), 'the forged identity was believed somewhere');
});

async function liveRelays(g: GatewayProcess): Promise<number> {
  return ((await (await fetch(base(g, '/healthz'))).json()) as { relays: number }).relays;
}

test('a relay whose browser vanished while its side was paused ends within seconds', async () => {
  const g = await gateway({ limits: { heartbeatMs: 300 } });
  const ws = relay(g, 'stalled');
  assert.equal(await outcome(ws, false), 'open');
  // The target reads nothing: the gateway stops reading the browser once the TCP buffer is full.
  const chunk = Buffer.alloc(256 * 1024);
  for (let i = 0; i < 64; i++) ws.send(chunk);
  await waitFor(() => ws.bufferedAmount > 0, 'the client to be held back');
  await new Promise((ok) => setTimeout(ok, 300));
  assert.equal(await liveRelays(g), 1);
  // The browser disappears without a closing handshake.
  (ws as unknown as { _socket: Socket })._socket.destroy();
  await waitFor(() => g.events().some((e) => e.event === 'relay-close'), 'the relay to end', 10_000);
  assert.equal(await liveRelays(g), 0);
  const close = g.events().find((e) => e.event === 'relay-close');
  assert.equal(close?.closedBy, 'client');
});

test('a relay whose browser vanished while the server side was paused (browser not reading) ends within seconds', async () => {
  const flood = await startTcpPeer((s) => {
    const junk = Buffer.alloc(1024 * 1024);
    const pump = () => {
      while (s.write(junk));
      s.once('drain', pump);
    };
    pump();
  });
  const g = await gateway({ targets: { flood: { host: '127.0.0.1', port: flood.port, label: 'flood', local: true } }, limits: { heartbeatMs: 300 } });
  try {
    const ws = relay(g, 'flood');
    assert.equal(await outcome(ws, false), 'open');
    ws.pause(); // the browser stops reading
    await new Promise((ok) => setTimeout(ok, 500));
    (ws as unknown as { _socket: Socket })._socket.destroy();
    await waitFor(() => g.events().some((e) => e.event === 'relay-close'), 'the relay to end', 10_000);
    assert.equal(await liveRelays(g), 0);
  } finally {
    await flood.close();
  }
});

test('a refusal flood leaves a bounded log: 3000 refused attempts, a handful of lines, all counted', async () => {
  const g = await gateway({ allowClients: ['127.0.0.1/32'] });
  const before = g.stdoutBytes();
  const hugeOrigin = `https://${'a'.repeat(8000)}.example`;
  const kinds: Attempt[] = [{ origin: hugeOrigin }, { origin: 'https://evil.example' }, { localAddress: '127.0.0.2' }];
  let refused = 0;
  for (let round = 0; round < 30; round++) {
    const batch = Array.from({ length: 100 }, (_, i) => relay(g, 'echo', kinds[i % kinds.length]));
    const results = await Promise.all(batch.map((ws) => outcome(ws)));
    refused += results.filter((r) => r !== 'open').length;
  }
  await new Promise((ok) => setTimeout(ok, 200));
  const logged = g.stdoutBytes() - before;
  assert.ok(logged < 4096, `${logged} bytes of log for ${refused} refusals`);
  assert.ok(!g.output().includes('a'.repeat(200)), 'the huge Origin was logged in full');
  assert.equal(refused, 3000);
  // At shutdown the held-back refusals are summed up, so none goes uncounted.
  await g.stop();
  const events = g.events();
  // (100 at once from one address also trips the pre-upgrade cap: those are 'connection-refused'.)
  const full = events.filter((e) => e.event === 'relay-refused' || e.event === 'connection-refused').length;
  const summed = events.filter((e) => e.event === 'relay-refused-summary').reduce((n, e) => n + Number(e.count), 0);
  assert.equal(full + summed, 3000);
});

/** Opens a raw TCP connection that sends half a request line and then nothing. */
function slowHeaders(port: number, localAddress = '127.0.0.1'): Promise<{ socket: Socket; closed: Promise<void> }> {
  return new Promise((ok, fail) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress }, () => {
      socket.write('GET /relay?target=echo HTTP/1.1\r\nHost: x\r\n');
      ok({ socket, closed: new Promise((done) => socket.once('close', () => done())) });
    });
    socket.on('error', () => undefined);
    socket.once('error', fail);
  });
}

test('before the upgrade: slow-header sockets are capped per address and cut after the header timeout', async () => {
  const g = await gateway({ limits: { headerTimeoutMs: 600, maxPendingPerAddress: 5, maxPendingConnections: 8 } });
  const first = await Promise.all(Array.from({ length: 20 }, () => slowHeaders(g.port)));
  let open = () => first.filter((s) => !s.socket.destroyed && s.socket.readyState === 'open').length;
  await new Promise((ok) => setTimeout(ok, 150));
  assert.ok(open() <= 5, `${open()} slow sockets from one address were kept`);
  // The total cap holds across addresses.
  const others = await Promise.all(['127.0.0.2', '127.0.0.3', '127.0.0.4'].flatMap((a) => Array.from({ length: 5 }, () => slowHeaders(g.port, a))));
  await new Promise((ok) => setTimeout(ok, 150));
  const all = [...first, ...others];
  open = () => all.filter((s) => !s.socket.destroyed && s.socket.readyState === 'open').length;
  assert.ok(open() <= 8, `${open()} slow sockets kept in total`);
  // Every one of them is gone soon after the header timeout.
  await Promise.race([Promise.all(all.map((s) => s.closed)), new Promise((_, fail) => setTimeout(() => fail(new Error(`${open()} slow sockets still open 5 s later`)), 5_000))]);
  // An honest client still gets through.
  assert.equal((await fetch(base(g, '/healthz'))).status, 200);
  const ws = relay(g, 'echo');
  assert.equal(await outcome(ws), 'open');
  ws.close();
});

test('/healthz: only "ok" unless asked on this computer without a proxy in between', async (t) => {
  const g = await gateway({ trustProxy: true }, '0.0.0.0');
  const direct = (await (await fetch(base(g, '/healthz'))).json()) as Record<string, unknown>;
  assert.equal(direct.ok, true);
  assert.equal(typeof direct.relays, 'number', 'from loopback the details are there');
  assert.equal(direct.pendingConnections, 0, 'the asking connection is no longer pending');
  const viaProxy = await (await fetch(base(g, '/healthz'), { headers: { 'X-Forwarded-For': '203.0.113.9' } })).json();
  assert.deepEqual(viaProxy, { ok: true });
  const lan = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4')?.address;
  if (!lan) return t.skip('no non-loopback IPv4 address on this machine');
  const fromLan = await (await fetch(`http://${lan}:${g.port}/healthz`)).json();
  assert.deepEqual(fromLan, { ok: true });
});

