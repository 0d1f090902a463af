// The embedded demo SFTP server: password and key logins (OpenSSH lines and RFC 4716 .asc),
// a persistent host key, uploads only into incoming/, no way out of the sandbox; proven with the
// ssh2 client, the real OpenSSH sftp client, and end to end through the gateway's relay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2, { type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { createWebSocketStream } from 'ws';
import { startDemoServer, type RunningDemoServer } from '../../gateway/demo/demo-server.ts';
import { startGateway } from '../../gateway/main.ts';
import { openRelay } from '../support/gateway-peers.ts';

const { STATUS_CODE } = ssh2.utils.sftp;
const dir = mkdtempSync(join(tmpdir(), 'courier-demo-'));
const dataDir = join(dir, 'demo-data');
let demo: RunningDemoServer;

before(async () => {
  demo = await startDemoServer({ port: 0, dataDir, username: 'demo', password: 'demo-password' });
});
after(async () => {
  await demo.close();
});

function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

interface Session {
  sftp: SFTPWrapper;
  client: InstanceType<typeof ssh2.Client>;
  seenHostKey: string;
}

function connect(config: ConnectConfig): Promise<Session> {
  return new Promise((ok, fail) => {
    const client = new ssh2.Client();
    let seenHostKey = '';
    client.on('error', fail);
    client.on('ready', () => client.sftp((err, sftp) => (err ? fail(err) : ok({ sftp, client, seenHostKey }))));
    client.connect({
      host: '127.0.0.1',
      port: demo.port,
      username: 'demo',
      readyTimeout: 10_000,
      ...config,
      hostVerifier: (key: Buffer) => {
        seenHostKey = fingerprintOf(key);
        return true;
      },
    });
  });
}

function call<T = void>(run: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((ok, fail) => run((err, value) => (err ? fail(err) : ok(value as T))));
}

async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return STATUS_CODE.OK;
  } catch (err) {
    return (err as { code: number }).code;
  }
}

test('demo: password login, host key as announced, upload and read back in incoming/', async () => {
  const { sftp, client, seenHostKey } = await connect({ password: 'demo-password' });
  try {
    assert.equal(seenHostKey, demo.hostKeyFingerprint);
    assert.equal(await call<string>((cb) => sftp.realpath('.', cb)), '/');
    const home = await call<{ filename: string }[]>((cb) => sftp.readdir('/', cb));
    assert.deepEqual(home.map((e) => e.filename).sort(), ['README.txt', 'incoming']);
    const data = randomBytes(300_000);
    await call((cb) => sftp.writeFile('/incoming/data.bin', data, cb));
    assert.ok(readFileSync(join(demo.sandbox, 'incoming', 'data.bin')).equals(data), 'the file on disk is what was sent');
    const back = await call<Buffer>((cb) => sftp.readFile('incoming/data.bin', cb));
    assert.ok(back.equals(data));
    assert.equal((await call<{ size: number }>((cb) => sftp.stat('/incoming/data.bin', cb))).size, data.length);
    // RENAME does not replace; mkdir/rmdir/remove work inside incoming/.
    await call((cb) => sftp.writeFile('/incoming/other.bin', 'x', cb));
    assert.equal(await statusOf(call((cb) => sftp.rename('/incoming/other.bin', '/incoming/data.bin', cb))), STATUS_CODE.FAILURE);
    await call((cb) => sftp.rename('/incoming/other.bin', '/incoming/renamed.bin', cb));
    await call((cb) => sftp.mkdir('/incoming/sub', cb));
    await call((cb) => sftp.rmdir('/incoming/sub', cb));
    await call((cb) => sftp.unlink('/incoming/renamed.bin', cb));
    assert.equal(await statusOf(call((cb) => sftp.stat('/incoming/renamed.bin', cb))), STATUS_CODE.NO_SUCH_FILE);
  } finally {
    client.end();
  }
});

test('demo: posix-rename@openssh.com replaces, fsync@openssh.com syncs (when a client uses them)', async () => {
  const { sftp, client } = await connect({ password: 'demo-password' });
  try {
    // ssh2's server cannot advertise extensions in its VERSION packet; tell our client they exist.
    const ext = (sftp as unknown as { _extensions: Record<string, string> })._extensions;
    ext['posix-rename@openssh.com'] = '1';
    ext['fsync@openssh.com'] = '1';
    await call((cb) => sftp.writeFile('/incoming/a.txt', 'new', cb));
    await call((cb) => sftp.writeFile('/incoming/b.txt', 'old', cb));
    await call((cb) => sftp.ext_openssh_rename('/incoming/a.txt', '/incoming/b.txt', cb));
    assert.equal(readFileSync(join(demo.sandbox, 'incoming', 'b.txt'), 'utf8'), 'new');
    const handle = await call<Buffer>((cb) => sftp.open('/incoming/b.txt', 'r+', cb));
    await call((cb) => sftp.ext_openssh_fsync(handle, cb));
    await call((cb) => sftp.close(handle, cb));
    assert.equal(await statusOf(call((cb) => sftp.ext_openssh_rename('/incoming/b.txt', '/b.txt', cb))), STATUS_CODE.PERMISSION_DENIED);
  } finally {
    client.end();
  }
});

