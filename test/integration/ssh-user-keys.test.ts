// core/keys' SshUserKey (WebCrypto signing keys) through core/ssh against OpenSSH sshd, for every
// key type a user may bring: RSA (rsa-sha2-512), ed25519, ECDSA P-256/384/521 from ssh-keygen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CryptoSshUserKey, generateKeyMaterial, publicBlobOf, readKeyFile, writeOpenSshPublic } from '../../core/keys/index.ts';
import { startSshd } from '../support/sshd.ts';
import { connectTo, sftpGreeting } from '../support/ssh-client.ts';

test('every user key type signs in through core/ssh', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'courier-ssh-keys-'));
  const keys = [await generateKeyMaterial({ type: 'rsa', bits: 2048 }), await generateKeyMaterial({ type: 'ed25519' })];
  for (const bits of ['256', '384', '521']) {
    const f = join(dir, `ec${bits}`);
    execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-b', bits, '-N', '', '-f', f]);
    keys.push((await readKeyFile(readFileSync(f, 'utf8'))).privateKey!.key);
  }
  const sshd = await startSshd({ authorizedKeys: keys.map((k) => writeOpenSshPublic(publicBlobOf(k), k.type, 'test').trim()), passwordAuthentication: false });
  try {
    for (const material of keys) {
      const inner = await CryptoSshUserKey.fromMaterial(material);
      const used: string[] = [];
      const key = { algorithms: inner.algorithms, publicKeyBlob: inner.publicKeyBlob, sign: (alg: string, data: Uint8Array) => (used.push(alg), inner.sign(alg, data)) };
      const conn = await connectTo(sshd, { auth: { key } });
      // RSA signs with SHA-512 (RFC 8332), never SHA-1 ssh-rsa.
      assert.deepEqual(used, [material.type === 'ssh-rsa' ? 'rsa-sha2-512' : inner.algorithms[0]]);
      assert.deepEqual((await sftpGreeting(await conn.openSubsystem('sftp'))).type, 2, material.type);
      await conn.close();
    }
    const log = sshd.log();
    for (const type of ['RSA', 'ED25519', 'ECDSA']) assert.match(log, new RegExp(`Accepted publickey for couriertest .* ${type}`));
  } finally {
    await sshd.stop();
  }
});
