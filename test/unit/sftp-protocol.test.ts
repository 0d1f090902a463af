// core/sftp against a fake server driven by hand: framing, strict bounds, hostile packets (each a
// typed error that ends the session, never a crash or a hang), status errors, short reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketFramer } from '../../core/sftp/framer.ts';
import { WireReader } from '../../core/sftp/wire-reader.ts';
import { encodeAttributes, readAttributes } from '../../core/sftp/attributes.ts';
import { FX, FXP } from '../../core/sftp/constants.ts';
import { SftpError, isSftpError } from '../../core/sftp/errors.ts';
import { SftpSession } from '../../core/sftp/session.ts';
import { readPipelined } from '../../core/sftp/read-pipeline.ts';
import { downloadFile } from '../../core/sftp/download.ts';
import { FakeSftpServer, packet, versionPacket } from '../support/sftp-fake-server.ts';

const isCode = (code: string) => (err: unknown) => {
  assert.ok(err instanceof SftpError, `expected SftpError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  return true;
};

async function openSession(server: FakeSftpServer, extensions: [string, string][] = []): Promise<SftpSession> {
  const opening = SftpSession.open(server.channel, { handshakeTimeoutMs: 2000 });
  const init = await server.nextPacket();
  assert.equal(init.type, FXP.INIT);
  assert.equal(init.id, 3, 'INIT carries version 3');
  server.send(versionPacket(3, extensions));
  return opening;
}

test('framer: packets split across chunks and several in one chunk', () => {
  const f = new PacketFramer(1024);
  const a = packet(FXP.STATUS, 1, 0, '', '');
  const b = packet(FXP.HANDLE, 2, 'h');
  const both = new Uint8Array([...a, ...b]);
  const out: Uint8Array[] = [];
  for (let i = 0; i < both.length; i += 3) out.push(...f.push(both.subarray(i, i + 3)));
  assert.equal(out.length, 2);
  assert.deepEqual(out[0], a.subarray(4));
  assert.deepEqual(out[1], b.subarray(4));
  assert.equal(f.midPacket, false);
  assert.equal(new PacketFramer(1024).push(both).length, 2);
});

test('framer: lengths too small or over the maximum are refused before allocating', () => {
  assert.throws(() => new PacketFramer(1024).push(Uint8Array.of(0, 0, 0, 4, 1, 2, 3, 4)), isCode('protocol-error'));
  assert.throws(() => new PacketFramer(1024).push(Uint8Array.of(0, 0, 4, 1)), isCode('protocol-error'));
  assert.throws(() => new PacketFramer(256 * 1024).push(Uint8Array.of(0xff, 0xff, 0xff, 0xff)), /exceeds the maximum/);
});

test('wire reader: truncated fields and absurd sizes are protocol errors', () => {
  assert.throws(() => new WireReader(Uint8Array.of(0, 0, 0)).uint32(), isCode('protocol-error'));
  assert.throws(() => new WireReader(Uint8Array.of(0, 0, 0, 10, 1, 2)).string(), isCode('protocol-error'));
  assert.throws(() => new WireReader(Uint8Array.of(0xff, 0, 0, 0, 0, 0, 0, 0)).uint64(), isCode('protocol-error'));
  assert.equal(new WireReader(Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 2)).uint64(), 2 ** 32 + 2);
});

test('attributes: round trip and refusal of unknown flags or impossible counts', () => {
  const a = { size: 5 * 2 ** 32 + 7, uid: 1, gid: 2, permissions: 0o100644, atime: 10, mtime: 20, extended: { 'x@y': 'z' } };
  assert.deepEqual(readAttributes(new WireReader(encodeAttributes(a))), a);
  assert.deepEqual(readAttributes(new WireReader(encodeAttributes({}))), {});
  assert.throws(() => readAttributes(new WireReader(Uint8Array.of(0, 0, 1, 0))), isCode('protocol-error'));
  assert.throws(() => readAttributes(new WireReader(Uint8Array.of(0x80, 0, 0, 0, 0xff, 0xff, 0xff, 0xff))), /exceeds the packet/);
});

test('handshake: a wrong VERSION or another first packet is a typed error', async () => {
  for (const reply of [versionPacket(4), versionPacket(2), packet(FXP.STATUS, 0, FX.OK, '', ''), Uint8Array.of(0, 0, 0, 9, FXP.VERSION, 0, 0, 0, 3, 0, 0, 0, 9)]) {
    const server = new FakeSftpServer();
    const opening = SftpSession.open(server.channel, { handshakeTimeoutMs: 2000 });
    await server.nextPacket();
    server.send(reply);
    await assert.rejects(opening, isCode('protocol-error'));
    assert.equal(server.closed, true, 'channel closed');
  }
});

test('handshake: a silent server times out, a closing one is connection-lost', async () => {
  const silent = new FakeSftpServer();
  await assert.rejects(SftpSession.open(silent.channel, { handshakeTimeoutMs: 200 }), isCode('no-connection'));
  assert.equal(silent.closed, true);
  const quitter = new FakeSftpServer();
  const opening = SftpSession.open(quitter.channel, { handshakeTimeoutMs: 2000 });
  await quitter.nextPacket();
  quitter.end();
  await assert.rejects(opening, isCode('connection-lost'));
});

test('hostile replies end the session with protocol-error and fail every waiting request', async () => {
  const cases: { name: string; reply: (id: number) => Uint8Array }[] = [
    { name: 'oversized length', reply: () => Uint8Array.of(0x7f, 0xff, 0xff, 0xff, FXP.ATTRS) },
    { name: 'just over 256 KiB + header', reply: () => Uint8Array.of(0, 0x04, 0x04, 0x01) },
    { name: 'unknown request id', reply: (id) => packet(FXP.ATTRS, id + 1000, 0) },
    { name: 'wrong reply type', reply: (id) => packet(FXP.DATA, id, 'surprise') },
    { name: 'STATUS OK for a stat', reply: (id) => packet(FXP.STATUS, id, FX.OK, '', '') },
    { name: 'truncated attributes', reply: (id) => packet(FXP.ATTRS, id, 1, { raw: [0, 0] }) },
    { name: 'unknown packet type', reply: (id) => packet(77, id) },
    { name: 'late VERSION', reply: () => versionPacket(3) },
    { name: 'NAME count larger than the packet', reply: (id) => packet(FXP.NAME, id, 0xffffffff) },
    { name: 'string length past the end', reply: (id) => packet(FXP.STATUS, id, FX.FAILURE, { raw: [0x7f, 0, 0, 0, 65] }) },
  ];
  for (const c of cases) {
    const server = new FakeSftpServer();
    const session = await openSession(server);
    const first = session.stat('/a');
    const second = session.lstat('/b');
    const req = await server.nextPacket();
    assert.equal(req.type, FXP.STAT);
    server.send(c.reply(req.id));
    await assert.rejects(first, isCode('protocol-error'), c.name);
    await assert.rejects(second, isCode('protocol-error'), c.name);
    assert.equal(session.failure?.code, 'protocol-error', c.name);
    assert.equal(server.closed, true, `${c.name}: channel closed`);
    await assert.rejects(session.realpath('.'), isCode('protocol-error'), `${c.name}: session unusable`);
  }
});

test('text instead of SFTP (a login script printing) is named as such', async () => {
  const server = new FakeSftpServer();
  const opening = SftpSession.open(server.channel, { handshakeTimeoutMs: 2000 });
  await server.nextPacket();
  server.send(new TextEncoder().encode('Welcome to the registry server!\n'));
  await assert.rejects(opening, (err: unknown) => isSftpError(err, 'protocol-error') && /starts with the text "Welc".*printed something/.test(err.message));
});

test('an oversized handle is refused', async () => {
  const server = new FakeSftpServer();
  const session = await openSession(server);
  const p = session.open('x', 'read');
  const req = await server.nextPacket();
  server.send(packet(FXP.HANDLE, req.id, new Uint8Array(300)));
  await assert.rejects(p, isCode('protocol-error'));
});

test('a server that stops mid-packet gives connection-lost, not a hang', async () => {
  const server = new FakeSftpServer();
  const session = await openSession(server);
  const pending = session.stat('/a');
  const req = await server.nextPacket();
  server.send(packet(FXP.ATTRS, req.id, 1, 5n).subarray(0, 9));
  server.end();
  await assert.rejects(pending, (err: unknown) => isSftpError(err, 'connection-lost') && /middle of a packet/.test(err.message));
});

test('status errors fail one request only and carry a stable code', async () => {
  const server = new FakeSftpServer();
  const session = await openSession(server);
  const expectations: [number, string][] = [
    [FX.NO_SUCH_FILE, 'no-such-file'], [FX.PERMISSION_DENIED, 'permission-denied'], [FX.FAILURE, 'failure'],
    [FX.BAD_MESSAGE, 'bad-message'], [FX.NO_CONNECTION, 'no-connection'], [FX.CONNECTION_LOST, 'connection-lost'],
    [FX.OP_UNSUPPORTED, 'op-unsupported'], [99, 'failure'],
  ];
  for (const [status, code] of expectations) {
    const p = session.remove('/x');
    const req = await server.nextPacket();
    assert.equal(req.type, FXP.REMOVE);
    server.send(packet(FXP.STATUS, req.id, status, 'quota exceeded', 'en'));
    await assert.rejects(p, (err: unknown) => isSftpError(err, code as SftpError['code']) && err.path === '/x' && err.serverMessage === 'quota exceeded' && err.message.includes('quota exceeded'));
  }
  // A status with no message or language (old servers) is accepted.
  const p = session.mkdir('/d');
  const req = await server.nextPacket();
  server.send(packet(FXP.STATUS, req.id, FX.OK));
  await p;
  assert.equal(session.failure, null);
});

test('extensions are used only in the version we speak; limits size the chunks', async () => {
  const server = new FakeSftpServer();
  const opening = SftpSession.open(server.channel, { handshakeTimeoutMs: 2000 });
  await server.nextPacket();
  server.send(versionPacket(3, [['limits@openssh.com', '1'], ['posix-rename@openssh.com', '2'], ['fsync@openssh.com', '1']]));
  const limits = await server.nextPacket();
  assert.equal(limits.type, FXP.EXTENDED);
  server.send(packet(FXP.EXTENDED_REPLY, limits.id, 65536n, 20000n, 10000n, 0n));
  const session = await opening;
  assert.equal(session.readChunk, 20000);
  assert.equal(session.writeChunk, 10000);
  assert.equal(session.has('fsync'), true);
  assert.equal(session.has('posixRename'), false);
  assert.throws(() => session.posixRename('a', 'b'), isCode('op-unsupported'));
  await session.close();
  await assert.rejects(session.stat('x'), isCode('session-closed'));
});

test('without limits the chunk is 32 KiB; a DATA reply larger than asked is refused', async () => {
  const server = new FakeSftpServer();
  const session = await openSession(server);
  assert.equal(session.readChunk, 32768);
  const h = { bytes: Uint8Array.of(1), path: 'f' };
  const p = session.read(h, 0, 4);
  const req = await server.nextPacket();
  server.send(packet(FXP.DATA, req.id, new Uint8Array(5)));
  await assert.rejects(p, isCode('protocol-error'));
});

test('pipelined reads: short reads and EOF are delivered in order', async () => {
  const server = new FakeSftpServer();
  const opening = SftpSession.open(server.channel, { handshakeTimeoutMs: 2000, readChunk: 1024 });
  await server.nextPacket();
  server.send(versionPacket(3));
  const session = await opening;
  const file = new Uint8Array(10_000).map((_, i) => (i * 7 + 3) & 0xff);
  const received: Uint8Array[] = [];
  const done = readPipelined(session, { bytes: Uint8Array.of(9), path: 'f' }, (c) => void received.push(c.slice()), { window: 4 });
  // Serve each batch of requests in reverse order, every third reply short, to exercise
  // re-asking and in-order delivery.
  let served = 0;
  let finished = false;
  void done.finally(() => (finished = true));
  while (!finished) {
    const first = await Promise.race([server.nextPacket(), done.then(() => null)]);
    if (first === null) break;
    await new Promise((ok) => setImmediate(ok));
    const batch = [first];
    for (let p = server.takePacket(); p; p = server.takePacket()) batch.push(p);
    for (const r of batch.reverse()) {
      assert.equal(r.type, FXP.READ);
      const v = new DataView(r.body.buffer, r.body.byteOffset);
      const handleLen = v.getUint32(0);
      const offset = Number(v.getBigUint64(4 + handleLen));
      const length = v.getUint32(12 + handleLen);
      served++;
      if (offset >= file.length) server.send(packet(FXP.STATUS, r.id, FX.EOF, 'EOF', ''));
      else {
        const n = served % 3 === 0 ? Math.max(1, length >> 2) : length;
        server.send(packet(FXP.DATA, r.id, file.subarray(offset, Math.min(file.length, offset + n))));
      }
    }
  }
  const total = await done;
  assert.equal(total, file.length);
  assert.deepEqual(Buffer.concat(received), Buffer.from(file));
});

test('a burst of requests goes out as one channel write, replies still matched by id', async () => {
  const server = new FakeSftpServer();
  const session = await openSession(server);
  const before = server.writes;
  const stats = Array.from({ length: 20 }, (_, i) => session.stat(`/f${i}`));
  const requests = [];
  for (let i = 0; i < 20; i++) requests.push(await server.nextPacket());
  assert.equal(server.writes - before, 1);
  for (const r of requests.reverse()) server.send(packet(FXP.ATTRS, r.id, 1, BigInt(r.id)));
  const sizes = (await Promise.all(stats)).map((a) => a.size);
  assert.deepEqual(sizes, requests.reverse().map((r) => r.id));
});

test('cancelling a download from a server that stopped answering completes (session closed)', { timeout: 20_000 }, async () => {
  const server = new FakeSftpServer();
  const session = await openSession(server);
  const ac = new AbortController();
  const done = downloadFile(session, 'f', () => undefined, { signal: ac.signal, drainTimeoutMs: 200 });
  const open = await server.nextPacket();
  server.send(packet(FXP.HANDLE, open.id, 'h'));
  const fstat = await server.nextPacket();
  assert.equal(fstat.type, FXP.FSTAT);
  server.send(packet(FXP.ATTRS, fstat.id, 1, 1_000_000n));
  const read = await server.nextPacket();
  assert.equal(read.type, FXP.READ);
  ac.abort();
  await assert.rejects(done, isCode('cancelled'));
  assert.equal(session.failure?.code, 'session-closed');
});

test('a server that announces limits but fails the request: defaults are used', async () => {
  const server = new FakeSftpServer();
  const opening = SftpSession.open(server.channel, { handshakeTimeoutMs: 2000 });
  await server.nextPacket();
  server.send(versionPacket(3, [['limits@openssh.com', '1']]));
  const limits = await server.nextPacket();
  server.send(packet(FXP.STATUS, limits.id, FX.OP_UNSUPPORTED, 'no', ''));
  const session = await opening;
  assert.equal(session.serverLimits, null);
  assert.equal(session.writeChunk, 32768);
});

test('a listing that never ends stops at the entry cap', async () => {
  const server = new FakeSftpServer();
  const session = await openSession(server);
  const listing = session.list('/d', 1000);
  const opendir = await server.nextPacket();
  server.send(packet(FXP.HANDLE, opendir.id, 'd'));
  const entry = (i: number) => [`f${i}`, `-rw-r--r-- f${i}`, 0] as const;
  for (;;) {
    const req = await server.nextPacket();
    if (req.type === FXP.CLOSE) {
      server.send(packet(FXP.STATUS, req.id, FX.OK, '', ''));
      break;
    }
    assert.equal(req.type, FXP.READDIR);
    server.send(packet(FXP.NAME, req.id, 100, ...Array.from({ length: 100 }, (_, i) => entry(i)).flat()));
  }
  await assert.rejects(listing, (err: unknown) => isSftpError(err, 'failure') && /more than 1000/.test(err.message));
});