test('demo: the home folder is read-only and nothing escapes the sandbox', async () => {
  const outside = join(dir, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'secret');
  symlinkSync(outside, join(demo.sandbox, 'incoming', 'link'));
  const { sftp, client } = await connect({ password: 'demo-password' });
  try {
    assert.equal(await statusOf(call((cb) => sftp.writeFile('/top.txt', 'x', cb))), STATUS_CODE.PERMISSION_DENIED);
    assert.equal(await statusOf(call((cb) => sftp.mkdir('/newdir', cb))), STATUS_CODE.PERMISSION_DENIED);
    assert.equal(await statusOf(call((cb) => sftp.unlink('/README.txt', cb))), STATUS_CODE.PERMISSION_DENIED);
    assert.equal(await statusOf(call((cb) => sftp.rmdir('/incoming', cb))), STATUS_CODE.PERMISSION_DENIED);
    assert.equal(await statusOf(call((cb) => sftp.rename('/README.txt', '/incoming/r.txt', cb))), STATUS_CODE.PERMISSION_DENIED);
    assert.equal(await statusOf(call((cb) => sftp.setstat('/README.txt', { mode: 0o777 }, cb))), STATUS_CODE.PERMISSION_DENIED);
    // ".." stops at the sandbox root: these land on /escape.txt, which is read-only.
    for (const p of ['../../escape.txt', '/incoming/../../../escape.txt', '..\\..\\escape.txt']) {
      assert.equal(await statusOf(call((cb) => sftp.writeFile(p, 'x', cb))), STATUS_CODE.PERMISSION_DENIED, p);
    }
    assert.equal(await call<string>((cb) => sftp.realpath('/../../..', cb)), '/');
    assert.equal((await call<Buffer>((cb) => sftp.readFile('/../../README.txt', cb))).toString(), readFileSync(join(demo.sandbox, 'README.txt'), 'utf8'));
    assert.equal(existsSync(join(dataDir, 'escape.txt')) || existsSync(join(dir, 'escape.txt')), false);
    // A symlink pointing outside is not followed, for reading, listing or writing.
    assert.equal(await statusOf(call((cb) => sftp.readFile('/incoming/link/secret.txt', cb))), STATUS_CODE.PERMISSION_DENIED);
    assert.equal(await statusOf(call((cb) => sftp.readdir('/incoming/link', cb))), STATUS_CODE.PERMISSION_DENIED);
    assert.equal(await statusOf(call((cb) => sftp.writeFile('/incoming/link/new.txt', 'x', cb))), STATUS_CODE.PERMISSION_DENIED);
    assert.equal(existsSync(join(outside, 'new.txt')), false);
    assert.equal(await statusOf(call((cb) => sftp.readFile('/incoming/missing.txt', cb))), STATUS_CODE.NO_SUCH_FILE);
  } finally {
    client.end();
  }
});

test('demo: wrong password and unknown keys are refused; shell and exec are refused', async () => {
  await assert.rejects(connect({ password: 'wrong' }), /authentication/i);
  await assert.rejects(connect({ password: 'demo-password', username: 'root' }), /authentication/i);
  const stranger = ssh2.utils.generateKeyPairSync('ed25519');
  await assert.rejects(connect({ privateKey: stranger.private }), /authentication/i);
  const { client } = await connect({ password: 'demo-password' });
  try {
    const err = await new Promise<Error | undefined>((ok) => client.exec('id', (e) => ok(e)));
    assert.ok(err, 'exec was accepted');
  } finally {
    client.end();
  }
});

