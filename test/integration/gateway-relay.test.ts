// The relay carries bytes both ways unchanged, keeps its own buffers bounded when either side is
// slow, and reports a far end that dies mid-stream with a clear close code while it keeps serving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type RunningGateway } from '../../gateway/main.ts';
import { GATEWAY_CLOSE } from '../../gateway/close-codes.ts';
import type { GatewayEvent } from '../../gateway/event-log.ts';
import { closeOf, openRelay, opened, RandomStream, sendAll, settled, startTcpPeer, waitFor, writeAll, type TcpPeer } from '../support/gateway-peers.ts';

const MiB = 1024 * 1024;
const webRoot = mkdtempSync(join(tmpdir(), 'courier-web-'));

async function gatewayFor(peer: TcpPeer, events: GatewayEvent[] = [], highWaterBytes = MiB): Promise<RunningGateway> {
  return startGateway({
    host: '127.0.0.1',
    port: 0,
    webRoot,
    targets: { peer: { host: '127.0.0.1', port: peer.port, label: 'test peer', hostKeyFingerprints: [], local: true } },
    limits: { highWaterBytes },
    log: (e) => events.push(e),
  });
}

test('relay: 100 MiB each way at once, byte for byte (SHA-1), counted in the close log', async () => {
  const TOTAL = 100 * MiB;
  const fromServer = new RandomStream(TOTAL);
  const serverGot = createHash('sha1');
  let serverBytes = 0;
  const serverDone = new Promise<void>((ok) => {
    void startTcpPeer((socket) => {
      socket.on('data', (d: Buffer) => {
        serverGot.update(d);
        serverBytes += d.length;
      });
      socket.on('end', () => ok());
      void writeAll(socket, fromServer).then(() => socket.end());
    }).then((p) => peerReady(p));
  });
  let peerReady!: (p: TcpPeer) => void;
  const peer = await new Promise<TcpPeer>((ok) => (peerReady = ok));
  const events: GatewayEvent[] = [];
  const gateway = await gatewayFor(peer, events);
  try {
    const ws = openRelay(gateway.url, 'target=peer');
    const clientGot = createHash('sha1');
    let clientBytes = 0;
    ws.on('message', (d: Buffer) => {
      clientGot.update(d);
      clientBytes += d.length;
    });
    const closed = closeOf(ws);
    await opened(ws);
    const fromClient = new RandomStream(TOTAL);
    await sendAll(ws, fromClient);
    await waitFor(() => serverBytes === TOTAL, 'all client bytes at the server', 120_000);
    const { code, reason } = await closed; // the server ends after sending everything
    await serverDone;
    assert.equal(clientBytes, TOTAL);
    assert.equal(clientGot.digest('hex'), fromServer.sha1.digest('hex'), 'server -> client bytes changed');
    assert.equal(serverGot.digest('hex'), fromClient.sha1.digest('hex'), 'client -> server bytes changed');
    assert.deepEqual({ code, reason }, { code: GATEWAY_CLOSE.targetClosed.code, reason: GATEWAY_CLOSE.targetClosed.reason });
    await waitFor(() => events.some((e) => e.event === 'relay-close'), 'close log');
    const log = events.find((e) => e.event === 'relay-close');
    assert.equal(log?.bytesToTarget, TOTAL);
    assert.equal(log?.bytesToClient, TOTAL);
    assert.equal(log?.target, 'peer');
    assert.equal(log?.client, '127.0.0.1');
    assert.equal(log?.closedBy, 'target');
    assert.equal(peer.accepts, 1);
  } finally {
    await gateway.close();
    await peer.close();
  }
});

test('relay: a slow browser stalls the server instead of filling gateway memory', async () => {
  const TOTAL = 64 * MiB;
  const fromServer = new RandomStream(TOTAL);
  const peer = await startTcpPeer((socket) => {
    void writeAll(socket, fromServer).then(() => socket.end());
  });
  const gateway = await gatewayFor(peer);
  try {
    const ws = openRelay(gateway.url, 'target=peer');
    const got = createHash('sha1');
    let gotBytes = 0;
    ws.on('message', (d: Buffer) => {
      got.update(d);
      gotBytes += d.length;
    });
    await opened(ws);
    ws.pause(); // the browser stops reading
    await settled(() => gateway.stats().perRelay[0]?.bytesToClient ?? 0);
    const stats = gateway.stats();
    assert.ok(fromServer.sent < TOTAL, 'the server was never held back');
    // The gateway holds at most its high-water mark plus one TCP read, not the stream.
    assert.ok(stats.bufferedBytes <= MiB + 256 * 1024, `gateway buffered ${stats.bufferedBytes} bytes`);
    ws.resume();
    await waitFor(() => gotBytes === TOTAL, 'all bytes after resuming', 60_000);
    assert.equal(got.digest('hex'), fromServer.sha1.digest('hex'));
    ws.close();
  } finally {
    await gateway.close();
    await peer.close();
  }
});

