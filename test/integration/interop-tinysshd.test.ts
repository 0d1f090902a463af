// The interop suite against tinysshd (inetd style, OpenSSH's sftp-server as its subsystem). tinysshd
// offers only chacha20-poly1305@openssh.com (issue 9.3). Refused for want of a common cipher, we
// must say so every time (issue 9.6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SshError } from '../../core/ssh/errors.ts';
import { startTinysshd } from '../support/servers/tinysshd.ts';
import { interopSuite } from '../support/servers/interop-suite.ts';
import { serverSet } from '../support/servers/server-set.ts';
import { connectCore } from '../support/servers/interop-core.ts';
import { connectionArgs, courier } from '../support/servers/interop-cli.ts';

const set = serverSet({ tinysshd: (keys) => startTinysshd({ authorizedKeys: keys.authorizedKeys }) });

interopSuite({
  title: 'tinysshd (inetd style) + OpenSSH sftp-server',
  set, server: 'tinysshd',
  folder: '',
  logins: { ed25519: true },
  transferLogin: 'ed25519',
});

const AES_ONLY = ['aes128-ctr', 'aes256-gcm@openssh.com'];

test('core: a client offering only AES is refused naming chacha20-poly1305, in each of 10 connections', async () => {
  const server = await set.server('tinysshd');
  const messages: string[] = [];
  for (let i = 0; i < 10; i++) {
    const err = await connectCore(server, set.keys(), 'ed25519', { ciphers: AES_ONLY }).then(async (c) => {
      await c.close();
      return new Error('tinysshd accepted a client offering only AES');
    }, (e: unknown) => (e instanceof Error ? e : new Error(String(e))));
    messages.push(`${err instanceof SshError ? err.code : err.name}: ${err.message}`);
  }
  const vague = messages.filter((m) => !(m.startsWith('no-common-cipher:') && m.includes('chacha20-poly1305@openssh.com')));
  assert.deepEqual(vague, [], `${vague.length} of 10 did not name the cipher:\n${messages.join('\n')}`);
});

test('cli: `--cipher aes128-ctr` is refused naming chacha20-poly1305', async () => {
  const r = await courier(['ls', ...connectionArgs(await set.server('tinysshd'), set.keys(), 'ed25519'), '--cipher', 'aes128-ctr']);
  assert.equal(r.status, 6, r.stderr);
  assert.match(r.stderr, /no common cipher.*chacha20-poly1305@openssh\.com/);
});