test('demo: key logins from authorized_keys (OpenSSH line) and from demo:authorize (RFC 4716 .asc)', async () => {
  const keyDir = mkdtempSync(join(tmpdir(), 'courier-demo-keys-'));
  const ed = join(keyDir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', ed]);
  writeFileSync(join(demo.authorizedKeysDir, 'mine.pub'), `# a comment\n${readFileSync(`${ed}.pub`, 'utf8')}`);
  const s1 = await connect({ privateKey: readFileSync(ed) });
  s1.client.end();

  const rsa = join(keyDir, 'id_rsa');
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', rsa]);
  const asc = join(keyDir, 'publicKey_TEST.asc');
  writeFileSync(asc, execFileSync('ssh-keygen', ['-e', '-f', `${rsa}.pub`]));
  await assert.rejects(connect({ privateKey: readFileSync(rsa) }), /authentication/i);
  const config = join(keyDir, 'gateway.config.json');
  writeFileSync(config, JSON.stringify({ demo: { dataDir } }));
  const env = { ...process.env, COURIER_GATEWAY_CONFIG: config };
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'gateway/demo/authorize.ts', asc], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /SHA256:/);
  const s2 = await connect({ privateKey: readFileSync(rsa) });
  s2.client.end();
  // A private key is never registered.
  const bad = spawnSync(process.execPath, ['--import', 'tsx', 'gateway/demo/authorize.ts', rsa], { env, encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /private key/);
  assert.equal(existsSync(join(demo.authorizedKeysDir, 'id_rsa')), false);
});

test('demo: the host key persists across restarts', async () => {
  const other = await startDemoServer({ port: 0, dataDir, username: 'demo', password: 'x' });
  try {
    assert.equal(other.hostKeyFingerprint, demo.hostKeyFingerprint);
    const shown = execFileSync('ssh-keygen', ['-lf', join(dataDir, 'host_ed25519.pub')]).toString().split(' ')[1];
    assert.equal(shown, demo.hostKeyFingerprint, 'same fingerprint as ssh-keygen computes');
  } finally {
    await other.close();
  }
});

test('demo: the real OpenSSH sftp client (BatchMode, key) uploads into incoming/ and is refused elsewhere', async () => {
  const keyDir = mkdtempSync(join(tmpdir(), 'courier-demo-openssh-'));
  const key = join(keyDir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  writeFileSync(join(demo.authorizedKeysDir, 'openssh.pub'), readFileSync(`${key}.pub`));
  const knownHosts = join(keyDir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${demo.port} ${demo.hostPublicKey}\n`);
  const payload = join(keyDir, 'payload.bin');
  writeFileSync(payload, randomBytes(1_000_000));
  // Asynchronous: the demo server runs in this very process and must keep answering.
  const sftp = (batch: string) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((ok) => {
      const child = spawn('sftp', ['-b', '-', '-i', key, '-P', String(demo.port), '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', 'demo@127.0.0.1'], { timeout: 30_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (status) => ok({ status, stdout, stderr }));
      child.stdin.end(batch);
    });
  const ok = await sftp(`cd incoming\nput ${payload} openssh.bin\nls -l\nget openssh.bin ${payload}.back\n`);
  assert.equal(ok.status, 0, ok.stderr);
  assert.ok(readFileSync(join(demo.sandbox, 'incoming', 'openssh.bin')).equals(readFileSync(payload)));
  assert.ok(readFileSync(`${payload}.back`).equals(readFileSync(payload)));
  assert.match(ok.stdout, /openssh\.bin/);
  const refused = await sftp(`put ${payload} top.bin\n`);
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /Permission denied/);
  assert.equal(existsSync(join(demo.sandbox, 'top.bin')), false);
});

test('demo through the gateway: SSH over the WebSocket relay, host key as /api/targets lists it', async () => {
  const gateway = await startGateway({
    host: '127.0.0.1',
    port: 0,
    webRoot: dir,
    log: () => undefined,
    targets: { demo: { host: '127.0.0.1', port: demo.port, label: 'Demo', hostKeyFingerprints: [demo.hostKeyFingerprint], local: true } },
  });
  try {
    const listed = (await (await fetch(new URL('/api/targets', gateway.url))).json()) as { targets: { hostKeyFingerprints: string[] }[] };
    const ws = openRelay(gateway.url, 'target=demo');
    const { sftp, client, seenHostKey } = await connect({ sock: createWebSocketStream(ws), password: 'demo-password' });
    try {
      assert.deepEqual(listed.targets[0]?.hostKeyFingerprints, [seenHostKey]);
      const data = randomBytes(2_000_000);
      await call((cb) => sftp.writeFile('/incoming/via-gateway.bin', data, cb));
      assert.ok(readFileSync(join(demo.sandbox, 'incoming', 'via-gateway.bin')).equals(data));
    } finally {
      client.end();
    }
  } finally {
    await gateway.close();
  }
});
