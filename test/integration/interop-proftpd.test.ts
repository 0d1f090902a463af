// ProFTPD mod_sftp: the interop suite on a default set-up, then the set-ups registries run: RIVM-like
// (aes*-ctr only, home not writable, only incoming/), a write-only drop box (no listing, no reading)
// and an upload-only folder that forbids rename (`<Limit READ DIRS> DenyAll`), where our delivery
// falls back to direct writes (where X.hash once held the SHA-1 of the file sent twice: issue 9.1).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshError } from '../../core/ssh/errors.ts';
import { startProftpd } from '../support/servers/proftpd.ts';
import { interopSuite } from '../support/servers/interop-suite.ts';
import { serverSet } from '../support/servers/server-set.ts';
import { connectCore, coreDeliver } from '../support/servers/interop-core.ts';
import { connectionArgs, courier, interopProfileFile } from '../support/servers/interop-cli.ts';
import { assertDelivered, type ReceiptLike } from '../support/servers/delivered-check.ts';

const CTR = ['aes128-ctr', 'aes192-ctr', 'aes256-ctr'];
const set = serverSet({
  proftpd: (keys) => startProftpd({ authorizedKeys: keys.authorizedKeys }),
  rivm: (keys) => startProftpd({ authorizedKeys: keys.authorizedKeys, ciphers: CTR, macs: ['hmac-sha2-256', 'hmac-sha2-512'], password: false, layout: 'incoming-only' }),
  dropbox: (keys) => startProftpd({ authorizedKeys: keys.authorizedKeys, layout: 'dropbox' }),
  noRename: (keys) => startProftpd({ authorizedKeys: keys.authorizedKeys, layout: 'no-rename' }),
});

interopSuite({
  title: 'ProFTPD mod_sftp, default set-up',
  set, server: 'proftpd',
  folder: '',
  logins: { rsa: true, ed25519: true, password: true },
  transferLogin: 'rsa',
});

function localFile(name: string, content: string | Uint8Array): string {
  const path = join(mkdtempSync(join(set.keys().dir, 'local-')), name);
  writeFileSync(path, content);
  return path;
}

describe('ProFTPD RIVM-like: aes*-ctr only, only incoming/ writable, keys only', () => {
  test('core: an RSA login negotiates an aes*-ctr cipher with hmac-sha2', async () => {
    const s = await connectCore(await set.server('rivm'), set.keys(), 'rsa');
    try {
      assert.match(s.ssh.algorithms.cipher, /^aes(128|192|256)-ctr$/);
      assert.match(s.ssh.algorithms.mac, /^hmac-sha2-(256|512)/);
    } finally {
      await s.close();
    }
  });

  test('core: a client offering only GCM is refused, naming the ciphers the server offers', async () => {
    const err = await connectCore(await set.server('rivm'), set.keys(), 'rsa', { ciphers: ['aes128-gcm@openssh.com'] }).then(
      async (s) => (await s.close(), null), (e: unknown) => e);
    assert.ok(err instanceof SshError, String(err));
    assert.equal(err.code, 'no-common-cipher', err.message);
    assert.match(err.message, /aes128-ctr/);
  });

  test('cli: deliver --profile rivm-cims (RSA 4096 key with passphrase) puts X and X.hash into incoming/', async () => {
    const server = await set.server('rivm');
    const local = localFile('Aanlevering 2024 – été.csv', 'patiënt;indicator\n1;0.93\n');
    const receiptFile = `${local}.receipt.json`;
    const r = await courier(['deliver', '--profile', 'rivm-cims', ...connectionArgs(server, set.keys(), 'rsa'), '--receipt', receiptFile, local]);
    assert.equal(r.status, 0, r.stderr);
    assertDelivered(join(server.sftpRoot, 'incoming', 'Aanlevering 2024 – été.csv'), local, JSON.parse(readFileSync(receiptFile, 'utf8')) as ReceiptLike);
  });

  test('cli: an upload into the home folder is refused as permission denied', async () => {
    const server = await set.server('rivm');
    const r = await courier(['upload', ...connectionArgs(server, set.keys(), 'rsa'), localFile('thuis.csv', 'x')]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /permission denied/);
    assert.equal(existsSync(join(server.sftpRoot, 'thuis.csv')), false);
  });

  test('cli: deliver with no common cipher ends at once, naming it, without reconnecting (issue 9.4)', async () => {
    const server = await set.server('rivm');
    const profiles = interopProfileFile(set.keys().dir, 'incoming');
    const child = spawn(process.execPath, ['cli/courier.mjs', 'deliver', '--profile', 'interop', '--profiles-file', profiles,
      ...connectionArgs(server, set.keys(), 'rsa'), '--cipher', 'aes128-gcm@openssh.com', localFile('nooit.csv', 'x')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/reconnecting/.test(stderr)) child.kill('SIGTERM'); // retried: the answer is known, stop waiting
    });
    const status = await new Promise<number | null>((ok) => child.on('close', ok));
    assert.doesNotMatch(stderr, /reconnecting/, 'a permanent refusal must not be retried');
    assert.notEqual(status, 0);
    assert.match(stderr, /no common cipher/);
  });
});

