// core/ssh in real headless Chromium (in a Worker, WebCrypto), through the gateway's WebSocket
// relay, against real sshd configurations: host-key fingerprint and the SFTP VERSION reply.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { startSshd, type RunningSshd } from '../support/sshd.ts';
import { startBrowserSsh, type BrowserSsh } from '../support/ssh-browser-harness.ts';
import { isLocal } from '../support/chromium.ts';
import { descendants } from '../support/ssh-client.ts';

interface ConnectResult {
  hostKey: { sha256: string; keyAlgorithm: string };
  algorithms: { kex: string; hostKey: string; cipher: string; mac: string; strictKex: boolean };
  sftpReply: number[] | null;
}

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
const blob = Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]);
const ed25519 = { jwk: privateKey.export({ format: 'jwk' }), blob: blob.toString('base64') };
const authorizedKey = `ssh-ed25519 ${blob.toString('base64')} browser-test`;

const servers: Record<string, RunningSshd> = {};
let web: BrowserSsh;

before(async () => {
  servers.defaults = await startSshd({ authorizedKeys: [authorizedKey] });
  servers.rivm = await startSshd({ authorizedKeys: [authorizedKey], ciphers: 'aes128-ctr,aes192-ctr,aes256-ctr', macs: 'hmac-sha2-256,hmac-sha2-512', passwordAuthentication: false, layout: 'incoming-only' });
  servers.ed25519 = await startSshd({ authorizedKeys: [authorizedKey], hostKeyAlgorithms: 'ssh-ed25519' });
  servers.rekey = await startSshd({ authorizedKeys: [authorizedKey], rekeyLimit: '1M' });
  // Last: every startSshd sets a new password for the shared test user.
  servers.password = await startSshd({ pubkeyAuthentication: false });
  const targets = Object.fromEntries(Object.entries(servers).map(([id, s]) => [id, { host: s.host, port: s.port, label: id, hostKeyFingerprints: [], local: true }]));
  web = await startBrowserSsh(targets);
});

after(async () => {
  await web?.close();
  for (const s of Object.values(servers)) await s.stop();
});

async function check(id: string, args: Record<string, unknown>, expectHostKey: 'ed25519' | 'rsa' | 'ecdsa' = 'ed25519'): Promise<ConnectResult> {
  const sshd = servers[id]!;
  const r = await web.call<ConnectResult>('connect', { url: web.relayUrl(id), username: sshd.user, pins: Object.values(sshd.hostKeyFingerprints), ...args });
  assert.equal(r.hostKey.sha256, sshd.hostKeyFingerprints[expectHostKey]);
  assert.deepEqual(r.sftpReply?.slice(4, 9), [2, 0, 0, 0, 3], 'SSH_FXP_VERSION 3');
  assert.equal(r.algorithms.strictKex, true);
  await web.call('close');
  return r;
}

test('Chromium: OpenSSH defaults with an ed25519 user key (WebCrypto), curve25519 + GCM', async () => {
  const r = await check('defaults', { ed25519 });
  assert.equal(r.algorithms.kex, 'curve25519-sha256');
  assert.match(r.algorithms.cipher, /gcm/);
});

test('Chromium: RIVM-like, each of aes128/192/256-ctr', async () => {
  for (const cipher of ['aes128-ctr', 'aes192-ctr', 'aes256-ctr']) {
    const r = await check('rivm', { ed25519, ciphers: [cipher] });
    assert.equal(r.algorithms.cipher, cipher);
    assert.match(r.algorithms.mac, /^hmac-sha2-(256|512)$/);
  }
});

test('Chromium: ed25519-only host key', async () => {
  const r = await check('ed25519', { ed25519 });
  assert.equal(r.hostKey.keyAlgorithm, 'ssh-ed25519');
});

test('Chromium: password only; wrong password and changed host key give their codes', async () => {
  const sshd = servers.password!;
  await check('password', { password: sshd.password });
  await assert.rejects(web.call('connect', { url: web.relayUrl('password'), username: sshd.user, pins: Object.values(sshd.hostKeyFingerprints), password: 'nope' }), { code: 'wrong-password' });
  await assert.rejects(web.call('connect', { url: web.relayUrl('password'), username: sshd.user, pins: ['SHA256:' + 'A'.repeat(43)], password: sshd.password }), { code: 'host-key-changed' });
  await assert.rejects(web.call('connect', { url: web.relayUrl('nosuch'), username: sshd.user, pins: [], password: sshd.password }), { code: 'gateway-refused' });
  assert.deepEqual(web.requests.filter((u) => !isLocal(u)), [], 'no request leaves 127.0.0.1');
});

test('Chromium: 8 MiB through a server that re-keys every 1 MB (ctr + WebAssembly HMAC, and GCM)', async () => {
  const sshd = servers.rekey!;
  for (const cipher of ['aes128-ctr', 'aes128-gcm@openssh.com']) {
    await web.call('connect', { url: web.relayUrl('rekey'), username: sshd.user, pins: Object.values(sshd.hostKeyFingerprints), ed25519, ciphers: [cipher] });
    const r = await web.call<{ bytes: number; keyExchanges: number }>('upload', { mib: 8 });
    assert.equal(r.bytes, 8 * 1024 * 1024);
    assert.ok(r.keyExchanges >= 3, `${cipher}: only ${r.keyExchanges} key exchanges`);
    await web.call('close');
  }
});

test('Chromium: server killed mid-transfer gives connection-lost, no hang', async () => {
  const sshd = servers.defaults!;
  await web.call('connect', { url: web.relayUrl('defaults'), username: sshd.user, pins: Object.values(sshd.hostKeyFingerprints), ed25519 });
  const upload = web.call('upload', { mib: 4096 });
  await new Promise((r) => setTimeout(r, 700));
  const main = descendants(sshd.pid)[0]!;
  for (const pid of descendants(main)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone with its parent
    }
  }
  await assert.rejects(upload, { code: 'connection-lost' });
  await web.call('close');
});

test('Chromium: gateway shut down mid-transfer gives a gateway error, no hang (last: stops the gateway)', async () => {
  const sshd = servers.ed25519!;
  await web.call('connect', { url: web.relayUrl('ed25519'), username: sshd.user, pins: Object.values(sshd.hostKeyFingerprints), ed25519 });
  const upload = web.call('upload', { mib: 4096 });
  await new Promise((r) => setTimeout(r, 700));
  await web.gateway.close();
  await assert.rejects(upload, (e: unknown) => {
    const code = (e as { code?: string }).code;
    assert.ok(code === 'gateway-refused' || code === 'connection-lost', `code ${code}: ${(e as Error).message}`);
    return true;
  });
});
