// `npx courier deliver` against a RIVM-like OpenSSH sshd (ctr ciphers, key auth, incoming/ only).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type RunningSshd } from '../support/sshd.ts';

const sha1 = (path: string) => execFileSync('sha1sum', [path]).toString().split(' ')[0]!;

function courier(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(process.cwd(), 'cli/courier.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('courier deliver', () => {
  let sshd: RunningSshd;
  const dir = mkdtempSync(join(tmpdir(), 'courier-cli-deliver-'));
  const key = join(dir, 'id_ed25519');
  let connection: string[];

  before(async () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'cli-test', '-f', key]);
    sshd = await startSshd({
      ciphers: 'aes128-ctr,aes192-ctr,aes256-ctr', macs: 'hmac-sha2-256,hmac-sha2-512', passwordAuthentication: false,
      layout: 'incoming-only', authorizedKeys: [readFileSync(`${key}.pub`, 'utf8').trim()],
    });
    connection = ['--host', '127.0.0.1', '--port', String(sshd.port), '--user', sshd.user, '--key', key,
      ...Object.values(sshd.hostKeyFingerprints).flatMap((fp) => ['--host-key', fp])];
  });
  after(async () => {
    await sshd?.stop();
  });

  test('delivers X and X.hash into incoming/ by the rivm-cims profile and writes a receipt', async () => {
    const a = join(dir, 'batch-1.csv');
    const b = join(dir, 'batch-2.dat');
    writeFileSync(a, randomBytes(2000));
    writeFileSync(b, randomBytes(3 * 1024 * 1024));
    const receiptFile = join(dir, 'receipt.json');
    const r = await courier(['deliver', '--profile', 'rivm-cims', ...connection, '--receipt', receiptFile, a, b]);
    assert.equal(r.status, 0, r.stderr);
    for (const f of [a, b]) {
      const remote = join(sshd.sftpRoot, 'incoming', f.split('/').pop()!);
      assert.equal(sha1(remote), sha1(f));
      assert.equal(readFileSync(`${remote}.hash`, 'utf8'), sha1(f));
    }
    const receipt = JSON.parse(readFileSync(receiptFile, 'utf8'));
    assert.deepEqual(receipt.files.map((f: { status: string }) => f.status), ['delivered', 'delivered']);
    assert.ok(Object.values(sshd.hostKeyFingerprints).includes(receipt.server.hostKeyFingerprint));
    assert.match(r.stdout, /DELIVERED incoming\/batch-1\.csv/);
  });

  test('an existing file fails by default, is skipped with --existing skip', async () => {
    const a = join(dir, 'batch-1.csv');
    const again = await courier(['deliver', '--profile', 'rivm-cims', ...connection, a]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already exists on the server/);
    const skip = await courier(['deliver', '--profile', 'rivm-cims', ...connection, '--existing', 'skip', a]);
    assert.equal(skip.status, 0, skip.stderr);
    assert.match(skip.stdout, /SKIPPED/);
  });

  test('a local .hash that does not match stops that file; the others go', async () => {
    const bad = join(dir, 'tampered.dat');
    const good = join(dir, 'fine.dat');
    writeFileSync(bad, 'after hashing it changed');
    writeFileSync(`${bad}.hash`, '0'.repeat(40));
    writeFileSync(good, 'fine');
    const r = await courier(['deliver', '--profile', 'rivm-cims', ...connection, bad, good]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /FAILED +incoming\/tampered\.dat/);
    assert.ok(!existsSync(join(sshd.sftpRoot, 'incoming', 'tampered.dat')));
    assert.equal(sha1(join(sshd.sftpRoot, 'incoming', 'fine.dat')), sha1(good));
  });

  test('a different host key is a hard stop: exit 4, nothing sent', async () => {
    const f = join(dir, 'never.dat');
    writeFileSync(f, 'x');
    const wrong = ['--host', '127.0.0.1', '--port', String(sshd.port), '--user', sshd.user, '--key', key, '--host-key', `SHA256:${'A'.repeat(43)}`];
    const r = await courier(['deliver', '--profile', 'rivm-cims', ...wrong, f]);
    assert.equal(r.status, 4, r.stderr);
    assert.match(r.stderr, /CHANGED/);
    assert.ok(!existsSync(join(sshd.sftpRoot, 'incoming', 'never.dat')));
  });

  // Failed before the fix: "no common cipher" was retried as a lost connection, 5 reconnects per
  // file with backoff (125 s and 20 "reconnecting" lines for 4 files).
  test('a permanent refusal (no common cipher) ends the run at once, named once, no reconnect', async () => {
    const files = ['p1.dat', 'p2.dat', 'p3.dat', 'p4.dat'].map((n) => {
      const p = join(dir, n);
      writeFileSync(p, n);
      return p;
    });
    const receiptFile = join(dir, 'refused.json');
    const r = await courier(['deliver', '--profile', 'rivm-cims', ...connection, '--cipher', 'aes128-gcm@openssh.com', '--receipt', receiptFile, ...files]);
    assert.equal(r.status, 6, r.stderr);
    assert.doesNotMatch(r.stderr, /reconnecting/);
    assert.equal(r.stderr.match(/no common cipher/g)?.length, 2, r.stderr); // the log line, then the final message
    assert.match(r.stderr, /aes128-ctr/);
    const receipt = JSON.parse(readFileSync(receiptFile, 'utf8'));
    assert.deepEqual(receipt.files.map((f: { status: string; errorCode?: string }) => `${f.status}:${f.errorCode}`), Array(4).fill('failed:no-common-cipher'));
  });

  test('bad usage is explained', async () => {
    const r = await courier(['deliver', '--profile', 'nope', ...connection, join(dir, 'fine.dat')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no profile "nope"/);
  });
});
