// core/sftp over our own SSH transport (core/ssh, Node TCP): round trips checked by sha1sum on the
// server, re-keying in the middle of a transfer, RIVM-like ciphers, an ed25519-only host, and a
// server killed mid-transfer (a typed error, no hang).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { RunningSshd } from '../support/sshd.ts';
import { startSftpSshd } from '../support/sftp-login.ts';
import { ed25519TestKey } from '../support/ssh-test-keys.ts';
import { generatedFile, serverSha1 } from '../support/sftp-bytes.ts';
import { connectTcp } from '../../core/ssh/transport-node.ts';
import { connectSsh, type SshConnection } from '../../core/ssh/connection.ts';
import { pinnedHostKeyPolicy } from '../../core/ssh/host-key-policy.ts';
import { downloadFile, SftpError, SftpSession, uploadFile } from '../../core/sftp/index.ts';

const userKey = ed25519TestKey();

async function connect(sshd: RunningSshd, rekeyBytes?: number): Promise<{ ssh: SshConnection; session: SftpSession }> {
  const ssh = await connectSsh(await connectTcp({ host: sshd.host, port: sshd.port }), {
    target: `${sshd.host}:${sshd.port}`,
    username: sshd.user,
    hostKeyPolicy: pinnedHostKeyPolicy({ pins: Object.values(sshd.hostKeyFingerprints) }),
    auth: { key: userKey },
    ...(rekeyBytes ? { rekeyBytes } : {}),
  });
  return { ssh, session: await SftpSession.open(await ssh.openSubsystem('sftp')) };
}

async function roundTrip(session: SftpSession, sshd: RunningSshd, name: string, size: number): Promise<void> {
  const file = generatedFile(size);
  const up = await uploadFile(session, name, file.chunks());
  assert.equal(up.bytes, size);
  assert.equal(serverSha1(join(sshd.sftpRoot, name)), file.sha1());
  const h = createHash('sha1');
  const down = await downloadFile(session, name, (c) => void h.update(c));
  assert.equal(down.bytes, size);
  assert.equal(h.digest('hex'), file.sha1());
}

describe('sftp over core/ssh, OpenSSH defaults, re-keying every 64 MiB', () => {
  let sshd: RunningSshd;
  let ssh: SshConnection;
  let session: SftpSession;
  before(async () => {
    sshd = await startSftpSshd({ rekeyLimit: '64M', authorizedKeys: [userKey.authorizedKey] });
    ({ ssh, session } = await connect(sshd));
  });
  after(async () => {
    await session?.close();
    await ssh?.close();
    await sshd?.stop();
  });

  for (const size of [0, 1, 5 * 1024 * 1024]) {
    test(`round trip of ${size} bytes`, () => roundTrip(session, sshd, `f${size}.bin`, size));
  }

  test('300 MiB up and down across several re-keys', async () => {
    const before = ssh.keyExchanges;
    await roundTrip(session, sshd, 'big.bin', 300 * 1024 * 1024);
    assert.ok(ssh.keyExchanges >= before + 2, `key exchanges: ${before} -> ${ssh.keyExchanges}`);
  });
});

describe('sftp over core/ssh against RIVM-like and ed25519-only servers', () => {
  for (const [label, options] of [
    ['aes*-ctr + hmac-sha2 only, incoming/ only', { ciphers: 'aes128-ctr,aes192-ctr,aes256-ctr', macs: 'hmac-sha2-256,hmac-sha2-512', layout: 'incoming-only' }],
    ['ssh-ed25519 host key only, drop box', { hostKeyAlgorithms: 'ssh-ed25519', layout: 'dropbox' }],
  ] as const) {
    test(label, async () => {
      const sshd = await startSftpSshd({ ...options, authorizedKeys: [userKey.authorizedKey] });
      const { ssh, session } = await connect(sshd);
      try {
        const file = generatedFile(2 * 1024 * 1024 + 99);
        await uploadFile(session, 'incoming/data.dat', file.chunks());
        assert.equal(serverSha1(join(sshd.sftpRoot, 'incoming/data.dat')), file.sha1());
      } finally {
        await session.close();
        await ssh.close();
        await sshd.stop();
      }
    });
  }
});

function children(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)]).toString().split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
  } catch {
    return [];
  }
}

test('the server killed mid-upload: connection-lost, no hang, no crash', { timeout: 60_000 }, async () => {
  const sshd = await startSftpSshd({ authorizedKeys: [userKey.authorizedKey] });
  const { ssh, session } = await connect(sshd);
  try {
    const file = generatedFile(200 * 1024 * 1024);
    let killed = false;
    const upload = uploadFile(session, 'cut.bin', file.chunks(), {
      onProgress: (done) => {
        if (killed || done < 8 * 1024 * 1024) return;
        killed = true;
        // sshd (started via `timeout`) -> its sshd child -> per-connection processes: ours to kill.
        const tree = (p: number): number[] => children(p).flatMap((c) => [c, ...tree(c)]);
        for (const pid of tree(sshd.pid).reverse()) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      },
    });
    await assert.rejects(upload, (err: unknown) => err instanceof SftpError && err.code === 'connection-lost');
    assert.equal(killed, true);
    await assert.rejects(session.stat('.'), (err: unknown) => err instanceof SftpError && err.code === 'connection-lost');
  } finally {
    await session.close();
    await ssh.close();
    await sshd.stop();
  }
});
