// The sans-IO client core against the scripted server, pumped in memory: authentication
// choices (RSA signature algorithm per server, partial success, expired password, prompts),
// several channels with their own windows, re-keys from either side, and the first failure
// kept when a later close follows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corePair } from '../support/ssh-core-pair.ts';
import { ed25519TestKey, rsaTestKey } from '../support/ssh-test-keys.ts';
import type { SshEvent } from '../../core/ssh/events.ts';
import { SshConnectionError } from '../../core/ssh/errors.ts';

const rsa = rsaTestKey();
const ed = ed25519TestKey();

function of<T extends SshEvent['type']>(events: SshEvent[], type: T): Extract<SshEvent, { type: T }>[] {
  return events.filter((e): e is Extract<SshEvent, { type: T }> => e.type === type);
}

test('connects: strict kex, ed25519 host key, the key signs the session; two channels keep their own data', async () => {
  const p = corePair({ key: ed, server: { auth: (r) => (r.signed ? 'success' : 'pk-ok') } });
  await p.pump();
  assert.equal(p.client.authenticated, true, JSON.stringify(p.closed()));
  assert.equal(p.client.algorithms?.strictKex, true);
  assert.equal(p.client.algorithms?.hostKey, 'ssh-ed25519');
  assert.equal(p.client.hostKey?.keyAlgorithm, 'ssh-ed25519');
  const a = p.client.openChannel({ type: 'subsystem', name: 'sftp' });
  const b = p.client.openChannel({ type: 'exec', command: 'cat' });
  await p.pump();
  assert.deepEqual(of(p.events, 'channel-open').map((e) => e.channel), [a, b]);
  assert.equal(p.client.write(a, new Uint8Array(1000).fill(1)), 1000);
  assert.equal(p.client.write(b, new Uint8Array(500).fill(2)), 500);
  await p.pump();
  const [ca, cb] = [...p.server.channelData.values()];
  assert.deepEqual(ca!.flatMap((c) => [...c]), new Array(1000).fill(1));
  assert.deepEqual(cb!.flatMap((c) => [...c]), new Array(500).fill(2));
});

test('windows: a write takes no more than the peer allows, split into its maximum packet, and resumes after WINDOW_ADJUST', async () => {
  const p = corePair({ key: ed, server: { window: 10_000, maxPacket: 4000 } });
  await p.pump();
  const ch = p.client.openChannel({ type: 'exec', command: 'cat' });
  await p.pump();
  assert.equal(p.client.write(ch, new Uint8Array(25_000)), 10_000);
  await p.pump();
  const [sent] = [...p.server.channelData.values()];
  assert.deepEqual(sent!.map((c) => c.length), [4000, 4000, 2000]);
  const [serverId] = [...p.server.channels.entries()].find(([, c]) => c.remote === ch)!;
  p.server.send(Uint8Array.of(93, 0, 0, 0, ch, 0, 0, 0x27, 0x10)); // WINDOW_ADJUST +10000
  await p.pump();
  assert.ok(of(p.events, 'channel-writable').some((e) => e.channel === ch));
  assert.equal(p.client.write(ch, new Uint8Array(15_000)), 10_000);
  assert.ok(serverId >= 0);
});

test('our window: data beyond it is a protocol error; consumed data re-opens it with WINDOW_ADJUST', async () => {
  const p = corePair({ key: ed, client: { channelWindowBytes: 64 * 1024, channelMaxPacket: 32 * 1024 } });
  await p.pump();
  const ch = p.client.openChannel({ type: 'exec', command: 'cat' });
  await p.pump();
  const id = [...p.server.channels.keys()][0]!;
  p.server.sendData(id, new Uint8Array(32 * 1024));
  p.server.sendData(id, new Uint8Array(32 * 1024));
  await p.pump();
  assert.equal(of(p.events, 'channel-data').length, 2);
  p.client.consumed(ch, 64 * 1024);
  await p.pump();
  assert.ok(p.server.received.includes(93), 'WINDOW_ADJUST sent');
  for (let i = 0; i < 3; i++) p.server.sendData(id, new Uint8Array(32 * 1024));
  await p.pump();
  assert.equal(p.closed()?.error?.code, 'protocol-error');
  assert.match(p.closed()!.error!.message, /window/);
});

