// Delivering X + X.hash into a real OpenSSH server through our own SSH and SFTP client: RIVM-like
// (ctr ciphers only, uploads only into incoming/) and a write-only drop box. X.hash never exists
// unless X arrived whole; an interrupted upload leaves nothing under a final name and resumes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type RunningSshd } from '../support/sshd.ts';
import { connectTo } from '../support/ssh-client.ts';
import { SftpSession } from '../../core/sftp/session.ts';
import { deliverPair, type PairOptions } from '../../core/delivery/deliver-pair.ts';
import { isDeliveryError } from '../../core/delivery/delivery-error.ts';
import type { SshConnection } from '../../core/ssh/connection.ts';

const local = mkdtempSync(join(tmpdir(), 'courier-deliver-'));
const sha1 = (path: string) => execFileSync('sha1sum', [path]).toString().split(' ')[0]!;
function fileSource(path: string) {
  return { size: statSync(path).size, openAt: (offset: number) => createReadStream(path, { start: offset, highWaterMark: 1 << 20 }) };
}
function makeFile(name: string, bytes: number): string {
  const p = join(local, name);
  writeFileSync(p, randomBytes(bytes));
  return p;
}
const baseOptions: PairOptions = {
  folder: 'incoming', sidecar: { required: true, style: 'hex' }, tempRename: true, resume: 'fresh', verifyReadBack: false,
  onExisting: async () => 'skip',
};

async function open(sshd: RunningSshd): Promise<{ ssh: SshConnection; sftp: SftpSession }> {
  const ssh = await connectTo(sshd, { auth: { password: sshd.password } });
  const sftp = await SftpSession.open(await ssh.openSubsystem('sftp'));
  return { ssh, sftp };
}

