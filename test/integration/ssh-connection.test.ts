// Our SSH client (core/ssh over Node TCP) against real OpenSSH sshd configurations: defaults,
// RIVM-like aes*-ctr only, ed25519-only host key, password, keyboard-interactive, two methods.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSshd } from '../support/sshd.ts';
import { ed25519TestKey, rsaTestKey } from '../support/ssh-test-keys.ts';
import { connectTo, sftpGreeting } from '../support/ssh-client.ts';

const rsa = rsaTestKey();
const ed = ed25519TestKey();

test('OpenSSH defaults: curve25519, ed25519 host key, strict kex, RSA user key, SFTP VERSION 3', async () => {
  const sshd = await startSshd({ authorizedKeys: [rsa.authorizedKey] });
  try {
    const conn = await connectTo(sshd, { auth: { key: rsa } });
    assert.equal(conn.algorithms.kex, 'curve25519-sha256');
    assert.equal(conn.algorithms.hostKey, 'ssh-ed25519');
    assert.equal(conn.algorithms.strictKex, true, 'OpenSSH 9.2 offers strict kex; we must have agreed to it');
    assert.equal(conn.hostKey.sha256, sshd.hostKeyFingerprints.ed25519);
    assert.match(conn.hostKey.md5, /^MD5:([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    assert.match(conn.algorithms.cipher, /gcm/);
    const greeting = await sftpGreeting(await conn.openSubsystem('sftp'));
    assert.deepEqual([greeting.type, greeting.version], [2, 3]);
    await conn.close();
  } finally {
    await sshd.stop();
  }
});

test('RIVM-like: only aes128/192/256-ctr with hmac-sha2-256/512, no password; each ctr cipher works', async () => {
  const sshd = await startSshd({ authorizedKeys: [rsa.authorizedKey], ciphers: 'aes128-ctr,aes192-ctr,aes256-ctr', macs: 'hmac-sha2-256,hmac-sha2-512', passwordAuthentication: false, layout: 'incoming-only' });
  try {
    const any = await connectTo(sshd, { auth: { key: rsa } });
    assert.match(any.algorithms.cipher, /^aes(128|192|256)-ctr$/);
    assert.match(any.algorithms.mac, /^hmac-sha2-(256|512)$/);
    await any.close();
    for (const cipher of ['aes128-ctr', 'aes192-ctr', 'aes256-ctr']) {
      for (const mac of ['hmac-sha2-256', 'hmac-sha2-512']) {
        const conn = await connectTo(sshd, { auth: { key: rsa }, algorithms: { ciphers: [cipher], macs: [mac] } });
        assert.equal(conn.algorithms.cipher, cipher);
        assert.equal(conn.algorithms.mac, mac);
        assert.equal(conn.algorithms.strictKex, true);
        const greeting = await sftpGreeting(await conn.openSubsystem('sftp'));
        assert.deepEqual([greeting.type, greeting.version], [2, 3], `${cipher}/${mac}`);
        await conn.close();
      }
    }
  } finally {
    await sshd.stop();
  }
});

test('HostKeyAlgorithms ssh-ed25519 only, ed25519 user key', async () => {
  const sshd = await startSshd({ authorizedKeys: [ed.authorizedKey], hostKeyAlgorithms: 'ssh-ed25519' });
  try {
    const conn = await connectTo(sshd, { auth: { key: ed }, hostKeyPolicy: { verify: async () => {} } });
    assert.equal(conn.algorithms.hostKey, 'ssh-ed25519');
    assert.equal(conn.hostKey.keyAlgorithm, 'ssh-ed25519');
    assert.equal(conn.hostKey.sha256, sshd.hostKeyFingerprints.ed25519);
    const greeting = await sftpGreeting(await conn.openSubsystem('sftp'));
    assert.deepEqual([greeting.type, greeting.version], [2, 3]);
    await conn.close();
  } finally {
    await sshd.stop();
  }
});

test('other host-key and kex algorithms: rsa-sha2-512, ecdsa, ecdh and DH group14', async () => {
  const sshd = await startSshd({ authorizedKeys: [ed.authorizedKey] });
  try {
    for (const [hostKeys, kex, expect] of [
      [['rsa-sha2-512'], ['ecdh-sha2-nistp256'], 'rsa'],
      [['rsa-sha2-256'], ['curve25519-sha256@libssh.org'], 'rsa'],
      [['ecdsa-sha2-nistp256'], ['diffie-hellman-group14-sha256'], 'ecdsa'],
    ] as const) {
      const conn = await connectTo(sshd, { auth: { key: ed }, algorithms: { hostKeys: [...hostKeys], kex: [...kex] } });
      assert.equal(conn.algorithms.hostKey, hostKeys[0]);
      assert.equal(conn.algorithms.kex, kex[0]);
      assert.equal(conn.hostKey.sha256, sshd.hostKeyFingerprints[expect]);
      await conn.close();
    }
  } finally {
    await sshd.stop();
  }
});

test('password only', async () => {
  const sshd = await startSshd({ pubkeyAuthentication: false });
  try {
    const conn = await connectTo(sshd, { auth: { password: sshd.password } });
    const greeting = await sftpGreeting(await conn.openSubsystem('sftp'));
    assert.deepEqual([greeting.type, greeting.version], [2, 3]);
    await conn.close();
  } finally {
    await sshd.stop();
  }
});

test('two methods required: publickey then password (partial success)', async () => {
  const sshd = await startSshd({ authorizedKeys: [rsa.authorizedKey], authenticationMethods: 'publickey,password' });
  try {
    const conn = await connectTo(sshd, { auth: { key: rsa, password: sshd.password } });
    const greeting = await sftpGreeting(await conn.openSubsystem('sftp'));
    assert.equal(greeting.type, 2);
    await conn.close();
    assert.match(sshd.log(), /Partial publickey/);
    assert.match(sshd.log(), /Accepted password/);
  } finally {
    await sshd.stop();
  }
});
