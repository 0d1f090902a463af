// Every way an SSH connection can fail gives its own typed error, quickly, never a hang:
// refused key, wrong password, changed or rejected host key, no common cipher, refused or
// silent TCP peer, garbage from the server, server killed mid-session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { startSshd, freePort } from '../support/sshd.ts';
import { rsaTestKey } from '../support/ssh-test-keys.ts';
import { connectTo, descendants, sftpGreeting } from '../support/ssh-client.ts';
import { connectTcp } from '../../core/ssh/transport-node.ts';
import { connectSsh } from '../../core/ssh/connection.ts';
import { HostKeyChangedError, HostKeyRejectedError, SshError } from '../../core/ssh/errors.ts';
import { pinnedHostKeyPolicy, type HostKeyInfo } from '../../core/ssh/host-key-policy.ts';
import type { SshUserKey } from '../../core/ssh/user-key.ts';

const registered = rsaTestKey();
const stranger = rsaTestKey();

function code(expected: string) {
  return (e: unknown) => {
    assert.ok(e instanceof SshError, `expected SshError, got ${String(e)}`);
    assert.equal(e.code, expected, e.message);
    return true;
  };
}

/** A key that counts its signatures: proves no authentication was attempted. */
function spy(key: SshUserKey): SshUserKey & { signs: number } {
  const s = { algorithms: key.algorithms, publicKeyBlob: key.publicKeyBlob, signs: 0, sign: (a: string, d: Uint8Array) => (s.signs++, key.sign(a, d)) };
  return s;
}

test('auth failures: refused key, wrong password; a refused key then the right password gets in', async () => {
  const sshd = await startSshd({ authorizedKeys: [registered.authorizedKey] });
  try {
    await assert.rejects(connectTo(sshd, { auth: { key: stranger } }), (e: unknown) => {
      code('key-refused')(e);
      assert.match((e as Error).message, /was the public key registered for this user/);
      return true;
    });
    await assert.rejects(connectTo(sshd, { auth: { password: 'not-the-password' } }), code('wrong-password'));
    // A refused key then a right password still gets in (the library falls through methods).
    const ok = await connectTo(sshd, { auth: { key: stranger, password: sshd.password } });
    await ok.close();
  } finally {
    await sshd.stop();
  }
});

test('host key: pin mismatch is a hard stop before any authentication; unknown host rejected by the prompt', async () => {
  const sshd = await startSshd({ authorizedKeys: [registered.authorizedKey] });
  try {
    const key = spy(registered);
    let asked = 0;
    await assert.rejects(
      connectTo(sshd, {
        auth: { key, password: sshd.password },
        hostKeyPolicy: pinnedHostKeyPolicy({ pins: ['SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='], prompt: async () => (asked++, 'trust-always') }),
      }),
      (e: unknown) => {
        assert.ok(e instanceof HostKeyChangedError);
        assert.equal(e.code, 'host-key-changed');
        assert.equal(e.details.fingerprint, sshd.hostKeyFingerprints.ed25519);
        return true;
      },
    );
    assert.equal(asked, 0, 'a changed key is never a question');
    assert.equal(key.signs, 0, 'no authentication attempted');
    assert.doesNotMatch(sshd.log(), /Accepted|Failed|Partial/);

    let shown: HostKeyInfo | null = null;
    await assert.rejects(
      connectTo(sshd, { auth: { key }, hostKeyPolicy: pinnedHostKeyPolicy({ prompt: async (k) => ((shown = k), 'reject') }) }),
      (e: unknown) => e instanceof HostKeyRejectedError && e.code === 'host-key-rejected',
    );
    assert.equal((shown as HostKeyInfo | null)?.sha256, sshd.hostKeyFingerprints.ed25519);
    assert.equal(key.signs, 0);

    // trust-always stores the pin; the next connection matches it without asking.
    const pins = new Map<string, string[]>();
    const store = { get: async (t: string) => pins.get(t) ?? [], add: async (t: string, f: string) => void pins.set(t, [...(pins.get(t) ?? []), f]) };
    const first = await connectTo(sshd, { auth: { key }, hostKeyPolicy: pinnedHostKeyPolicy({ store, prompt: async () => 'trust-always' }) });
    await first.close();
    const second = await connectTo(sshd, { auth: { key }, hostKeyPolicy: pinnedHostKeyPolicy({ store, prompt: async () => assert.fail('asked again') }) });
    await second.close();
    assert.deepEqual(pins.get(`127.0.0.1:${sshd.port}`), [sshd.hostKeyFingerprints.ed25519]);
  } finally {
    await sshd.stop();
  }
});

