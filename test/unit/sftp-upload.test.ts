// uploadFile against a scripted in-memory server, for what a real OpenSSH server will not do: refuse
// renames (some hardened servers), or answer fstat without a size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FX, FXP } from '../../core/sftp/constants.ts';
import { SftpError } from '../../core/sftp/errors.ts';
import { SftpSession } from '../../core/sftp/session.ts';
import { uploadFile } from '../../core/sftp/upload.ts';
import { FakeSftpServer, packet, versionPacket, type ClientPacket } from '../support/sftp-fake-server.ts';

interface Script {
  rename?: number;
  fstatSize?: (written: number) => bigint | null;
}

/** A tiny SFTP server that keeps one file's size and answers per `script`; records request types. */
async function serve(server: FakeSftpServer, script: Script, seen: number[]): Promise<void> {
  let written = 0;
  const str = (p: ClientPacket) => new TextDecoder().decode(p.body.subarray(4, 4 + new DataView(p.body.buffer, p.body.byteOffset).getUint32(0)));
  for (;;) {
    const p = await server.nextPacket().catch(() => null);
    if (p === null) return;
    seen.push(p.type);
    const ok = () => server.send(packet(FXP.STATUS, p.id, FX.OK, '', ''));
    switch (p.type) {
      case FXP.LSTAT:
        server.send(packet(FXP.STATUS, p.id, FX.NO_SUCH_FILE, 'No such file', ''));
        break;
      case FXP.OPEN:
        assert.match(str(p), /courier-part$/);
        server.send(packet(FXP.HANDLE, p.id, 'h1'));
        break;
      case FXP.WRITE: {
        const v = new DataView(p.body.buffer, p.body.byteOffset);
        const hl = v.getUint32(0);
        written = Math.max(written, Number(v.getBigUint64(4 + hl)) + v.getUint32(12 + hl));
        ok();
        break;
      }
      case FXP.FSTAT: {
        const size = script.fstatSize ? script.fstatSize(written) : BigInt(written);
        server.send(size === null ? packet(FXP.ATTRS, p.id, 0) : packet(FXP.ATTRS, p.id, 1, size));
        break;
      }
      case FXP.RENAME:
        if (script.rename !== undefined) server.send(packet(FXP.STATUS, p.id, script.rename, 'rename not allowed here', ''));
        else ok();
        break;
      default:
        ok();
    }
  }
}

async function session(server: FakeSftpServer): Promise<SftpSession> {
  const opening = SftpSession.open(server.channel, { handshakeTimeoutMs: 2000 });
  await server.nextPacket();
  server.send(versionPacket(3));
  return opening;
}

const data = async function* () {
  yield new Uint8Array(100_000).fill(7);
};

test('a server that refuses renames gives rename-not-permitted and the temporary file is removed', async () => {
  const server = new FakeSftpServer();
  const s = await session(server);
  const seen: number[] = [];
  const serving = serve(server, { rename: FX.PERMISSION_DENIED }, seen);
  await assert.rejects(uploadFile(s, 'in/x.dat', data()), (err: unknown) => err instanceof SftpError && err.code === 'rename-not-permitted' && err.path === 'in/x.dat' && /rename not allowed here/.test(err.message));
  await s.close();
  await serving;
  assert.ok(seen.includes(FXP.REMOVE), 'temporary file removed');
  assert.ok(!seen.includes(FXP.OPENDIR) && !seen.includes(FXP.STAT), 'no listing nor folder stat');
});

test('a size on the server different from what was sent is a size-mismatch, and nothing is renamed', async () => {
  const server = new FakeSftpServer();
  const s = await session(server);
  const seen: number[] = [];
  const serving = serve(server, { fstatSize: (n) => BigInt(n - 1) }, seen);
  await assert.rejects(uploadFile(s, 'x.dat', data()), (err: unknown) => err instanceof SftpError && err.code === 'size-mismatch');
  await s.close();
  await serving;
  assert.ok(!seen.includes(FXP.RENAME));
});

test('a server that will not tell the size: the upload completes, reported as not verified', async () => {
  const server = new FakeSftpServer();
  const s = await session(server);
  const seen: number[] = [];
  const serving = serve(server, { fstatSize: () => null }, seen);
  const r = await uploadFile(s, 'x.dat', data());
  assert.equal(r.sizeVerified, false);
  assert.equal(r.fsynced, false, 'fsync not offered by this server');
  assert.equal(r.bytes, 100_000);
  await s.close();
  await serving;
  assert.ok(seen.includes(FXP.RENAME));
});

test('cancel against a server that stopped answering completes: the session is closed, no hang', { timeout: 20_000 }, async () => {
  const server = new FakeSftpServer();
  const s = await session(server);
  const ac = new AbortController();
  const upload = uploadFile(s, 'x.dat', (async function* () {
    for (let i = 0; i < 100; i++) yield new Uint8Array(40_000);
  })(), { mode: 'direct', overwrite: true, signal: ac.signal, drainTimeoutMs: 200, window: 4 });
  const open = await server.nextPacket();
  assert.equal(open.type, FXP.OPEN);
  server.send(packet(FXP.HANDLE, open.id, 'h'));
  const write = await server.nextPacket();
  assert.equal(write.type, FXP.WRITE);
  // The server goes silent; the user cancels.
  ac.abort();
  await assert.rejects(upload, (err: unknown) => err instanceof SftpError && err.code === 'cancelled');
  assert.equal(s.failure?.code, 'session-closed');
});

