// The CLI against a server that lies and injects (issue 13: 5, 6, 8): names and status messages
// with ESC, CR, NUL are printed with those characters made visible; a download stops at the size
// the server announced (and fails if it sends fewer); a name built to climb out of --to on Windows
// becomes one plain file name inside it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOSTILE_NAMES, startHostileServer, type HostileServer } from '../support/hostile-sftp-server.ts';

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

// eslint-disable-next-line no-control-regex -- the characters a hostile server injects
const RAW_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('courier against a hostile SFTP server', () => {
  let server: HostileServer;
  const dir = mkdtempSync(join(tmpdir(), 'courier-hostile-'));
  let connection: string[];
  before(async () => {
    server = await startHostileServer();
    writeFileSync(join(dir, 'password'), `${server.password}\n`);
    connection = ['--host', '127.0.0.1', '--port', String(server.port), '--user', server.user, '--password-file', join(dir, 'password'), '--host-key', server.hostKeyFingerprint];
  });
  after(async () => {
    await server?.stop();
  });

  // Failed before the fix: the names reached the terminal raw (ESC[2J cleared it, CR rewrote the line).
  test('ls prints names with their control characters visible, one line each', async () => {
    const r = await courier(['ls', ...connection, '/']);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, RAW_CONTROLS);
    assert.match(r.stdout, /report\\x1b\[2J\\x1b\[1;1Hall fine\.csv/);
    assert.match(r.stdout, /fake\\rINFO connected; receipt OK/);
    assert.match(r.stdout, /nul\\0byte\.dat/);
    assert.equal(r.stdout.trim().split('\n').length, Object.keys(HOSTILE_NAMES).length);
  });

  test("a server's status message is printed with its control characters visible", async () => {
    const r = await courier(['rm', ...connection, '/report.csv']);
    assert.equal(r.status, 1);
    assert.doesNotMatch(r.stderr, RAW_CONTROLS);
    assert.match(r.stderr, /bye\\x1b\[2J\\x1b\[H… receipt OK\\r/);
  });

  // Failed before the fix: 10.7 MB written for a file announced as 10 bytes, exit 0.
  test('a file that sends more than its announced size is refused and nothing is kept', async () => {
    const to = mkdtempSync(join(dir, 'lie-'));
    const r = await courier(['get', ...connection, '--to', to, '/liesize']);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, /more bytes than the size it announced/);
    assert.deepEqual(readdirSync(to), []);
    assert.ok(server.liesizeBytesSent() < 2 * 1024 * 1024, `the server sent ${server.liesizeBytesSent()} bytes before we stopped`);
  });

  test('a file that sends fewer bytes than announced is refused and nothing is kept', async () => {
    const to = mkdtempSync(join(dir, 'short-'));
    const r = await courier(['get', ...connection, '--to', to, '/shortsize']);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, /fewer bytes than the size it announced/);
    assert.deepEqual(readdirSync(to), []);
  });

  // Failed before the fix on Windows: the local name came from splitting on '/' only, so
  // `..\..\Users\Public\Desktop\evil.lnk` escaped --to (see test/unit/local-name.test.ts, path.win32).
  test('a name made to climb out of --to lands inside it as one plain file name', async () => {
    const to = mkdtempSync(join(dir, 'win-'));
    const r = await courier(['get', ...connection, '--to', to, `/${HOSTILE_NAMES.windowsEscape}`]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(to), ['evil.lnk']);
    assert.equal(readFileSync(join(to, 'evil.lnk'), 'latin1'), 'BBBBB');
  });
});
