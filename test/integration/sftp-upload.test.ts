// The delivery-ready upload against a real OpenSSH server: temporary name then rename, no silent
// overwrite, direct mode, resume after a cut with the hash hook still seeing the whole file, and
// a write-only drop box (no listing, no folder stat).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningSshd } from '../support/sshd.ts';
import type { Ssh2SftpConnection } from '../support/ssh2-channel.ts';
import { connectSsh2Sftp, startSftpSshd } from '../support/sftp-login.ts';
import { generatedFile, serverSha1, sha1Of } from '../support/sftp-bytes.ts';
import { SftpSession } from '../../core/sftp/session.ts';
import { SftpError } from '../../core/sftp/errors.ts';
import { temporaryName, uploadFile } from '../../core/sftp/upload.ts';
import { blobSource } from '../../core/sftp/byte-source.ts';

const isCode = (code: string) => (err: unknown) => {
  assert.ok(err instanceof SftpError, `expected SftpError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  return true;
};

const connect = connectSsh2Sftp;

/** Uploads until at least `cutAt` bytes are confirmed, then aborts; returns the partial size on disk. */
async function cutUpload(session: SftpSession, remote: string, file: ReturnType<typeof generatedFile>, cutAt: number, diskPath: string): Promise<number> {
  const ac = new AbortController();
  await assert.rejects(uploadFile(session, remote, file.chunks(), {
    signal: ac.signal,
    // A small window so the cut lands well before the end of the file.
    window: 4,
    onProgress: (done) => {
      if (done >= cutAt) ac.abort();
    },
  }), isCode('cancelled'));
  const partial = statSync(diskPath).size;
  assert.ok(partial >= cutAt && partial < file.size, `partial ${partial}`);
  // What reached the server is exactly the file's prefix (no holes, nothing out of order).
  assert.equal(serverSha1(diskPath), sha1Of(file.slice(0, partial)));
  return partial;
}

describe('delivery upload on a writable folder', () => {
  let sshd: RunningSshd;
  let session: SftpSession;
  let conn: Ssh2SftpConnection;
  const disk = (p: string) => join(sshd.sftpRoot, p);
  /** A file left by the test user (as a partial upload would be). */
  const plant = (p: string, data: Uint8Array) => {
    writeFileSync(disk(p), data);
    const owner = statSync(sshd.sftpRoot);
    chownSync(disk(p), owner.uid, owner.gid);
  };
  before(async () => {
    sshd = await startSftpSshd();
    ({ session, conn } = await connect(sshd));
  });
  after(async () => {
    await session?.close();
    conn?.end();
    await sshd?.stop();
  });

  test('writes a temporary name, then renames; the final name appears only complete', async () => {
    const file = generatedFile(3_000_000);
    const seen: boolean[] = [];
    const result = await uploadFile(session, 'data.dat', file.chunks(), {
      onProgress: () => seen.push(existsSync(disk('.data.dat.courier-part')) && !existsSync(disk('data.dat'))),
    });
    assert.ok(seen.length > 0 && seen.every(Boolean), 'during the upload only the temporary file exists');
    assert.equal(result.temporaryPath, '.data.dat.courier-part');
    assert.equal(temporaryName('data.dat'), '.data.dat.courier-part');
    assert.deepEqual({ bytes: result.bytes, resumedFrom: result.resumedFrom, fsynced: result.fsynced, sizeVerified: result.sizeVerified }, { bytes: file.size, resumedFrom: 0, fsynced: true, sizeVerified: true });
    assert.equal(serverSha1(disk('data.dat')), file.sha1());
    assert.equal(existsSync(disk('.data.dat.courier-part')), false);
  });

  test('never overwrites silently: an existing final name fails, overwrite: true replaces it', async () => {
    writeFileSync(disk('taken.dat'), 'old');
    await assert.rejects(uploadFile(session, 'taken.dat', generatedFile(10).chunks()), isCode('target-exists'));
    await assert.rejects(uploadFile(session, 'taken.dat', generatedFile(10).chunks(), { mode: 'direct' }), isCode('target-exists'));
    assert.equal(readFileSync(disk('taken.dat'), 'utf8'), 'old');
    const file = generatedFile(1000);
    await uploadFile(session, 'taken.dat', file.chunks(), { overwrite: true });
    assert.equal(serverSha1(disk('taken.dat')), file.sha1());
    const again = generatedFile(2000);
    await uploadFile(session, 'taken.dat', again.chunks(), { overwrite: true, mode: 'direct' });
    assert.equal(serverSha1(disk('taken.dat')), again.sha1());
  });

  test('a file that appears under the final name during the upload is not overwritten at rename', async () => {
    let planted = false;
    const err = await uploadFile(session, 'race.dat', generatedFile(500_000).chunks(), {
      onChunk: () => {
        if (!planted) writeFileSync(disk('race.dat'), 'someone else');
        planted = true;
      },
    }).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof SftpError && err.code === 'target-exists', String(err));
    assert.equal(readFileSync(disk('race.dat'), 'utf8'), 'someone else');
    assert.equal(statSync(disk('.race.dat.courier-part')).size, 500_000, 'the finished upload is kept under the temporary name');
  });

  test('direct mode writes the final name only', async () => {
    const file = generatedFile(70_000);
    const r = await uploadFile(session, 'direct.dat', file.chunks(), { mode: 'direct' });
    assert.equal(r.temporaryPath, undefined);
    assert.equal(serverSha1(disk('direct.dat')), file.sha1());
    assert.equal(existsSync(disk('.direct.dat.courier-part')), false);
  });

  test('resume after a cut: only the rest is sent, the hook still hashes the whole file from byte 0', async () => {
    const file = generatedFile(12 * 1024 * 1024 + 17);
    const partial = await cutUpload(session, 'resume.dat', file, 4 * 1024 * 1024, disk('.resume.dat.courier-part'));
    assert.equal(existsSync(disk('resume.dat')), false);
    const hook = createHash('sha1');
    let hooked = 0;
    let firstProgress = -1;
    const result = await uploadFile(session, 'resume.dat', file.chunks(), {
      resume: true,
      onChunk: (c) => {
        hook.update(c);
        hooked += c.byteLength;
      },
      onProgress: (done) => {
        if (firstProgress < 0) firstProgress = done;
      },
    });
    assert.equal(result.resumedFrom, partial);
    assert.ok(firstProgress > partial, 'the first write confirmed lies after the resume point');
    assert.equal(hooked, file.size);
    assert.equal(hook.digest('hex'), file.sha1());
    assert.equal(serverSha1(disk('resume.dat')), file.sha1());
    assert.equal(existsSync(disk('.resume.dat.courier-part')), false);
  });

  test('resume from a seekable Blob without a hook reads only the rest; a too-large partial starts over', async () => {
    const file = generatedFile(3 * 1024 * 1024);
    const partial = await cutUpload(session, 'blob.dat', file, 1024 * 1024, disk('.blob.dat.courier-part'));
    const blob = new Blob([file.slice(0, file.size)]);
    let opened = -1;
    const source = { size: blob.size, openAt: (o: number) => ((opened = o), blobSource(blob).openAt(o)) };
    const r = await uploadFile(session, 'blob.dat', source, { resume: true });
    assert.equal(opened, partial);
    assert.equal(r.resumedFrom, partial);
    assert.equal(serverSha1(disk('blob.dat')), file.sha1());

    plant('.small.dat.courier-part', new Uint8Array(5000));
    const small = generatedFile(1000);
    const r2 = await uploadFile(session, 'small.dat', blobSource(new Blob([small.slice(0, 1000)])), { resume: true });
    assert.equal(r2.resumedFrom, 0);
    assert.equal(serverSha1(disk('small.dat')), small.sha1());
  });

  test('resume with a source shorter than the partial upload is refused', async () => {
    plant('.short.dat.courier-part', new Uint8Array(5000));
    await assert.rejects(uploadFile(session, 'short.dat', generatedFile(3000).chunks(), { resume: true, onChunk: () => undefined }), isCode('source-too-short'));
    assert.equal(existsSync(disk('short.dat')), false);
  });
});

describe('delivery upload into a write-only drop box', () => {
  let sshd: RunningSshd;
  let session: SftpSession;
  let conn: Ssh2SftpConnection;
  const disk = (p: string) => join(sshd.sftpRoot, p);
  before(async () => {
    sshd = await startSftpSshd({ layout: 'dropbox' });
    ({ session, conn } = await connect(sshd));
  });
  after(async () => {
    await session?.close();
    conn?.end();
    await sshd?.stop();
  });

  test('the folder cannot be listed, yet upload (temp + rename) and resume work', async () => {
    await assert.rejects(session.list('incoming'), isCode('permission-denied'));
    const file = generatedFile(2 * 1024 * 1024 + 5);
    const r = await uploadFile(session, 'incoming/gegevens.dat', file.chunks());
    assert.equal(r.sizeVerified, true);
    assert.equal(serverSha1(disk('incoming/gegevens.dat')), file.sha1());
    assert.equal(existsSync(disk('incoming/.gegevens.dat.courier-part')), false);
    await assert.rejects(uploadFile(session, 'incoming/gegevens.dat', file.chunks()), isCode('target-exists'));

    const big = generatedFile(6 * 1024 * 1024);
    const partial = await cutUpload(session, 'incoming/big.dat', big, 2 * 1024 * 1024, disk('incoming/.big.dat.courier-part'));
    const hook = createHash('sha1');
    const r2 = await uploadFile(session, 'incoming/big.dat', big.chunks(), { resume: true, onChunk: (c) => void hook.update(c) });
    assert.equal(r2.resumedFrom, partial);
    assert.equal(hook.digest('hex'), big.sha1());
    assert.equal(serverSha1(disk('incoming/big.dat')), big.sha1());
  });
});
