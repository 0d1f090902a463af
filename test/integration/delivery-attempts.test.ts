// What one attempt at a pair may and may not assume, against a real OpenSSH server: a folder that
// forbids rename (the SHA-1 must be of the bytes sent once, issue 9.1), a partial of unknown origin
// (continued only when it is a prefix of the local file), cancel (removes its temporary file
// unless kept), keep-both (asks once, takes the first free name).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type RunningSshd } from '../support/sshd.ts';
import { connectTo } from '../support/ssh-client.ts';
import { SftpSession } from '../../core/sftp/session.ts';
import { deliverPair, type PairEvent, type PairOptions } from '../../core/delivery/deliver-pair.ts';
import type { SshConnection } from '../../core/ssh/connection.ts';

const local = mkdtempSync(join(tmpdir(), 'courier-attempts-'));
const sha1 = (path: string) => execFileSync('sha1sum', [path]).toString().split(' ')[0]!;
const sha1Of = (bytes: Uint8Array) => execFileSync('sha1sum', { input: bytes }).toString().split(' ')[0]!;
function fileSource(path: string) {
  return { size: statSync(path).size, openAt: (offset: number) => createReadStream(path, { start: offset, highWaterMark: 1 << 20 }) };
}
function makeFile(name: string, content: Uint8Array | number): string {
  const p = join(local, name);
  writeFileSync(p, typeof content === 'number' ? randomBytes(content) : content);
  return p;
}
const options = (over: Partial<PairOptions> = {}): PairOptions => ({
  folder: '', sidecar: { required: true, style: 'hex' }, tempRename: true, resume: 'fresh', verifyReadBack: false,
  onExisting: async () => 'skip', ...over,
});

/** A file on the server as an earlier session of the test user would have left it. */
function plant(sshd: RunningSshd, name: string, bytes: Uint8Array | string): void {
  const path = join(sshd.sftpRoot, name);
  writeFileSync(path, bytes);
  const id = (flag: string) => Number(execFileSync('id', [flag, sshd.user]).toString().trim());
  chownSync(path, id('-u'), id('-g'));
}

async function open(sshd: RunningSshd): Promise<{ ssh: SshConnection; sftp: SftpSession }> {
  const ssh = await connectTo(sshd, { auth: { password: sshd.password } });
  return { ssh, sftp: await SftpSession.open(await ssh.openSubsystem('sftp')) };
}

describe('an upload folder that forbids rename (direct writes)', () => {
  let sshd: RunningSshd;
  let conn: { ssh: SshConnection; sftp: SftpSession };
  before(async () => {
    sshd = await startSshd({ sftpDenyRequests: ['rename', 'posix-rename'] });
    conn = await open(sshd);
  });
  after(async () => {
    await conn?.ssh.close();
    await sshd?.stop();
  });

  // Failed before the fix: the retry after the refused rename fed the same SHA-1 a second time,
  // so a 1-byte file "x" got dd7b7b74… (the SHA-1 of "xx") in X.hash and the receipt.
  for (const [label, content] of [['1 byte', Buffer.from('x')], ['empty', Buffer.alloc(0)], ['3 MiB', randomBytes(3 * 1024 * 1024 + 5)]] as const) {
    test(`${label}: X.hash and the receipt hold the SHA-1 of the bytes on the server`, async () => {
      const name = `direct-${label.replace(' ', '')}.dat`;
      const f = makeFile(name, content);
      const events: PairEvent[] = [];
      const receipt = await deliverPair(conn.sftp, { name, data: fileSource(f) }, options({ onEvent: (e) => events.push(e) }));
      const remote = join(sshd.sftpRoot, name);
      assert.equal(receipt.status, 'delivered');
      assert.equal(sha1(remote), sha1(f));
      assert.equal(receipt.sha1, sha1(f));
      assert.equal(readFileSync(`${remote}.hash`, 'utf8'), sha1(f));
      assert.equal(receipt.writtenDirectly, true);
      assert.deepEqual(events.map((e) => e.kind), ['direct-fallback']);
      assert.deepEqual(readdirSync(sshd.sftpRoot).filter((n) => n.includes('courier-part')), []);
    });
  }
});

