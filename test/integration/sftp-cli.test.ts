// `courier upload | ls | get | rm` as a user runs them, against real sshd through our own SSH
// transport: key + passphrase file into a RIVM-like drop box, password auth, host key pins.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type RunningSshd } from '../support/sshd.ts';
import { generatedFile, serverSha1, sha1Of } from '../support/sftp-bytes.ts';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function courier(args: string[]): Promise<Run> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, ['cli/courier.mjs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => ok({ status, stdout, stderr }));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'courier-cli-sftp-'));
const key = join(dir, 'id_ed25519');
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'correct horse', '-f', key]);
writeFileSync(join(dir, 'passphrase'), 'correct horse\n');
writeFileSync(join(dir, 'wrong-passphrase'), 'battery staple\n');
after(() => rmSync(dir, { recursive: true, force: true }));

describe('courier upload into a RIVM-like drop box (aes*-ctr only, incoming/ write-only, key auth)', () => {
  let sshd: RunningSshd;
  let conn: string[];
  let pins: string[];
  before(async () => {
    sshd = await startSshd({
      layout: 'dropbox',
      ciphers: 'aes128-ctr,aes192-ctr,aes256-ctr',
      macs: 'hmac-sha2-256,hmac-sha2-512',
      passwordAuthentication: false,
      authorizedKeys: [readFileSync(`${key}.pub`, 'utf8').trim()],
    });
    conn = ['--host', sshd.host, '--port', String(sshd.port), '--user', sshd.user, '--key', key, '--passphrase-file', join(dir, 'passphrase')];
    pins = Object.values(sshd.hostKeyFingerprints).flatMap((f) => ['--host-key', f]);
  });
  after(async () => {
    await sshd?.stop();
  });

  test('uploads every file whole (temp name, rename) and exits 0', async () => {
    const big = generatedFile(3 * 1024 * 1024 + 1);
    writeFileSync(join(dir, 'gegevens.dat'), big.slice(0, big.size));
    writeFileSync(join(dir, 'gegevens.dat.hash'), `${big.sha1()}`);
    writeFileSync(join(dir, 'empty.dat'), '');
    const r = await courier(['upload', ...conn, ...pins, '--to', 'incoming', join(dir, 'gegevens.dat'), join(dir, 'gegevens.dat.hash'), join(dir, 'empty.dat')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /uploaded .*gegevens\.dat -> incoming\/gegevens\.dat \(3145729 bytes\)/);
    assert.equal(serverSha1(join(sshd.sftpRoot, 'incoming/gegevens.dat')), big.sha1());
    assert.equal(readFileSync(join(sshd.sftpRoot, 'incoming/gegevens.dat.hash'), 'utf8'), big.sha1());
    assert.equal(readFileSync(join(sshd.sftpRoot, 'incoming/empty.dat')).length, 0);
    assert.equal(existsSync(join(sshd.sftpRoot, 'incoming/.gegevens.dat.courier-part')), false);
  });

  test('Ctrl-C leaves a partial that --resume completes', { timeout: 120_000 }, async () => {
    const file = generatedFile(256 * 1024 * 1024);
    const local = join(dir, 'large.dat');
    const fd = openSync(local, 'w');
    for (let pos = 0; pos < file.size; pos += 8 << 20) writeSync(fd, file.slice(pos, pos + (8 << 20)));
    closeSync(fd);
    const part = join(sshd.sftpRoot, 'incoming/.large.dat.courier-part');
    const child = spawn(process.execPath, ['cli/courier.mjs', 'upload', ...conn, ...pins, '--to', 'incoming', local], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((ok) => child.on('close', ok));
    while (!(existsSync(part) && statSync(part).size > 16 * 1024 * 1024)) await new Promise((ok) => setTimeout(ok, 10));
    child.kill('SIGINT');
    assert.equal(await exited, 130, stderr);
    assert.match(stderr, /--resume/);
    const partial = statSync(part).size;
    assert.ok(partial > 0 && partial < file.size);
    assert.equal(existsSync(join(sshd.sftpRoot, 'incoming/large.dat')), false);
    const resumed = await courier(['upload', ...conn, ...pins, '--to', 'incoming', '--resume', local]);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout, new RegExp(`resumed at ${partial}\\)`));
    assert.equal(serverSha1(join(sshd.sftpRoot, 'incoming/large.dat')), file.sha1());
    rmSync(local);
  });

  test('a file already there is refused (exit 1) and left as it was', async () => {
    writeFileSync(join(dir, 'again.dat'), 'first');
    assert.equal((await courier(['upload', ...conn, ...pins, '--to', 'incoming', join(dir, 'again.dat')])).status, 0);
    writeFileSync(join(dir, 'again.dat'), 'second');
    const r = await courier(['upload', ...conn, ...pins, '--to', 'incoming', join(dir, 'again.dat')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /already exists.*--overwrite/);
    assert.equal(readFileSync(join(sshd.sftpRoot, 'incoming/again.dat'), 'utf8'), 'first');
  });

  test('an unknown host key refuses and prints the fingerprint; a different one is a hard stop', async () => {
    writeFileSync(join(dir, 'x.dat'), 'x');
    const unknown = await courier(['upload', ...conn, '--to', 'incoming', join(dir, 'x.dat')]);
    assert.equal(unknown.status, 4);
    assert.ok(Object.values(sshd.hostKeyFingerprints).some((f) => unknown.stderr.includes(f)), unknown.stderr);
    const other = await courier(['upload', ...conn, '--host-key', 'SHA256:' + 'A'.repeat(43), '--to', 'incoming', join(dir, 'x.dat')]);
    assert.equal(other.status, 4);
    assert.match(other.stderr, /CHANGED/);
    assert.equal(existsSync(join(sshd.sftpRoot, 'incoming/x.dat')), false);
  });

  test('a wrong passphrase and a home that is not writable give their own errors', async () => {
    const wrong = await courier(['upload', ...conn.slice(0, -1), join(dir, 'wrong-passphrase'), ...pins, join(dir, 'x.dat')]);
    assert.equal(wrong.status, 3, wrong.stderr);
    assert.match(wrong.stderr, /passphrase/i);
    const home = await courier(['upload', ...conn, ...pins, join(dir, 'x.dat')]);
    assert.equal(home.status, 1);
    assert.match(home.stderr, /permission denied/);
  });

  test('ls of the drop box is refused, ls of home lists incoming', async () => {
    const box = await courier(['ls', ...conn, ...pins, 'incoming']);
    assert.equal(box.status, 1);
    assert.match(box.stderr, /permission denied/);
    const home = await courier(['ls', ...conn, ...pins]);
    assert.equal(home.status, 0, home.stderr);
    assert.match(home.stdout, /^d\s+\d+\s+\S+ \S+\s+incoming$/m);
  });
});

describe('courier ls, get, rm; password auth', () => {
  let sshd: RunningSshd;
  let conn: string[];
  let passwordConn: string[];
  before(async () => {
    sshd = await startSshd({ authorizedKeys: [readFileSync(`${key}.pub`, 'utf8').trim()] });
    const target = ['--host', sshd.host, '--port', String(sshd.port), '--user', sshd.user, ...Object.values(sshd.hostKeyFingerprints).flatMap((f) => ['--host-key', f])];
    conn = [...target, '--key', key, '--passphrase-file', join(dir, 'passphrase')];
    passwordConn = [...target, '--password-file', join(dir, 'password')];
  });
  after(async () => {
    await sshd?.stop();
  });

  test('upload, ls, get back identical, rm', async () => {
    const file = generatedFile(1_234_567);
    writeFileSync(join(dir, 'report.csv'), file.slice(0, file.size));
    assert.equal((await courier(['upload', ...conn, join(dir, 'report.csv')])).status, 0);
    const ls = await courier(['ls', ...conn]);
    assert.equal(ls.status, 0, ls.stderr);
    assert.match(ls.stdout, /^-\s+1234567\s+\S+ \S+\s+report\.csv$/m);
    const out = mkdtempSync(join(dir, 'get-'));
    const get = await courier(['get', ...conn, '--to', out, 'report.csv']);
    assert.equal(get.status, 0, get.stderr);
    assert.equal(sha1Of(readFileSync(join(out, 'report.csv'))), file.sha1());
    assert.equal((await courier(['get', ...conn, '--to', out, 'report.csv'])).status, 1, 'no local overwrite without --force');
    const missing = await courier(['get', ...conn, '--to', out, 'nope.csv']);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /No such file/);
    assert.equal(existsSync(join(out, 'nope.csv.courier-part')), false);
    const rm = await courier(['rm', ...conn, 'report.csv', 'nope.csv']);
    assert.equal(rm.status, 1);
    assert.match(rm.stdout, /removed report\.csv/);
    assert.match(rm.stderr, /FAILED nope\.csv/);
    assert.equal(existsSync(join(sshd.sftpRoot, 'report.csv')), false);
  });

  test('password auth works; a wrong password is an authentication failure (exit 5); bad usage is exit 2', async () => {
    // (The harness resets the shared test user's password whenever any sshd starts: write it just before use.)
    writeFileSync(join(dir, 'password'), `${sshd.password}\n`);
    const good = await courier(['ls', ...passwordConn]);
    assert.equal(good.status, 0, good.stderr);
    writeFileSync(join(dir, 'bad-password'), 'not-it\n');
    const bad = await courier(['ls', ...passwordConn.map((a) => (a === join(dir, 'password') ? join(dir, 'bad-password') : a))]);
    assert.equal(bad.status, 5, bad.stderr);
    assert.match(bad.stderr, /wrong password/);
    assert.equal((await courier(['ls', '--host', sshd.host, '--user', sshd.user])).status, 2);
    assert.equal((await courier(['upload', ...conn, '--host-key', 'nonsense', join(dir, 'x.dat')])).status, 2);
  });
});