describe('delivery of X + X.hash into a RIVM-like OpenSSH server', () => {
  let sshd: RunningSshd;
  let conn: { ssh: SshConnection; sftp: SftpSession };
  before(async () => {
    sshd = await startSshd({ ciphers: 'aes128-ctr,aes192-ctr,aes256-ctr', macs: 'hmac-sha2-256,hmac-sha2-512', layout: 'incoming-only' });
    conn = await open(sshd);
  });
  after(async () => {
    await conn?.ssh.close();
    await sshd?.stop();
  });

  test('three files arrive with .hash files matching sha1sum; nothing temporary is left', async () => {
    const files = [makeFile('gegevens.dat', 0), makeFile('indicatoren 2026.csv', 1), makeFile('bijlage-é.bin', 5 * 1024 * 1024 + 17)];
    for (const f of files) {
      const name = f.split('/').pop()!;
      let progress = 0;
      const receipt = await deliverPair(conn.sftp, { name, data: fileSource(f) }, { ...baseOptions, verifyReadBack: true, onProgress: (b) => (progress = b) });
      assert.equal(receipt.status, 'delivered');
      assert.equal(receipt.sha1, sha1(f));
      assert.equal(receipt.verifiedByReadBack, true);
      assert.equal(receipt.remotePath, `incoming/${name}`);
      assert.equal(progress, statSync(f).size);
      const remote = join(sshd.sftpRoot, 'incoming', name);
      assert.equal(sha1(remote), sha1(f));
      assert.equal(readFileSync(`${remote}.hash`, 'utf8'), sha1(f));
    }
    assert.deepEqual(readdirSync(join(sshd.sftpRoot, 'incoming')).filter((n) => n.includes('courier-part')), []);
  });

  test('an existing file: skip, keep both, or overwrite — never append', async () => {
    const f = makeFile('twice.dat', 1000);
    await deliverPair(conn.sftp, { name: 'twice.dat', data: fileSource(f) }, baseOptions);
    const skipped = await deliverPair(conn.sftp, { name: 'twice.dat', data: fileSource(f) }, { ...baseOptions, onExisting: async () => 'skip' });
    assert.equal(skipped.status, 'skipped');
    const both = await deliverPair(conn.sftp, { name: 'twice.dat', data: fileSource(f) }, { ...baseOptions, onExisting: async () => 'keep-both' });
    assert.equal(both.remotePath, 'incoming/twice (2).dat');
    assert.equal(readFileSync(join(sshd.sftpRoot, 'incoming', 'twice (2).dat.hash'), 'utf8'), sha1(f));
    const g = makeFile('twice-new.dat', 2000);
    const over = await deliverPair(conn.sftp, { name: 'twice.dat', data: fileSource(g) }, { ...baseOptions, onExisting: async () => 'overwrite' });
    assert.equal(over.status, 'delivered');
    assert.equal(statSync(join(sshd.sftpRoot, 'incoming', 'twice.dat')).size, 2000);
    assert.equal(readFileSync(join(sshd.sftpRoot, 'incoming', 'twice.dat.hash'), 'utf8'), sha1(g));
  });

  test('a local .hash that does not match stops before anything is sent', async () => {
    const f = makeFile('changed.dat', 100);
    await assert.rejects(
      deliverPair(conn.sftp, { name: 'changed.dat', data: fileSource(f), localSidecarText: `${'1'.repeat(40)}\r\n` }, baseOptions),
      (e: unknown) => isDeliveryError(e, 'local-sidecar-mismatch') && e.details.actual === sha1(f),
    );
    assert.ok(!existsSync(join(sshd.sftpRoot, 'incoming', 'changed.dat')));
    assert.ok(!readdirSync(join(sshd.sftpRoot, 'incoming')).some((n) => n.includes('changed')));
    const ok = await deliverPair(conn.sftp, { name: 'changed.dat', data: fileSource(f), localSidecarText: sha1(f).toUpperCase() }, baseOptions);
    assert.equal(ok.status, 'delivered');
  });

  test('writing outside incoming/ is refused with a permission error', async () => {
    const f = makeFile('home.dat', 10);
    await assert.rejects(deliverPair(conn.sftp, { name: 'home.dat', data: fileSource(f) }, { ...baseOptions, folder: '' }), (e: unknown) => (e as { code?: string }).code === 'permission-denied');
  });

  test('cut mid-upload: no X nor X.hash under a final name; a later run proves the partial and continues it', async () => {
    const f = makeFile('big-resume.bin', 24 * 1024 * 1024);
    const ctl = new AbortController();
    await assert.rejects(
      deliverPair(conn.sftp, { name: 'big-resume.bin', data: fileSource(f) }, { ...baseOptions, keepPartialOnCancel: true, signal: ctl.signal, onProgress: (b) => b > 8 * 1024 * 1024 && ctl.abort() }),
    );
    const dir = join(sshd.sftpRoot, 'incoming');
    assert.ok(!existsSync(join(dir, 'big-resume.bin')));
    assert.ok(!existsSync(join(dir, 'big-resume.bin.hash')));
    const partial = statSync(join(dir, '.big-resume.bin.courier-part')).size;
    assert.ok(partial > 0 && partial < statSync(f).size, `partial ${partial}`);
    const done = await deliverPair(conn.sftp, { name: 'big-resume.bin', data: fileSource(f) }, { ...baseOptions, resume: 'verify-prefix' });
    assert.equal(done.status, 'delivered');
    assert.equal(done.resumedFrom, partial);
    assert.equal(done.resumeProof, 'read-back');
    assert.equal(done.sha1, sha1(f));
    assert.equal(sha1(join(dir, 'big-resume.bin')), sha1(f));
    assert.equal(readFileSync(join(dir, 'big-resume.bin.hash'), 'utf8'), sha1(f));
    assert.ok(!existsSync(join(dir, '.big-resume.bin.courier-part')));
  });
});

describe('delivery into a write-only drop box (no listing, no stat)', () => {
  test('files and their .hash arrive', async () => {
    const sshd = await startSshd({ layout: 'dropbox' });
    const conn = await open(sshd);
    try {
      await assert.rejects(conn.sftp.list('incoming'), (e: unknown) => (e as { code?: string }).code === 'permission-denied');
      const f = makeFile('dropped.dat', 300_000);
      const receipt = await deliverPair(conn.sftp, { name: 'dropped.dat', data: fileSource(f) }, baseOptions);
      assert.equal(receipt.status, 'delivered');
      assert.equal(sha1(join(sshd.sftpRoot, 'incoming', 'dropped.dat')), sha1(f));
      assert.equal(readFileSync(join(sshd.sftpRoot, 'incoming', 'dropped.dat.hash'), 'utf8'), sha1(f));
    } finally {
      await conn.ssh.close();
      await sshd.stop();
    }
  });
});
