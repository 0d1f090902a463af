// Our SSH client against the `ssh2` server (the gateway's demo server library): a second,
// independent implementation, and the peer used for keyboard-interactive (the test sshd runs
// without PAM, where OpenSSH has no keyboard-interactive device).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ssh2 from 'ssh2';
import { connectTcp } from '../../core/ssh/transport-node.ts';
import { connectSsh } from '../../core/ssh/connection.ts';
import { sha256Fingerprint } from '../../core/ssh/fingerprint.ts';
import { SshError } from '../../core/ssh/errors.ts';
import { sftpGreeting } from '../support/ssh-client.ts';

const PASSWORD = 'correct horse';

async function startServer(): Promise<{ port: number; hostKeyBlob: Buffer; close(): void }> {
  const { private: hostKey } = ssh2.utils.generateKeyPairSync('ed25519');
  const parsed = ssh2.utils.parseKey(hostKey);
  if (parsed instanceof Error) throw parsed;
  const server = new ssh2.Server({ hostKeys: [hostKey], banner: 'Authorised use only.\x1b[31m\n' }, (client) => {
    client.on('error', () => {});
    client.on('authentication', (ctx) => {
      if (ctx.username === 'expired') {
        if (ctx.method !== 'password') return ctx.reject(['password']);
        return ctx.requestChange('Your password has expired', () => ctx.reject());
      }
      if (ctx.method !== 'keyboard-interactive') return ctx.reject(['keyboard-interactive']);
      ctx.prompt([{ prompt: 'Password: ', echo: false }], 'Courier test', (answers) => (answers[0] === PASSWORD ? ctx.accept() : ctx.reject(['keyboard-interactive'])));
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('sftp', (acceptSftp) => {
          const sftp = acceptSftp();
          sftp.on('error', () => {});
        });
      });
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { port: (server.address() as { port: number }).port, hostKeyBlob: parsed.getPublicSSH(), close: () => server.close() };
}

test('ssh2 server: keyboard-interactive with the password callback, SFTP VERSION; wrong answer is wrong-password', async () => {
  const server = await startServer();
  try {
    const pin = sha256Fingerprint(server.hostKeyBlob);
    const connect = async (answer: string) =>
      connectSsh(await connectTcp({ host: '127.0.0.1', port: server.port }), {
        target: 'ssh2-demo',
        username: 'demo',
        hostKeyPolicy: { verify: async (k) => assert.equal(k.sha256, pin) },
        auth: {
          keyboardInteractive: async (prompts) => {
            assert.deepEqual(prompts, [{ prompt: 'Password: ', echo: false }]);
            return [answer];
          },
        },
      });
    const conn = await connect(PASSWORD);
    assert.equal(conn.hostKey.keyAlgorithm, 'ssh-ed25519');
    assert.match(conn.banner, /^Authorised use only\.\[31m\n/, 'banner kept');
    assert.ok(!conn.banner.includes(String.fromCharCode(27)), 'escape character removed');
    const greeting = await sftpGreeting(await conn.openSubsystem('sftp'));
    assert.deepEqual([greeting.type, greeting.version], [2, 3]);
    await conn.close();
    await assert.rejects(connect('wrong'), (e: unknown) => e instanceof SshError && e.code === 'wrong-password');
    // A prompt the user cancels ends the attempt at once with its own code.
    const t = await connectTcp({ host: '127.0.0.1', port: server.port });
    await assert.rejects(
      connectSsh(t, { target: 'ssh2-demo', username: 'demo', hostKeyPolicy: { verify: async () => {} }, auth: { keyboardInteractive: async () => Promise.reject(new Error('cancelled')) } }),
      (e: unknown) => e instanceof SshError && e.code === 'auth-cancelled',
    );
  } finally {
    server.close();
  }
});

test('ssh2 server: an expired password (SSH_MSG_USERAUTH_PASSWD_CHANGEREQ) is password-expired, at once', async () => {
  const server = await startServer();
  try {
    const t = await connectTcp({ host: '127.0.0.1', port: server.port });
    await assert.rejects(
      connectSsh(t, { target: 'ssh2-demo', username: 'expired', hostKeyPolicy: { verify: async () => {} }, auth: { password: 'old' }, timeoutMs: 10_000 }),
      (e: unknown) => e instanceof SshError && e.code === 'password-expired',
    );
  } finally {
    server.close();
  }
});