test('RSA without server-sig-algs: rsa-sha2-512 first, then rsa-sha2-256 in the same connection', async () => {
  const seen: string[] = [];
  const p = corePair({
    key: rsa,
    server: { serverSigAlgs: null, auth: (r) => (seen.push(`${r.algorithm}${r.signed ? '+sig' : ''}`), r.algorithm === 'rsa-sha2-512' ? 'failure' : r.signed ? 'success' : 'pk-ok') },
  });
  await p.pump();
  assert.equal(p.client.authenticated, true);
  assert.deepEqual(seen, ['rsa-sha2-512', 'rsa-sha2-256', 'rsa-sha2-256+sig']);
});

test('RSA, Dropbear-like server-sig-algs (rsa-sha2-256,ssh-rsa): rsa-sha2-256 straight away', async () => {
  const seen: string[] = [];
  const p = corePair({ key: rsa, server: { serverSigAlgs: ['rsa-sha2-256', 'ssh-rsa'], auth: (r) => (seen.push(r.algorithm!), r.signed ? 'success' : 'pk-ok') } });
  await p.pump();
  assert.equal(p.client.authenticated, true);
  assert.deepEqual(seen, ['rsa-sha2-256', 'rsa-sha2-256']);
});

test('RSA, a server that takes only ssh-rsa: refused without asking the key, unless allowed — then with a warning', async () => {
  const sha1 = rsaTestKey(2048, { sha1: true });
  const asked: string[] = [];
  const refused = corePair({ key: sha1, server: { serverSigAlgs: ['ssh-rsa'], methods: ['publickey'], auth: (r) => (r.method === 'publickey' && asked.push(r.algorithm!), 'failure') } });
  await refused.pump();
  assert.equal(refused.closed()?.error?.code, 'key-algorithm-unsupported');
  assert.deepEqual(refused.closed()?.error?.details.serverSigAlgs, ['ssh-rsa']);
  assert.deepEqual(asked, [], 'no request with an algorithm the server cannot take');

  const used: string[] = [];
  const allowed = corePair({ key: sha1, client: { allowSshRsa: true }, server: { serverSigAlgs: ['ssh-rsa'], auth: (r) => (used.push(r.algorithm!), r.signed ? 'success' : 'pk-ok') } });
  await allowed.pump();
  assert.equal(allowed.client.authenticated, true, JSON.stringify(allowed.closed()));
  assert.deepEqual(used, ['ssh-rsa', 'ssh-rsa']);
  assert.deepEqual(of(allowed.events, 'warning').map((w) => w.warning.code), ['ssh-rsa-sha1']);
});

test('a key refused with every algorithm says which were tried', async () => {
  const p = corePair({ key: rsa, server: { serverSigAlgs: null, methods: ['publickey'], auth: () => 'failure' } });
  await p.pump();
  const e = p.closed()?.error;
  assert.equal(e?.code, 'key-refused');
  assert.deepEqual(e?.details.triedAlgorithms, ['rsa-sha2-512', 'rsa-sha2-256']);
  assert.equal(e?.transient, false);
});

test('partial success: publickey, then password', async () => {
  const methods: string[] = [];
  const p = corePair({
    key: ed,
    client: { password: 'pw' },
    server: { auth: (r) => (methods.push(r.method), r.method === 'publickey' ? (r.signed ? 'partial' : 'pk-ok') : r.password === 'pw' ? 'success' : 'failure') },
  });
  await p.pump();
  assert.equal(p.client.authenticated, true);
  assert.deepEqual(methods, ['publickey', 'publickey', 'password']);
});

test('an expired password is password-expired at once; a wrong one is wrong-password', async () => {
  const expired = corePair({ client: { password: 'old' }, server: { auth: () => 'change-password' } });
  await expired.pump();
  assert.equal(expired.closed()?.error?.code, 'password-expired');
  const wrong = corePair({ client: { password: 'nope' }, server: { methods: ['password'], auth: () => 'failure' } });
  await wrong.pump();
  assert.equal(wrong.closed()?.error?.code, 'wrong-password');
});

test('keyboard-interactive: prompts go to the driver; a cancel is auth-cancelled', async () => {
  const ok = corePair({
    client: { keyboardInteractive: true },
    server: { methods: ['keyboard-interactive'], auth: () => ({ prompts: [{ prompt: 'Code: ', echo: true }] }), answers: (a) => (a[0] === '42' ? 'success' : 'failure') },
    prompt: (prompts) => (prompts[0]?.prompt === 'Code: ' ? ['42'] : null),
  });
  await ok.pump();
  assert.equal(ok.client.authenticated, true);
  const cancelled = corePair({ client: { keyboardInteractive: true }, server: { methods: ['keyboard-interactive'], auth: () => ({ prompts: [{ prompt: 'Code: ', echo: true }] }) }, prompt: () => null });
  await cancelled.pump();
  assert.equal(cancelled.closed()?.error?.code, 'auth-cancelled');
});

