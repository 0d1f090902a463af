// core/sftp against a real OpenSSH sftp-server (through the ssh2 client's raw channel until our
// own transport is used): file operations, pipelined round trips checked by sha1sum on the
// server's disk, and the server's errors mapped to typed codes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningSshd } from '../support/sshd.ts';
import type { Ssh2SftpConnection } from '../support/ssh2-channel.ts';
import { connectSsh2Sftp, startSftpSshd } from '../support/sftp-login.ts';
import { generatedFile, serverSha1, sha1Of } from '../support/sftp-bytes.ts';
import { SftpSession } from '../../core/sftp/session.ts';
import { SftpError } from '../../core/sftp/errors.ts';
import { isDirectory, isRegularFile } from '../../core/sftp/attributes.ts';
import { downloadFile, downloadToBytes } from '../../core/sftp/download.ts';
import { uploadFile } from '../../core/sftp/upload.ts';
import { blobSource } from '../../core/sftp/byte-source.ts';

const isCode = (code: string) => (err: unknown) => {
  assert.ok(err instanceof SftpError, `expected SftpError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  return true;
};

const connect = connectSsh2Sftp;

async function downloadSha1(session: SftpSession, path: string): Promise<{ sha1: string; bytes: number }> {
  const h = createHash('sha1');
  const sink = new WritableStream<Uint8Array>({ write: (c) => void h.update(c) });
  const { bytes } = await downloadFile(session, path, sink);
  return { sha1: h.digest('hex'), bytes };
}

describe('sftp session on a writable home', () => {
  let sshd: RunningSshd;
  let session: SftpSession;
  let conn: Ssh2SftpConnection;
  before(async () => {
    sshd = await startSftpSshd();
    ({ session, conn } = await connect(sshd));
  });
  after(async () => {
    await session?.close();
    conn?.end();
    await sshd?.stop();
  });

  test('handshake: OpenSSH extensions and limits are read', () => {
    assert.equal(session.has('posixRename'), true);
    assert.equal(session.has('fsync'), true);
    assert.equal(session.has('statvfs'), true);
    assert.ok(session.serverLimits && session.serverLimits.maxWriteLength > 0);
    assert.equal(session.writeChunk, Math.min(session.serverLimits.maxWriteLength, 256 * 1024 - 1024));
  });

  test('realpath, mkdir, stat, setstat, list, rename, remove, rmdir', async () => {
    assert.equal(await session.realpath('.'), sshd.sftpRoot);
    await session.mkdir('dir');
    assert.ok(isDirectory(await session.stat('dir')));
    await assert.rejects(session.mkdir('dir'), isCode('failure'));
    const h = await session.open('dir/a.txt', 'write');
    await session.write(h, 0, new TextEncoder().encode('hello'));
    assert.equal((await session.fstat(h)).size, 5);
    await session.fsync(h);
    await session.fsetstat(h, { permissions: 0o640 });
    await session.closeHandle(h);
    await session.setstat('dir/a.txt', { atime: 1_600_000_000, mtime: 1_600_000_001 });
    const a = await session.lstat('dir/a.txt');
    assert.ok(isRegularFile(a));
    assert.equal(a.permissions! & 0o777, 0o640);
    assert.equal(a.mtime, 1_600_000_001);
    assert.equal(statSync(join(sshd.sftpRoot, 'dir/a.txt')).mtimeMs, 1_600_000_001_000);
    const names = (await session.list('dir')).map((e) => e.filename);
    assert.deepEqual(names, ['a.txt']);
    await session.rename('dir/a.txt', 'dir/b.txt');
    assert.equal(readFileSync(join(sshd.sftpRoot, 'dir/b.txt'), 'utf8'), 'hello');
    await session.hardlink('dir/b.txt', 'dir/c.txt');
    assert.equal(readFileSync(join(sshd.sftpRoot, 'dir/c.txt'), 'utf8'), 'hello');
    await assert.rejects(session.rmdir('dir'), isCode('failure'));
    await session.remove('dir/b.txt');
    await session.remove('dir/c.txt');
    await session.rmdir('dir');
    assert.equal(existsSync(join(sshd.sftpRoot, 'dir')), false);
    const vfs = await session.statvfs('.');
    assert.ok(vfs.blockSize > 0 && vfs.nameMax >= 255);
  });

  test('listing a folder with more entries than one READDIR batch', async () => {
    await session.mkdir('many');
    for (let i = 0; i < 250; i++) writeFileSync(join(sshd.sftpRoot, 'many', `f${i}`), '');
    const names = (await session.list('many')).map((e) => e.filename).sort();
    assert.equal(names.length, 250);
    assert.deepEqual(names, Array.from({ length: 250 }, (_, i) => `f${i}`).sort());
  });

  test('errors: no such file, rename onto an existing name, posix-rename replaces', async () => {
    await assert.rejects(session.stat('missing'), isCode('no-such-file'));
    await assert.rejects(session.open('missing', 'read'), (err: unknown) => err instanceof SftpError && err.code === 'no-such-file' && err.path === 'missing');
    await assert.rejects(session.remove('missing'), isCode('no-such-file'));
    await assert.rejects(session.open('nodir/x', 'write'), isCode('no-such-file'));
    writeFileSync(join(sshd.sftpRoot, 'one'), '1');
    writeFileSync(join(sshd.sftpRoot, 'two'), '2');
    await assert.rejects(session.rename('one', 'two'), isCode('failure'));
    assert.equal(readFileSync(join(sshd.sftpRoot, 'two'), 'utf8'), '2');
    await session.posixRename('one', 'two');
    assert.equal(readFileSync(join(sshd.sftpRoot, 'two'), 'utf8'), '1');
    assert.equal(session.failure, null, 'status errors leave the session usable');
  });

  for (const size of [0, 1, 5 * 1024 * 1024 + 3]) {
    test(`round trip of ${size} bytes, checked by sha1sum on the server`, async () => {
      const file = generatedFile(size);
      const up = await uploadFile(session, `rt-${size}.bin`, file.chunks(100_000));
      assert.equal(up.bytes, size);
      assert.equal(up.sizeVerified, true);
      assert.equal(serverSha1(join(sshd.sftpRoot, `rt-${size}.bin`)), file.sha1());
      const down = await downloadSha1(session, `rt-${size}.bin`);
      assert.equal(down.bytes, size);
      assert.equal(down.sha1, file.sha1());
    });
  }

  test('a Blob source and a callback sink', async () => {
    const file = generatedFile(700_001);
    const blob = new Blob([file.slice(0, file.size)]);
    await uploadFile(session, 'blob.bin', blobSource(blob));
    assert.equal(serverSha1(join(sshd.sftpRoot, 'blob.bin')), file.sha1());
    const parts: Uint8Array[] = [];
    const { bytes } = await downloadFile(session, 'blob.bin', (c) => void parts.push(c));
    assert.equal(bytes, file.size);
    assert.equal(sha1Of(...parts), file.sha1());
  });

  test('bytes in memory up (a .hash file), a small file back into memory, a large one refused', async () => {
    const hex = sha1Of(new TextEncoder().encode('data'));
    const r = await uploadFile(session, 'data.dat.hash', new TextEncoder().encode(hex));
    assert.equal(r.bytes, 40);
    assert.equal(readFileSync(join(sshd.sftpRoot, 'data.dat.hash'), 'utf8'), hex);
    assert.equal(new TextDecoder().decode(await downloadToBytes(session, 'data.dat.hash')), hex);
    assert.deepEqual(await downloadToBytes(session, 'rt-0.bin'), new Uint8Array(0));
    await assert.rejects(downloadToBytes(session, 'rt-5242883.bin', { maxBytes: 100_000 }), isCode('file-too-large'));
    assert.equal(session.failure, null);
  });

  test('300 MiB streamed up and down without holding it in memory', async () => {
    const size = 300 * 1024 * 1024;
    const file = generatedFile(size);
    let peak = 0;
    const sample = () => (peak = Math.max(peak, process.memoryUsage().arrayBuffers));
    const up = await uploadFile(session, 'big.bin', file.chunks(), { onProgress: sample });
    assert.equal(up.bytes, size);
    assert.equal(serverSha1(join(sshd.sftpRoot, 'big.bin')), file.sha1());
    const h = createHash('sha1');
    const down = await downloadFile(session, 'big.bin', (c) => {
      h.update(c);
      sample();
    });
    assert.equal(down.bytes, size);
    assert.equal(h.digest('hex'), file.sha1());
    console.log(`peak arrayBuffers during 300 MiB transfers: ${(peak / 2 ** 20).toFixed(1)} MiB`);
    assert.ok(peak < size / 2, `memory grew with the file: ${peak} bytes of ArrayBuffers`);
  });

  test('cancelling a download gives "cancelled" and leaves the session usable', async () => {
    const ac = new AbortController();
    let got = 0;
    await assert.rejects(downloadFile(session, 'rt-5242883.bin', (c) => {
      got += c.byteLength;
      if (got > 1_000_000) ac.abort();
    }, { signal: ac.signal }), isCode('cancelled'));
    assert.ok(got < 5 * 1024 * 1024);
    assert.equal((await session.stat('rt-5242883.bin')).size, 5 * 1024 * 1024 + 3);
  });
});

describe('sftp session where only incoming/ is writable (RIVM-like)', () => {
  let sshd: RunningSshd;
  let session: SftpSession;
  let conn: Ssh2SftpConnection;
  before(async () => {
    sshd = await startSftpSshd({ layout: 'incoming-only' });
    ({ session, conn } = await connect(sshd));
  });
  after(async () => {
    await session?.close();
    conn?.end();
    await sshd?.stop();
  });

  test('writing into the home folder is permission-denied, incoming/ works', async () => {
    await assert.rejects(session.open('x.dat', 'write'), isCode('permission-denied'));
    await assert.rejects(session.mkdir('d'), isCode('permission-denied'));
    await assert.rejects(uploadFile(session, 'x.dat', generatedFile(10).chunks()), isCode('permission-denied'));
    const file = generatedFile(12345);
    await uploadFile(session, 'incoming/x.dat', file.chunks());
    assert.equal(serverSha1(join(sshd.sftpRoot, 'incoming/x.dat')), file.sha1());
    assert.deepEqual((await session.list('.')).map((e) => e.filename), ['incoming']);
  });
});
