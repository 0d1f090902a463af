// The sshd harness itself: a real sshd starts, accepts an OpenSSH client by key, serves SFTP
// from its root, refuses a wrong password, and stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd } from '../support/sshd.ts';

test('sshd harness: key login and SFTP put with the real OpenSSH client', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'courier-client-'));
  const key = join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const sshd = await startSshd({ authorizedKeys: [readFileSync(`${key}.pub`, 'utf8').trim()], ciphers: 'aes128-ctr,aes192-ctr,aes256-ctr' });
  try {
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKeys.ed25519}\n`);
    const payload = join(dir, 'payload.bin');
    writeFileSync(payload, 'hello sftp\n');
    const r = spawnSync('sftp', ['-b', '-', '-i', key, '-P', String(sshd.port), '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', `${sshd.user}@127.0.0.1`], { input: `put ${payload} up.bin\n`, encoding: 'utf8' });
    assert.equal(r.status, 0, `sftp failed: ${r.stderr}\n${sshd.log()}`);
    assert.equal(readFileSync(join(sshd.sftpRoot, 'up.bin'), 'utf8'), 'hello sftp\n');
    assert.match(sshd.hostKeyFingerprints.ed25519, /^SHA256:[A-Za-z0-9+/]{43}$/);
  } finally {
    await sshd.stop();
  }
});
