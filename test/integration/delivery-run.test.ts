// A delivery run against a real sshd: the connection is cut mid-upload (the server's session
// process is killed), the run reconnects and resumes from the partial, and the receipt is right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd } from '../support/sshd.ts';
import { connectTo, descendants } from '../support/ssh-client.ts';
import { SftpSession } from '../../core/sftp/session.ts';
import { DeliveryRun, SessionLog, type DeliveryItem } from '../../core/delivery/index.ts';

const sha1 = (path: string) => execFileSync('sha1sum', [path]).toString().split(' ')[0]!;

test('a dropped connection reconnects and resumes; the receipt lists every file with its SHA-1', async () => {
  const sshd = await startSshd({ layout: 'incoming-only' });
  const dir = mkdtempSync(join(tmpdir(), 'courier-run-'));
  const files = ['a.dat', 'big.bin', 'c.csv'].map((n, i) => {
    const p = join(dir, n);
    writeFileSync(p, randomBytes(i === 1 ? 40 * 1024 * 1024 : 1000 + i));
    return p;
  });
  let connects = 0;
  let cut = false;
  const log = new SessionLog();
  try {
    const run = new DeliveryRun(
      files.map((p) => ({ name: p.split('/').pop()!, data: { size: statSync(p).size, openAt: (o: number) => createReadStream(p, { start: o }) } })),
      {
        receiptId: 'test-run',
        profile: { id: 'rivm-like', label: 'RIVM-like', targetId: 'local', uploadFolder: 'incoming', sidecar: { required: true, style: 'hex' }, tempRename: true },
        user: sshd.user,
        log,
        backoffMs: () => 50,
        onExisting: async () => 'skip',
        connect: async () => {
          connects++;
          const ssh = await connectTo(sshd, { auth: { password: sshd.password } });
          const sftp = await SftpSession.open(await ssh.openSubsystem('sftp'));
          return { sftp, hostKeyFingerprint: ssh.hostKey.sha256, hostKeyAlgorithm: ssh.hostKey.keyAlgorithm, close: () => ssh.close() };
        },
        onChange: (items: readonly DeliveryItem[]) => {
          const big = items[1]!;
          if (!cut && big.state === 'sending' && big.bytesDone > 10 * 1024 * 1024) {
            cut = true;
            // Kill the server side of this connection: like a network cut, not a clean close.
            // sshd.pid is `timeout`; its child is the listening sshd; below it, the per-connection processes.
            const master = Number(execFileSync('ps', ['-o', 'pid=', '--ppid', String(sshd.pid)]).toString().trim().split('\n')[0]);
            for (const pid of descendants(master)) {
              try {
                process.kill(pid, 'SIGKILL');
              } catch {
                // already gone
              }
            }
          }
        },
      },
    );
    const receipt = await run.run();
    assert.ok(cut, 'the connection was cut');
    assert.equal(connects, 2);
    assert.deepEqual(receipt.files.map((f) => f.status), ['delivered', 'delivered', 'delivered']);
    const big = receipt.files[1]!;
    assert.ok((big.resumedFrom ?? 0) > 0, 'resumed from the partial');
    for (const [i, p] of files.entries()) {
      const name = p.split('/').pop()!;
      const remote = join(sshd.sftpRoot, 'incoming', name);
      assert.equal(sha1(remote), sha1(p));
      assert.equal(receipt.files[i]!.sha1, sha1(p));
      assert.equal(readFileSync(`${remote}.hash`, 'utf8'), sha1(p));
    }
    assert.ok(!existsSync(join(sshd.sftpRoot, 'incoming', '.big.bin.courier-part')));
    assert.equal(receipt.server.hostKeyFingerprint.startsWith('SHA256:'), true);
    assert.match(log.text(), /connection lost while sending big\.bin \(.*\); reconnecting \(1\/5\)/);
    assert.equal(big.resumeProof, 'confirmed');
  } finally {
    await sshd.stop();
  }
});
