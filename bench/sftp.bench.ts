// SFTP throughput in Node on loopback: 256 MiB upload and download through core/sftp (over our
// own SSH transport core/ssh, and over the ssh2 client's raw channel) vs OpenSSH `sftp` put/get,
// all against the same real sshd with the same cipher and MAC, in the same run (OpenSSH's
// handshake not counted, as for ours). Chromium and emulated links: bench/ssh.bench.ts and
// bench/wan.bench.ts. BENCH_RUNS (3) sets the rounds, SFTP_BENCH_MIB (256, a multiple of 16) the size.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type RunningSshd } from '../test/support/sshd.ts';
import { openSsh2SftpChannel } from '../test/support/ssh2-channel.ts';
import { connectTcp } from '../core/ssh/transport-node.ts';
import { connectSsh } from '../core/ssh/connection.ts';
import { pinnedHostKeyPolicy } from '../core/ssh/host-key-policy.ts';
import { downloadFile, SftpSession, uploadFile, type SeekableSource } from '../core/sftp/index.ts';
import { CryptoSshUserKey, readPrivateKeyFile } from '../core/keys/index.ts';
import { OpenSshSftp } from './support/openssh-sftp.ts';
import { loadResult, record, type BenchResult } from './support/results.ts';

const MiB = 1024 * 1024;
const SIZE = Number(process.env.SFTP_BENCH_MIB ?? 256) * MiB;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CONFIGS = [
  { cipher: 'aes128-ctr', mac: 'hmac-sha2-256' },
  { cipher: 'aes256-gcm@openssh.com', mac: 'hmac-sha2-256' },
];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mbps = (ms: number) => SIZE / 1e6 / (ms / 1000);

const dir = mkdtempSync(join(tmpdir(), 'courier-bench-sftp-'));
const local = join(dir, 'payload.bin');
{
  const block = randomBytes(16 * MiB);
  const parts: Buffer[] = [];
  for (let i = 0; i < SIZE / block.length; i++) parts.push(block.map((b) => (b + i) & 0xff) as Buffer);
  writeFileSync(local, Buffer.concat(parts));
}
readFileSync(local); // page cache
const key = join(dir, 'id_ed25519');
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
// Key auth for every client (the test user's password changes whenever any sshd harness starts).
const userKey = await CryptoSshUserKey.fromMaterial((await readPrivateKeyFile(readFileSync(key))).key);
const source: SeekableSource = { size: SIZE, openAt: (o) => createReadStream(local, { start: o, highWaterMark: 1024 * 1024 }) };

interface Client {
  name: string;
  open(sshd: RunningSshd, cipher: string, mac: string): Promise<{ session: SftpSession; close(): Promise<void> }>;
}

const clients: Client[] = [
  {
    name: 'core/sftp over core/ssh',
    async open(sshd, cipher, mac) {
      const ssh = await connectSsh(await connectTcp({ host: sshd.host, port: sshd.port }), {
        target: `${sshd.host}:${sshd.port}`,
        username: sshd.user,
        hostKeyPolicy: pinnedHostKeyPolicy({ pins: Object.values(sshd.hostKeyFingerprints) }),
        auth: { key: userKey },
        algorithms: { ciphers: [cipher], macs: [mac] },
      });
      const session = await SftpSession.open(await ssh.openSubsystem('sftp'));
      return { session, close: async () => (await session.close(), await ssh.close()) };
    },
  },
  {
    name: 'core/sftp over ssh2 channel',
    async open(sshd, cipher, mac) {
      const conn = await openSsh2SftpChannel({
        host: sshd.host, port: sshd.port, username: sshd.user, privateKey: readFileSync(key),
        algorithms: { cipher: [cipher] as never, hmac: [mac] as never },
      });
      const session = await SftpSession.open(conn.channel);
      return { session, close: async () => (await session.close(), conn.end()) };
    },
  },
];

/** Our SSH transport alone (no SFTP): a raw exec channel, `cat > /dev/null` up and `cat FILE` down. */
async function timeRawChannel(sshd: RunningSshd, cipher: string, mac: string): Promise<{ up: number; down: number }> {
  const ssh = await connectSsh(await connectTcp({ host: sshd.host, port: sshd.port }), {
    target: `${sshd.host}:${sshd.port}`,
    username: sshd.user,
    hostKeyPolicy: pinnedHostKeyPolicy({ pins: Object.values(sshd.hostKeyFingerprints) }),
    auth: { key: userKey },
    algorithms: { ciphers: [cipher], macs: [mac] },
  });
  try {
    const sink = await ssh.exec('cat > /dev/null');
    let t0 = performance.now();
    for await (const chunk of createReadStream(local, { highWaterMark: 256 * 1024 })) await sink.write(chunk as Uint8Array);
    await sink.close();
    const up = performance.now() - t0;
    const source = await ssh.exec(`cat ${join(sshd.sftpRoot, 'native.bin')}`);
    t0 = performance.now();
    let got = 0;
    for (let c = await source.read(); c; c = await source.read()) got += c.byteLength;
    const down = performance.now() - t0;
    if (got !== SIZE) throw new Error(`raw download got ${got}`);
    return { up, down };
  } finally {
    await ssh.close();
  }
}