test('no common cipher names both sides', async () => {
  const sshd = await startSshd({ authorizedKeys: [registered.authorizedKey], ciphers: 'aes128-cbc,3des-cbc' });
  try {
    await assert.rejects(connectTo(sshd, { auth: { key: registered } }), (e: unknown) => {
      code('no-common-cipher')(e);
      const err = e as SshError;
      assert.deepEqual(err.details.server, ['aes128-cbc', '3des-cbc']);
      assert.ok((err.details.client as string[]).includes('aes256-ctr'));
      assert.match(err.message, /no common cipher: the server offers aes128-cbc, 3des-cbc, we offer .*aes128-ctr/);
      return true;
    });
  } finally {
    await sshd.stop();
  }
});

test('no common kex, host-key type or MAC: each named, with both lists', async () => {
  const sshd = await startSshd({ authorizedKeys: [registered.authorizedKey], kexAlgorithms: 'curve25519-sha256', hostKeyAlgorithms: 'ssh-ed25519', ciphers: 'aes128-ctr', macs: 'hmac-sha2-256' });
  try {
    const expect = (c: string, server: string) => (e: unknown) => {
      code(c)(e);
      assert.ok(((e as SshError).details.server as string[]).includes(server), (e as SshError).message);
      return true;
    };
    await assert.rejects(connectTo(sshd, { auth: { key: registered }, algorithms: { kex: ['ecdh-sha2-nistp256'] } }), expect('no-common-kex', 'curve25519-sha256'));
    await assert.rejects(connectTo(sshd, { auth: { key: registered }, algorithms: { hostKeys: ['rsa-sha2-512'] } }), expect('no-common-host-key', 'ssh-ed25519'));
    await assert.rejects(connectTo(sshd, { auth: { key: registered }, algorithms: { macs: ['hmac-sha2-512'] } }), expect('no-common-mac', 'hmac-sha2-256'));
  } finally {
    await sshd.stop();
  }
});

test('TCP: refused port, silent peer (timeout), garbage instead of SSH', async () => {
  const port = await freePort();
  await assert.rejects(connectTcp({ host: '127.0.0.1', port }), code('connection-refused'));

  const silent: Server = createServer(() => {});
  const garbage: Server = createServer((s) => s.end('SSH-2.0-Fake\r\n' + '\xff'.repeat(64)));
  await Promise.all([new Promise<void>((ok) => silent.listen(0, '127.0.0.1', ok)), new Promise<void>((ok) => garbage.listen(0, '127.0.0.1', ok))]);
  try {
    const policy = pinnedHostKeyPolicy({});
    const portOf = (s: Server) => (s.address() as { port: number }).port;
    const t1 = await connectTcp({ host: '127.0.0.1', port: portOf(silent) });
    await assert.rejects(connectSsh(t1, { target: 'silent', username: 'x', auth: {}, hostKeyPolicy: policy, timeoutMs: 1500 }), code('timeout'));
    const t2 = await connectTcp({ host: '127.0.0.1', port: portOf(garbage) });
    await assert.rejects(connectSsh(t2, { target: 'garbage', username: 'x', auth: {}, hostKeyPolicy: policy, timeoutMs: 10_000 }), (e: unknown) => {
      assert.ok(e instanceof SshError);
      assert.ok(['protocol-error', 'connection-lost'].includes(e.code), e.code);
      return true;
    });
  } finally {
    silent.close();
    garbage.close();
  }
});

test('server killed mid-session: reads and writes fail with connection-lost, no hang', async () => {
  const sshd = await startSshd({ authorizedKeys: [registered.authorizedKey] });
  try {
    const conn = await connectTo(sshd, { auth: { key: registered } });
    let closedWith: SshError | undefined;
    conn.onClose((e) => (closedWith = e));
    const channel = await conn.openSubsystem('sftp');
    assert.equal((await sftpGreeting(channel)).type, 2);
    const pending = channel.read();
    const kids = descendants(sshd.pid).filter((p) => p !== sshd.pid);
    // Kill the per-connection sshd processes (all started by this test's sshd).
    const children = descendants(kids[0]!);
    assert.ok(children.length > 0, 'per-connection sshd process found');
    for (const pid of children) process.kill(pid, 'SIGKILL');
    await assert.rejects(pending, code('connection-lost'));
    await assert.rejects(channel.write(new Uint8Array(10)), code('connection-lost'));
    assert.equal(closedWith?.code, 'connection-lost');
  } finally {
    await sshd.stop();
  }
});