test('backpressure: the source is not read further ahead than the window allows', async () => {
  const server = new FakeSftpServer();
  const s = await session(server);
  let pulled = 0;
  const endless = (async function* () {
    for (;;) {
      pulled += 10_000;
      yield new Uint8Array(10_000);
    }
  })();
  const ac = new AbortController();
  const upload = uploadFile(s, 'x.dat', endless, { mode: 'direct', overwrite: true, signal: ac.signal, maxBytesInFlight: 200_000, drainTimeoutMs: 100 });
  const open = await server.nextPacket();
  server.send(packet(FXP.HANDLE, open.id, 'h'));
  // The server accepts bytes but confirms no write: the upload must stall, not read on.
  let last = -1;
  while (pulled !== last && pulled < 5_000_000) {
    last = pulled;
    for (let i = 0; i < 20; i++) await new Promise((ok) => setImmediate(ok));
  }
  assert.ok(pulled <= 200_000 + 32_768 + 10_000, `read ${pulled} bytes ahead of confirmations`);
  ac.abort();
  await assert.rejects(upload, (err: unknown) => err instanceof SftpError && err.code === 'cancelled');
});

test('cancel stops reading a ReadableStream source and cancels it', async () => {
  const server = new FakeSftpServer();
  const s = await session(server);
  let cancelled = false;
  const source = new ReadableStream<Uint8Array>({
    pull: (c) => c.enqueue(new Uint8Array(50_000)),
    cancel: () => void (cancelled = true),
  });
  const ac = new AbortController();
  const upload = uploadFile(s, 'x.dat', source, { mode: 'direct', overwrite: true, signal: ac.signal, drainTimeoutMs: 100 });
  const open = await server.nextPacket();
  server.send(packet(FXP.HANDLE, open.id, 'h'));
  const write = await server.nextPacket();
  assert.equal(write.type, FXP.WRITE);
  server.send(packet(FXP.STATUS, write.id, FX.OK, '', ''));
  ac.abort();
  await assert.rejects(upload, (err: unknown) => err instanceof SftpError && err.code === 'cancelled');
  assert.equal(cancelled, true);
});

/**
 * Plays rclone's `serve sftp` without a VFS cache: a file opened for writing takes writes only in
 * sequence from byte 0; a write at any other offset answers FAILURE "Illegal seek" and leaves the
 * file empty. Keeps the file's bytes so the test can check them.
 */
async function serveSequentialOnly(server: FakeSftpServer, file: { bytes: number[]; opens: number }): Promise<void> {
  let next = 0;
  for (;;) {
    const p = await server.nextPacket().catch(() => null);
    if (p === null) return;
    const v = new DataView(p.body.buffer, p.body.byteOffset, p.body.byteLength);
    const ok = () => server.send(packet(FXP.STATUS, p.id, FX.OK, '', ''));
    switch (p.type) {
      case FXP.LSTAT:
        server.send(file.bytes.length > 0 ? packet(FXP.ATTRS, p.id, 1, BigInt(file.bytes.length)) : packet(FXP.STATUS, p.id, FX.NO_SUCH_FILE, 'No such file', ''));
        break;
      case FXP.OPEN:
        file.opens++;
        next = 0;
        server.send(packet(FXP.HANDLE, p.id, 'h1'));
        break;
      case FXP.WRITE: {
        const hl = v.getUint32(0);
        const offset = Number(v.getBigUint64(4 + hl));
        const len = v.getUint32(12 + hl);
        if (offset !== next) {
          file.bytes.length = 0;
          server.send(packet(FXP.STATUS, p.id, FX.FAILURE, 'Illegal seek', ''));
          break;
        }
        file.bytes.splice(offset, len, ...p.body.subarray(16 + hl, 16 + hl + len));
        next = offset + len;
        ok();
        break;
      }
      case FXP.FSTAT:
        server.send(packet(FXP.ATTRS, p.id, 1, BigInt(file.bytes.length)));
        break;
      default:
        ok();
    }
  }
}

// Failed before the fix: a resumed upload to such a server failed for good ("Illegal seek"), so a
// dropped connection meant the file was never delivered (issue 9.5).
test('a server that cannot write at an offset: the resumed upload starts again from 0 and says so', async () => {
  const server = new FakeSftpServer();
  const s = await session(server);
  const file = { bytes: Array.from({ length: 30_000 }, (_, i) => i % 251), opens: 0 };
  const serving = serveSequentialOnly(server, file);
  const source = Uint8Array.from({ length: 100_000 }, (_, i) => i % 251);
  let restarts = 0;
  let hooked = 0;
  const r = await uploadFile(s, 'x.dat', { size: source.byteLength, openAt: (o: number) => source.subarray(o) }, {
    mode: 'direct', overwrite: true, resume: true, onChunk: (c) => void (hooked += c.byteLength), onRestart: () => void (restarts++, (hooked = 0)),
  });
  await s.close();
  await serving;
  assert.deepEqual(r.restartedFromZero, { serverMessage: 'Illegal seek' });
  assert.equal(r.resumedFrom, 0);
  assert.equal(r.bytes, 100_000);
  assert.equal(restarts, 1);
  assert.equal(hooked, 100_000, 'the hook saw the whole file once after the restart');
  assert.equal(file.opens, 2);
  assert.deepEqual(Uint8Array.from(file.bytes), source);
});