test('a banner arrives as an event with control characters removed', async () => {
  const p = corePair({ key: ed, server: { auth: (r) => (r.signed ? 'success' : 'pk-ok') } });
  p.server.o.auth = (r) => {
    if (!r.signed) p.server.send(new Uint8Array([53, 0, 0, 0, 6, 0x48, 0x69, 0x1b, 0x5b, 0x32, 0x4a, 0, 0, 0, 0]));
    return r.signed ? 'success' : 'pk-ok';
  };
  await p.pump();
  assert.deepEqual(of(p.events, 'banner').map((b) => b.text), ['Hi[2J']);
});

test('no strict kex with chacha20-poly1305: connected, with a Terrapin warning', async () => {
  const p = corePair({ key: ed, server: { strict: false, ciphers: ['chacha20-poly1305@openssh.com'] } });
  await p.pump();
  assert.equal(p.client.authenticated, true);
  assert.equal(p.client.algorithms?.strictKex, false);
  assert.equal(p.client.algorithms?.cipher, 'chacha20-poly1305@openssh.com');
  assert.deepEqual(of(p.events, 'warning').map((w) => w.warning.code), ['terrapin-exposed']);
});

for (const cipher of ['chacha20-poly1305@openssh.com', 'aes256-gcm@openssh.com', 'aes128-ctr']) {
  test(`re-keys started by the server and by the client (byte limit) while data flows: ${cipher}`, async () => {
    const p = corePair({ key: ed, client: { rekeyBytes: 256 * 1024 }, server: { ciphers: [cipher], window: 64 * 1024 * 1024 } });
    await p.pump();
    const ch = p.client.openChannel({ type: 'exec', command: 'cat' });
    await p.pump();
    let sent = 0;
    for (let i = 0; i < 40; i++) {
      if (i === 7) p.server.rekey();
      sent += p.client.write(ch, new Uint8Array(32 * 1024).fill(i));
      await p.pump();
    }
    const got = [...p.server.channelData.values()][0]!.reduce((n, c) => n + c.length, 0);
    assert.equal(p.closed(), null);
    assert.equal(got, sent);
    assert.ok(sent > 30 * 32 * 1024, `writes went on (${sent})`);
    assert.ok(p.client.keyExchanges >= 4, `${p.client.keyExchanges} key exchanges`);
  });
}

test('a re-key must present the host key the first key exchange presented', async () => {
  const same = corePair({ key: ed });
  await same.pump();
  same.server.rekey();
  await same.pump();
  assert.equal(same.client.keyExchanges, 2);
  assert.equal(same.closed(), null);
  const other = corePair({ key: ed });
  await other.pump();
  other.server.replaceHostKey();
  other.server.rekey();
  await other.pump().catch(() => undefined);
  assert.equal(other.closed()?.error?.code, 'protocol-error');
  assert.match(other.closed()!.error!.message, /different host key during re-key/);
});

test('the first failure is kept: no common cipher, then the server hangs up', async () => {
  const p = corePair({ key: ed, server: { ciphers: ['aes128-cbc'] } });
  await p.pump();
  p.client.transportClosed(new SshConnectionError('connection-lost', 'scripted closed the connection', { where: 'scripted' }));
  const e = p.closed()?.error;
  assert.equal(e?.code, 'no-common-cipher');
  assert.deepEqual(e?.details.server, ['aes128-cbc']);
  assert.equal(e?.transient, false);
  assert.equal(of(p.events, 'closed').length, 1);
});

test('a server that hangs up during key exchange: connection-lost naming the phase, transient', async () => {
  const p = corePair({ key: ed });
  p.client.receive(new TextEncoder().encode('SSH-2.0-Scripted_1.0\r\n'));
  p.client.transportClosed();
  await p.pump();
  const e = p.closed()?.error;
  assert.equal(e?.code, 'connection-lost');
  assert.equal(e?.details.phase, 'kex');
  assert.equal(e?.transient, true);
});