describe('partials, cancel and existing files on a writable folder', () => {
  let sshd: RunningSshd;
  let conn: { ssh: SshConnection; sftp: SftpSession };
  before(async () => {
    sshd = await startSshd();
    conn = await open(sshd);
  });
  after(async () => {
    await conn?.ssh.close();
    await sshd?.stop();
  });

  test('a partial of unknown origin that is not the start of the local file is not continued', async () => {
    const content = randomBytes(2 * 1024 * 1024);
    const f = makeFile('stale.bin', content);
    // An earlier version of the file, cut after 1 MiB: same name, other bytes.
    const stale = randomBytes(1024 * 1024);
    plant(sshd, '.stale.bin.courier-part', stale);
    const events: PairEvent[] = [];
    const receipt = await deliverPair(conn.sftp, { name: 'stale.bin', data: fileSource(f) }, options({ resume: 'verify-prefix', onEvent: (e) => events.push(e) }));
    assert.equal(receipt.status, 'delivered');
    assert.equal(receipt.resumedFrom, undefined);
    assert.equal(sha1(join(sshd.sftpRoot, 'stale.bin')), sha1Of(content));
    assert.equal(receipt.sha1, sha1Of(content));
    assert.deepEqual(events, [{ kind: 'resume-refused', path: '.stale.bin.courier-part', reason: 'not-a-prefix' }]);
  });

  test('a partial that is the start of the local file is read back, compared and continued', async () => {
    const content = randomBytes(3 * 1024 * 1024);
    const f = makeFile('prefix.bin', content);
    plant(sshd, '.prefix.bin.courier-part', content.subarray(0, 1_000_000));
    const receipt = await deliverPair(conn.sftp, { name: 'prefix.bin', data: fileSource(f) }, options({ resume: 'verify-prefix' }));
    assert.equal(receipt.resumedFrom, 1_000_000);
    assert.equal(receipt.resumeProof, 'read-back');
    assert.equal(sha1(join(sshd.sftpRoot, 'prefix.bin')), sha1Of(content));
    assert.equal(readFileSync(join(sshd.sftpRoot, 'prefix.bin.hash'), 'utf8'), sha1Of(content));
  });

  test('cancel removes the temporary file, unless asked to keep it', async () => {
    const f = makeFile('cancel.bin', 16 * 1024 * 1024);
    for (const keep of [false, true]) {
      const ctl = new AbortController();
      await assert.rejects(deliverPair(conn.sftp, { name: 'cancel.bin', data: fileSource(f) }, options({
        signal: ctl.signal, keepPartialOnCancel: keep, onProgress: (b) => b > 2 * 1024 * 1024 && ctl.abort(),
      })), (e: unknown) => (e as { code?: string }).code === 'cancelled');
      assert.equal(existsSync(join(sshd.sftpRoot, '.cancel.bin.courier-part')), keep, `keepPartial ${keep}`);
      assert.ok(!existsSync(join(sshd.sftpRoot, 'cancel.bin')));
      assert.ok(!existsSync(join(sshd.sftpRoot, 'cancel.bin.hash')));
    }
  });

  test('keep both asks once and takes the first free name', async () => {
    const f = makeFile('rapport.csv', 500);
    for (const taken of ['rapport.csv', 'rapport (2).csv', 'rapport (3).csv']) plant(sshd, taken, 'older');
    let asked = 0;
    const receipt = await deliverPair(conn.sftp, { name: 'rapport.csv', data: fileSource(f) }, options({ onExisting: async () => (asked++, 'keep-both') }));
    assert.equal(asked, 1);
    assert.equal(receipt.remotePath, 'rapport (4).csv');
    assert.equal(receipt.sidecarPath, 'rapport (4).csv.hash');
    assert.equal(sha1(join(sshd.sftpRoot, 'rapport (4).csv')), sha1(f));
    assert.equal(readFileSync(join(sshd.sftpRoot, 'rapport (2).csv'), 'utf8'), 'older');
  });
});