test('relay: a server that stops reading stalls the browser instead of filling gateway memory', async () => {
  const TOTAL = 64 * MiB;
  const got = createHash('sha1');
  let gotBytes = 0;
  let serverSocket: import('node:net').Socket | null = null;
  const peer = await startTcpPeer((socket) => {
    serverSocket = socket;
    socket.pause(); // the server stops reading
    socket.on('data', (d: Buffer) => {
      got.update(d);
      gotBytes += d.length;
    });
  });
  const gateway = await gatewayFor(peer);
  try {
    const ws = openRelay(gateway.url, 'target=peer');
    await opened(ws);
    const fromClient = new RandomStream(TOTAL);
    const sending = sendAll(ws, fromClient, 256 * MiB); // the client would queue everything
    await settled(() => gateway.stats().perRelay[0]?.bytesToTarget ?? 0);
    const stats = gateway.stats();
    assert.ok((stats.perRelay[0]?.bytesToTarget ?? 0) < TOTAL, 'the browser was never held back');
    assert.ok(stats.bufferedBytes <= MiB + 256 * 1024, `gateway buffered ${stats.bufferedBytes} bytes towards the server`);
    assert.ok(ws.bufferedAmount > 0, 'the backlog stays in the client');
    (serverSocket as import('node:net').Socket | null)?.resume();
    await sending;
    await waitFor(() => gotBytes === TOTAL, 'all bytes after the server reads again', 60_000);
    assert.equal(got.digest('hex'), fromClient.sha1.digest('hex'));
    ws.close();
  } finally {
    await gateway.close();
    await peer.close();
  }
});

test('relay: the server dying mid-stream closes the WebSocket with target-lost; the gateway keeps serving', async () => {
  let connections = 0;
  let secondGot = '';
  const peer = await startTcpPeer((socket) => {
    const n = ++connections;
    let received = 0;
    socket.on('data', (d: Buffer) => {
      received += d.length;
      // The first connection dies (TCP reset) after 1 MiB; later ones collect what they get.
      if (n === 1 && received > MiB && !socket.destroyed) socket.resetAndDestroy();
      if (n > 1) secondGot += d.toString();
    });
  });
  const events: GatewayEvent[] = [];
  const gateway = await gatewayFor(peer, events);
  try {
    const ws = openRelay(gateway.url, 'target=peer');
    const closed = closeOf(ws);
    await opened(ws);
    await sendAll(ws, new RandomStream(8 * MiB)).catch(() => undefined);
    assert.deepEqual(await closed, { code: GATEWAY_CLOSE.targetLost.code, reason: GATEWAY_CLOSE.targetLost.reason });

    // The gateway lives on: health check and a new relay through it.
    assert.equal((await fetch(new URL('/healthz', gateway.url))).status, 200);
    const ws2 = openRelay(gateway.url, 'target=peer');
    await opened(ws2);
    ws2.send(Buffer.from('still here'));
    await waitFor(() => secondGot === 'still here', 'the second relay carries bytes');
    ws2.close();
    await waitFor(() => events.filter((e) => e.event === 'relay-close').length === 2, 'both relays logged');
    assert.equal(events.find((e) => e.event === 'relay-close')?.reason, GATEWAY_CLOSE.targetLost.reason);
    assert.doesNotMatch(JSON.stringify(events), /still here/, 'no payload byte in the logs');
  } finally {
    await gateway.close();
    await peer.close();
  }
});

test('relay: a server that ends politely closes with target-closed after its last bytes', async () => {
  const peer = await startTcpPeer((socket) => socket.end('bye'));
  const gateway = await gatewayFor(peer);
  try {
    const ws = openRelay(gateway.url, 'target=peer');
    const msgs: Buffer[] = [];
    ws.on('message', (d: Buffer) => msgs.push(d));
    assert.deepEqual(await closeOf(ws), { code: GATEWAY_CLOSE.targetClosed.code, reason: GATEWAY_CLOSE.targetClosed.reason });
    assert.equal(Buffer.concat(msgs).toString(), 'bye');
  } finally {
    await gateway.close();
    await peer.close();
  }
});