describe('ProFTPD write-only drop box: incoming/ cannot be listed or read', () => {
  test('cli: deliver puts X and X.hash; ls shows nothing of them; get is refused', async () => {
    const server = await set.server('dropbox');
    const keys = set.keys();
    const local = localFile('Aanlevering 2024 – été.csv', new Uint8Array(3 * 1024 * 1024 + 7).fill(0xe9));
    const receiptFile = `${local}.receipt.json`;
    const r = await courier(['deliver', '--profile', 'interop', '--profiles-file', interopProfileFile(keys.dir, 'incoming'), ...connectionArgs(server, keys, 'rsa'), '--receipt', receiptFile, local]);
    assert.equal(r.status, 0, r.stderr);
    assertDelivered(join(server.sftpRoot, 'incoming', 'Aanlevering 2024 – été.csv'), local, JSON.parse(readFileSync(receiptFile, 'utf8')) as ReceiptLike);
    const ls = await courier(['ls', ...connectionArgs(server, keys, 'rsa'), 'incoming']);
    assert.doesNotMatch(ls.stdout, /Aanlevering/, 'mod_sftp answers a denied READDIR with an empty listing');
    const get = await courier(['get', ...connectionArgs(server, keys, 'rsa'), '--to', mkdtempSync(join(keys.dir, 'get-')), 'incoming/Aanlevering 2024 – été.csv']);
    assert.equal(get.status, 1, get.stderr);
    assert.match(get.stderr, /permission denied/);
  });

  test('core: a delivery run needs no listing: X and X.hash arrive', async () => {
    const server = await set.server('dropbox');
    const local = localFile('kern – één.csv', 'één regel\n');
    const { receipt, log } = await coreDeliver(server, set.keys(), 'ed25519', [local], { folder: 'incoming' });
    assert.equal(receipt.files[0]!.status, 'delivered', log.join('\n'));
    assertDelivered(join(server.sftpRoot, 'incoming', 'kern – één.csv'), local, receipt);
  });
});

describe('ProFTPD upload-only folder that forbids rename (<Limit READ DIRS> DenyAll)', () => {
  // 0 B, 1 B ("x": the SHA-1 of "xx", dd7b7b74…, was issue 9.1's wrong .hash) and 3 MiB.
  const contents: [string, string | Uint8Array][] = [['leeg.dat', ''], ['x.csv', 'x'], ['Aanlevering 2024 – été.csv', new Uint8Array(3 * 1024 * 1024 + 1).fill(0x41)]];
  const incoming = async (name: string) => join((await set.server('noRename')).sftpRoot, 'incoming', name);

  test('core: the delivery writes X directly; X and X.hash match sha1sum and the receipt, which says so', async () => {
    const locals = contents.map(([n, c]) => localFile(`core ${n}`, c));
    const { receipt, log } = await coreDeliver(await set.server('noRename'), set.keys(), 'rsa', locals, { folder: 'incoming' });
    assert.deepEqual(receipt.files.map((f) => f.status), ['delivered', 'delivered', 'delivered'], log.join('\n'));
    for (const f of locals) assertDelivered(await incoming(f.split('/').pop()!), f, receipt);
    assert.deepEqual(receipt.files.map((f) => f.writtenDirectly), [true, true, true]);
  });

  test('cli: deliver writes X directly; X and X.hash match sha1sum and the receipt, which says so', async () => {
    const keys = set.keys();
    const locals = contents.map(([n, c]) => localFile(`cli ${n}`, c));
    const receiptFile = join(keys.dir, 'no-rename-receipt.json');
    const r = await courier(['deliver', '--profile', 'interop', '--profiles-file', interopProfileFile(keys.dir, 'incoming'), ...connectionArgs(await set.server('noRename'), keys, 'rsa'), '--receipt', receiptFile, ...locals]);
    assert.equal(r.status, 0, r.stderr);
    const receipt = JSON.parse(readFileSync(receiptFile, 'utf8')) as ReceiptLike;
    for (const f of locals) assertDelivered(await incoming(f.split('/').pop()!), f, receipt);
    assert.deepEqual(receipt.files.map((f) => f.writtenDirectly), [true, true, true]);
  });
});
