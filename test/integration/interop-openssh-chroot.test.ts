// The interop suite against OpenSSH with ChrootDirectory + ForceCommand internal-sftp (SFTP-only
// hosting accounts), and a RIVM-like chroot (aes*-ctr only, only incoming/ writable) delivered to
// with the built-in rivm-cims profile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChrootSshd } from '../support/servers/openssh-chroot.ts';
import { interopSuite } from '../support/servers/interop-suite.ts';
import { serverSet } from '../support/servers/server-set.ts';
import { connectionArgs, courier } from '../support/servers/interop-cli.ts';
import { connectCore } from '../support/servers/interop-core.ts';
import { assertDelivered, type ReceiptLike } from '../support/servers/delivered-check.ts';

const set = serverSet({
  chroot: (keys) => startChrootSshd({ authorizedKeys: keys.authorizedKeys }),
  rivm: (keys) => startChrootSshd({ authorizedKeys: keys.authorizedKeys, layout: 'incoming-only', ciphers: 'aes128-ctr,aes192-ctr,aes256-ctr', macs: 'hmac-sha2-256,hmac-sha2-512', passwordAuthentication: false }),
});

interopSuite({
  title: 'OpenSSH ChrootDirectory + internal-sftp',
  set, server: 'chroot',
  folder: '',
  logins: { rsa: true, ed25519: true, password: true },
  transferLogin: 'rsa',
});

test('OpenSSH chroot: the session is locked in (the login folder is /upload, / is the chroot)', async () => {
  const s = await connectCore(await set.server('chroot'), set.keys(), 'rsa');
  try {
    assert.equal(await s.sftp.realpath('.'), '/upload');
    assert.deepEqual((await s.sftp.list('/')).map((e) => e.filename).filter((n) => !n.startsWith('.')), ['upload']);
  } finally {
    await s.close();
  }
});

test('OpenSSH chroot, RIVM-like: courier deliver --profile rivm-cims puts X and X.hash into incoming/', async () => {
  const server = await set.server('rivm');
  const keys = set.keys();
  const local = join(keys.dir, 'Aanlevering 2024 – été.csv');
  writeFileSync(local, 'patiënt;indicator\n1;0.93\n');
  const receipt = join(keys.dir, 'rivm-receipt.json');
  const r = await courier(['deliver', '--profile', 'rivm-cims', ...connectionArgs(server, keys, 'rsa'), '--receipt', receipt, local]);
  assert.equal(r.status, 0, r.stderr);
  assertDelivered(join(server.sftpRoot, 'incoming', 'Aanlevering 2024 – été.csv'), local, JSON.parse(readFileSync(receipt, 'utf8')) as ReceiptLike);
});
