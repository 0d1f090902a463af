// The Node TCP transport under backpressure: many writes in flight while the peer does not read
// share one wait for 'drain' (11 pending writes put 11 'close' listeners on the socket and Node
// warned "MaxListenersExceededWarning", seen in the rclone interop run), every byte arrives in
// order, and a peer that hangs up fails the writes still waiting as a cut connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { connectTcp } from '../../core/ssh/transport-node.ts';
import { SshConnectionError } from '../../core/ssh/errors.ts';

async function peer(): Promise<{ port: number; socket: Promise<Socket>; close(): void }> {
  const server = createServer();
  let accepted!: (s: Socket) => void;
  const socket = new Promise<Socket>((r) => (accepted = r));
  server.on('connection', (s) => {
    s.pause();
    accepted(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, socket, close: () => server.close() };
}

const chunk = (i: number) => new Uint8Array(1024 * 1024).fill(i);

test('50 writes in flight to a peer that does not read: no listener pile-up, all bytes in order', { timeout: 30_000 }, async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  process.on('warning', onWarning);
  const p = await peer();
  try {
    const transport = await connectTcp({ host: '127.0.0.1', port: p.port });
    const sent = createHash('sha1');
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      sent.update(chunk(i));
      writes.push(transport.write(chunk(i)));
    }
    const server = await p.socket;
    const got = createHash('sha1');
    let bytes = 0;
    const all = new Promise<void>((r) => server.on('data', (d: Buffer) => {
      got.update(d);
      bytes += d.length;
      if (bytes === 50 * 1024 * 1024) r();
    }));
    await new Promise((r) => setTimeout(r, 50));
    server.resume();
    await Promise.all([...writes, all]);
    assert.equal(got.digest('hex'), sent.digest('hex'));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(warnings.filter((w) => w === 'MaxListenersExceededWarning'), []);
    transport.close();
    server.destroy();
  } finally {
    process.off('warning', onWarning);
    p.close();
  }
});

test('writes waiting for drain fail as a cut connection when the peer hangs up', { timeout: 30_000 }, async () => {
  const p = await peer();
  try {
    const transport = await connectTcp({ host: '127.0.0.1', port: p.port });
    const writes = Array.from({ length: 20 }, (_, i) => transport.write(chunk(i)).then(() => 'ok', (e: unknown) => e));
    (await p.socket).destroy();
    const outcomes = await Promise.all(writes);
    const failed = outcomes.filter((o) => o !== 'ok');
    assert.ok(failed.length > 0, 'some writes were still waiting');
    for (const e of failed) {
      assert.ok(e instanceof SshConnectionError);
      assert.equal(e.code, 'connection-lost');
    }
  } finally {
    p.close();
  }
});
