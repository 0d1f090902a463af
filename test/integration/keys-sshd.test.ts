// Keys we make log in to a real OpenSSH sshd: via ssh2 with our OpenSSH private key file, and via
// our SshUserKey (non-extractable WebCrypto keys) signing the publickey auth request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2, { type SignCallback, type SigningRequestOptions } from 'ssh2';
import {
  buildKeyFiles, CryptoSshUserKey, generateKeyMaterial, publicBlobOf, readKeyFile, SshReader, writeOpenSshPublic, type SshUserKey,
} from '../../core/keys/index.ts';
import { startSshd, type RunningSshd } from '../support/sshd.ts';

const { Client, BaseAgent } = ssh2;

function login(sshd: RunningSshd, auth: { privateKey: string; passphrase: string } | { agent: InstanceType<typeof BaseAgent> }): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('ready', () => {
      client.end();
      resolve();
    });
    client.once('error', (err) => reject(new Error(`${err.message}\n${sshd.log().slice(-2000)}`)));
    client.connect({ host: sshd.host, port: sshd.port, username: sshd.user, ...auth, tryKeyboard: false, readyTimeout: 20_000 });
  });
}

/** ssh2's agent interface backed by our SshUserKey: proves our signatures satisfy OpenSSH. */
class UserKeyAgent extends BaseAgent {
  readonly used: string[] = [];

  constructor(private readonly key: SshUserKey) {
    super();
  }

  override getIdentities(cb: (err: Error | null, keys?: Buffer[]) => void): void {
    cb(null, [Buffer.from(this.key.publicKeyBlob)]);
  }

  override sign(_pub: unknown, data: Buffer, options: SigningRequestOptions | SignCallback, cb?: SignCallback): void {
    const done = (typeof options === 'function' ? options : cb)!;
    const hash = typeof options === 'object' ? options.hash : undefined;
    const algorithm = hash === 'sha512' ? 'rsa-sha2-512' : hash === 'sha256' ? 'rsa-sha2-256' : this.key.algorithms.at(-1)!;
    this.key.sign(algorithm, new Uint8Array(data)).then((blob) => {
      const r = new SshReader(blob);
      assert.equal(r.text(), algorithm);
      this.used.push(algorithm);
      done(undefined, Buffer.from(r.string()));
    }, (err: Error) => done(err));
  }
}

test('a key we generate logs in to OpenSSH sshd (ssh2 with our OpenSSH file; our SshUserKey signing)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'courier-keys-sshd-'));
  const rsa = await generateKeyMaterial({ type: 'rsa', bits: 2048 });
  const ed = await generateKeyMaterial({ type: 'ed25519' });
  // ECDSA we do not generate, but we import it: take one from ssh-keygen for each curve.
  const ecdsa = [];
  for (const bits of ['256', '384', '521']) {
    const f = join(dir, `ec${bits}`);
    execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-b', bits, '-N', '', '-f', f]);
    ecdsa.push((await readKeyFile(readFileSync(f, 'utf8'))).privateKey!.key);
  }
  const keys = [rsa, ed, ...ecdsa];
  const sshd = await startSshd({ authorizedKeys: keys.map((k) => writeOpenSshPublic(publicBlobOf(k), k.type, 'test').trim()), passwordAuthentication: false });
  try {
    for (const key of [rsa, ed]) {
      const files = await buildKeyFiles({ key, comment: 'sshd test' }, { passphrase: 'pass phrase', roles: ['openssh-private'] });
      await login(sshd, { privateKey: files[0]!.content, passphrase: 'pass phrase' });
    }
    for (const key of keys) {
      const userKey = await CryptoSshUserKey.fromMaterial(key);
      const agent = new UserKeyAgent(userKey);
      await login(sshd, { agent });
      assert.ok(agent.used.length > 0);
      if (key.type === 'ssh-rsa') assert.match(agent.used[0]!, /^rsa-sha2-(512|256)$/);
    }
    assert.match(sshd.log(), /Accepted publickey for couriertest .* ED25519/);
    assert.match(sshd.log(), /Accepted publickey for couriertest .* ECDSA/);
    assert.match(sshd.log(), /Accepted publickey for couriertest .* RSA/);
  } finally {
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