async function timeOurs(client: Client, sshd: RunningSshd, cipher: string, mac: string): Promise<{ up: number; down: number }> {
  const { session, close } = await client.open(sshd, cipher, mac);
  try {
    let t0 = performance.now();
    const r = await uploadFile(session, 'ours.bin', source, { mode: 'direct', overwrite: true, fsync: false });
    const up = performance.now() - t0;
    if (r.bytes !== SIZE) throw new Error(`upload sent ${r.bytes}`);
    const fh = await open(join(dir, 'ours-down.bin'), 'w');
    t0 = performance.now();
    const d = await downloadFile(session, 'ours.bin', async (c) => {
      await fh.write(c);
    });
    const down = performance.now() - t0;
    await fh.close();
    if (d.bytes !== SIZE) throw new Error(`download got ${d.bytes}`);
    return { up, down };
  } finally {
    await close();
  }
}

/** OpenSSH sftp put then get in one session, ms each, handshake not counted. */
async function timeOpenSsh(sshd: RunningSshd, cipher: string, mac: string, knownHosts: string): Promise<{ up: number; down: number }> {
  const s = await OpenSshSftp.open({ host: '127.0.0.1', port: sshd.port, user: sshd.user, key, knownHosts }, { ciphers: cipher, macs: mac });
  try {
    const up = await s.command(`put ${local} native.bin`);
    const down = await s.command(`get native.bin ${join(dir, 'native-down.bin')}`);
    return { up: up.seconds * 1000, down: down.seconds * 1000 };
  } finally {
    await s.close();
  }
}

const results: BenchResult[] = [loadResult('sftp')];
console.log(`load at start: ${execFileSync('uptime').toString().trim()}`);
try {
  for (const { cipher, mac } of CONFIGS) {
    const sshd = await startSshd({ ciphers: cipher, macs: mac, authorizedKeys: [readFileSync(`${key}.pub`, 'utf8').trim()] });
    try {
      const knownHosts = join(dir, 'known_hosts');
      writeFileSync(knownHosts, Object.values(sshd.hostPublicKeys).map((k) => `[127.0.0.1]:${sshd.port} ${k}`).join('\n') + '\n');
      const native = { up: [] as number[], down: [] as number[] };
      const raw = { up: [] as number[], down: [] as number[] };
      const ours = new Map(clients.map((c) => [c.name, { up: [] as number[], down: [] as number[] }]));
      for (let i = 0; i < RUNS; i++) {
        // Interleave the clients so drift on this shared machine hits them alike.
        const n = await timeOpenSsh(sshd, cipher, mac, knownHosts);
        native.up.push(n.up);
        native.down.push(n.down);
        if (statSync(join(dir, 'native-down.bin')).size !== SIZE) throw new Error('sftp get size');
        const r = await timeRawChannel(sshd, cipher, mac);
        raw.up.push(r.up);
        raw.down.push(r.down);
        for (const c of clients) {
          const t = await timeOurs(c, sshd, cipher, mac);
          ours.get(c.name)!.up.push(t.up);
          ours.get(c.name)!.down.push(t.down);
        }
      }
      const nUp = mbps(median(native.up));
      const nDown = mbps(median(native.down));
      console.log(`\n256 MiB over loopback, ${cipher} + ${mac}, median of ${RUNS} (MB/s = 10^6 B/s)`);
      const short = cipher.replace('@openssh.com', '');
      results.push({ name: `sftp ${short}: OpenSSH sftp up`, value: nUp, unit: 'MB/s', ratio: null, goal: null }, { name: `sftp ${short}: OpenSSH sftp down`, value: nDown, unit: 'MB/s', ratio: null, goal: null });
      console.log(`  ${'OpenSSH sftp put/get'.padEnd(44)} up ${nUp.toFixed(0).padStart(5)} MB/s   down ${nDown.toFixed(0).padStart(5)} MB/s`);
      const rUp = mbps(median(raw.up));
      const rDown = mbps(median(raw.down));
      console.log(`  ${'core/ssh raw channel, no SFTP (cat)'.padEnd(44)} up ${rUp.toFixed(0).padStart(5)} MB/s   down ${rDown.toFixed(0).padStart(5)} MB/s   ratio vs OpenSSH: up ${(rUp / nUp).toFixed(2)}x  down ${(rDown / nDown).toFixed(2)}x`);
      for (const [name, t] of ours) {
        const up = mbps(median(t.up));
        const down = mbps(median(t.down));
        results.push({ name: `sftp ${short}: ${name} up`, value: up, unit: 'MB/s', ratio: up / nUp, goal: null }, { name: `sftp ${short}: ${name} down`, value: down, unit: 'MB/s', ratio: down / nDown, goal: null });
        const vsRaw = name.includes('core/ssh') ? `   vs raw channel: up ${(up / rUp).toFixed(2)}x  down ${(down / rDown).toFixed(2)}x` : '';
        console.log(`  ${name.padEnd(44)} up ${up.toFixed(0).padStart(5)} MB/s   down ${down.toFixed(0).padStart(5)} MB/s   ratio vs OpenSSH: up ${(up / nUp).toFixed(2)}x  down ${(down / nDown).toFixed(2)}x${vsRaw}`);
      }
    } finally {
      await sshd.stop();
    }
  }
  record(results);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
