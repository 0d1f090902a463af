// The gateway as its own process (gateway/main.ts): on SIGTERM it stops accepting, lets a live
// relay carry on within the grace period, closes what is left as going away, and exits 0; a
// config mistake stops it at start with a clear message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GATEWAY_CLOSE } from '../../gateway/close-codes.ts';
import { closeOf, openRelay, opened, startTcpPeer, waitFor, type TcpPeer } from '../support/gateway-peers.ts';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process.ts';

function gatewayFor(peer: TcpPeer, shutdownGraceMs: number): Promise<GatewayProcess> {
  return spawnGateway({ targets: { echo: { host: '127.0.0.1', port: peer.port, label: 'echo', local: true } }, shutdownGraceMs });
}

function echoOnce(ws: import('ws').WebSocket, text: string): Promise<string> {
  return new Promise((ok) => {
    ws.once('message', (d: Buffer) => ok(d.toString()));
    ws.send(Buffer.from(text));
  });
}

test('SIGTERM: a live relay keeps working, new connections are refused, exit 0 once it ends', async () => {
  const peer = await startTcpPeer();
  const gw = await gatewayFor(peer, 30_000);
  try {
    const ws = openRelay(gw.url, 'target=echo');
    await opened(ws);
    assert.equal(await echoOnce(ws, 'before'), 'before');
    gw.proc.kill('SIGTERM');
    await waitFor(() => gw.output().includes('gateway-draining'), 'draining');
    assert.equal(await echoOnce(ws, 'during drain'), 'during drain');
    await assert.rejects(fetch(new URL('/healthz', gw.url)), 'the listener is closed');
    ws.close();
    assert.equal(await gw.exit, 0);
    assert.match(gw.output(), /"event":"relay-close"/);
  } finally {
    if (gw.proc.exitCode === null) gw.proc.kill('SIGTERM');
    await peer.close();
  }
});

test('SIGTERM: relays still open after the grace period are closed as going away, exit 0', async () => {
  const peer = await startTcpPeer();
  const gw = await gatewayFor(peer, 300);
  try {
    const ws = openRelay(gw.url, 'target=echo');
    await opened(ws);
    assert.equal(await echoOnce(ws, 'hello'), 'hello');
    const closed = closeOf(ws);
    gw.proc.kill('SIGTERM');
    assert.deepEqual(await closed, { code: GATEWAY_CLOSE.goingAway.code, reason: GATEWAY_CLOSE.goingAway.reason });
    assert.equal(await gw.exit, 0);
  } finally {
    if (gw.proc.exitCode === null) gw.proc.kill('SIGTERM');
    await peer.close();
  }
});

test('main: a config with a mistake stops the gateway at once with a clear message (exit 1)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'courier-gw-'));
  const config = join(dir, 'gateway.config.json');
  writeFileSync(config, JSON.stringify({ targets: { rivm: { host: 'sftp.example.org', port: 22 } }, trustproxy: true }));
  const proc = spawn(process.execPath, ['--import', 'tsx', 'gateway/main.ts', '--config', config, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((ok) => proc.once('exit', ok));
  assert.equal(code, 1);
  assert.match(err, /unknown setting "trustproxy"/);
  const missing = spawn(process.execPath, ['--import', 'tsx', 'gateway/main.ts', '--config', join(dir, 'nope.json'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err2 = '';
  missing.stderr?.on('data', (d: Buffer) => (err2 += d.toString()));
  assert.equal(await new Promise<number | null>((ok) => missing.once('exit', ok)), 1);
  assert.match(err2, /cannot read/);
});
