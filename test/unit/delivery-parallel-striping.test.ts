// A file written over several SFTP sessions at once (uploadFile with lanes), against scripted
// in-memory servers sharing one file: replies that come back out of order still give a file
// exactly like the source and a progress that only ever reports a confirmed prefix; a server that
// takes writes only in sequence (rclone's serve sftp without a cache) gets the file again from 0
// over one session, and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FX, FXP } from '../../core/sftp/constants.ts';
import { SftpSession } from '../../core/sftp/session.ts';
import { uploadFile } from '../../core/sftp/upload.ts';
import { FakeSftpServer, packet, versionPacket } from '../support/sftp-fake-server.ts';

interface SharedFile {
  bytes: Uint8Array;
  size: number;
  opens: number;
  /** Offsets written, per session index. */
  writesBy: number[][];
}

interface Behaviour {
  /** Each handle takes writes only in sequence from 0 (else FAILURE "Illegal seek"). */
  sequentialOnly?: boolean;
  /** Hold WRITE replies and release them in reverse order, this many at a time (or after 2 ms). */
  reverseReplies?: number;
}

/** One session's server over the shared file. */
async function serve(server: FakeSftpServer, index: number, file: SharedFile, how: Behaviour): Promise<void> {
  let next = 0;
  const held: Uint8Array[] = [];
  const flush = () => {
    while (held.length > 0) server.send(held.pop()!);
  };
  for (;;) {
    const p = await server.nextPacket().catch(() => null);
    if (p === null) return;
    const v = new DataView(p.body.buffer, p.body.byteOffset, p.body.byteLength);
    const ok = () => server.send(packet(FXP.STATUS, p.id, FX.OK, '', ''));
    switch (p.type) {
      case FXP.LSTAT:
        server.send(packet(FXP.STATUS, p.id, FX.NO_SUCH_FILE, 'No such file', ''));
        break;
      case FXP.OPEN: {
        file.opens++;
        next = 0;
        const pathLength = v.getUint32(0);
        const flags = v.getUint32(4 + pathLength);
        if (flags & 0x10) file.size = 0; // TRUNC
        server.send(packet(FXP.HANDLE, p.id, `h${index}`));
        break;
      }
      case FXP.WRITE: {
        const hl = v.getUint32(0);
        const offset = Number(v.getBigUint64(4 + hl));
        const len = v.getUint32(12 + hl);
        if (how.sequentialOnly && offset !== next) {
          server.send(packet(FXP.STATUS, p.id, FX.FAILURE, 'Illegal seek', ''));
          break;
        }
        file.bytes.set(p.body.subarray(16 + hl, 16 + hl + len), offset);
        file.size = Math.max(file.size, offset + len);
        (file.writesBy[index] ??= []).push(offset);
        next = offset + len;
        if (how.reverseReplies) {
          held.push(packet(FXP.STATUS, p.id, FX.OK, '', ''));
          if (held.length >= how.reverseReplies) flush();
          else setTimeout(flush, 2); // the last few of a lane come back too
        } else ok();
        break;
      }
      case FXP.FSTAT:
        flush();
        server.send(packet(FXP.ATTRS, p.id, 1, BigInt(file.size)));
        break;
      default:
        flush();
        ok();
    }
  }
}

async function sessions(n: number, file: SharedFile, how: Behaviour): Promise<{ list: SftpSession[]; serving: Promise<void>[] }> {
  const list: SftpSession[] = [];
  const serving: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const server = new FakeSftpServer();
    const opening = SftpSession.open(server.channel, { handshakeTimeoutMs: 2000 });
    await server.nextPacket();
    server.send(versionPacket(3));
    list.push(await opening);
    serving.push(serve(server, i, file, how));
  }
  return { list, serving };
}

const source = Uint8Array.from({ length: 1_000_000 }, (_, i) => (i * 7 + (i >> 11)) % 251);
const seekable = { size: source.byteLength, openAt: (o: number) => source.subarray(o) };

test('three lanes, replies out of order: the file is the source byte for byte, progress only a confirmed prefix', async () => {
  const file: SharedFile = { bytes: new Uint8Array(source.byteLength), size: 0, opens: 0, writesBy: [] };
  const { list, serving } = await sessions(3, file, { reverseReplies: 5 });
  const progress: number[] = [];
  let hooked = 0;
  const r = await uploadFile(list[0]!, 'x.dat', seekable, {
    mode: 'direct', overwrite: true, lanes: list.slice(1),
    onChunk: (c) => void (hooked += c.byteLength),
    onProgress: (b) => progress.push(b),
  });
  await Promise.all(list.map((s) => s.close()));
  await Promise.all(serving);
  assert.equal(r.bytes, source.byteLength);
  assert.deepEqual(file.bytes, source);
  assert.equal(hooked, source.byteLength, 'the source was read once');
  assert.equal(file.opens, 3, 'each lane opened its own handle');
  assert.ok(file.writesBy.every((w) => w.length > 0) && file.writesBy.length === 3, 'every lane wrote');
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i]! >= progress[i - 1]!, 'progress never goes back');
  assert.equal(progress.at(-1), source.byteLength);
  // A progress value is only ever an offset below which every write was confirmed: a piece boundary.
  assert.ok(progress.every((b) => b === source.byteLength || b % list[0]!.writeChunk === 0));
});

test('a server that takes writes only in sequence: the split upload starts again from 0 over one lane and says so', async () => {
  const file: SharedFile = { bytes: new Uint8Array(source.byteLength), size: 0, opens: 0, writesBy: [] };
  const { list, serving } = await sessions(3, file, { sequentialOnly: true });
  let restarts = 0;
  let hooked = 0;
  const r = await uploadFile(list[0]!, 'x.dat', seekable, {
    mode: 'direct', overwrite: true, lanes: list.slice(1),
    onChunk: (c) => void (hooked += c.byteLength),
    onRestart: () => void (restarts++, (hooked = 0)),
  });
  await Promise.all(list.map((s) => s.close()));
  await Promise.all(serving);
  assert.deepEqual(r.restartedFromZero, { serverMessage: 'Illegal seek' });
  assert.equal(restarts, 1);
  assert.equal(hooked, source.byteLength, 'after the restart the hook saw the whole file once');
  assert.equal(r.bytes, source.byteLength);
  assert.deepEqual(file.bytes.subarray(0, file.size), source);
});
