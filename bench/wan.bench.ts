// SFTP over emulated links, up and down, in one run: OpenSSH `sftp` (the native reference, also
// tuned with -R 256 -B 261120: -B 262144 fails, "Outbound message too long"), `courier`'s stack in Node (core/sftp over core/ssh, direct TCP) and
// Chromium through the gateway (worker, plain CDP: bench/support/cdp-chromium.ts). The link
// (bench/support/link-relay.ts: per-direction delay of RTT/2 and a rate limit) sits between the
// client and sshd, for the browser between the gateway and sshd (the gateway next to the user);
// "0 ms" is plain loopback, no relay. Also CPU seconds per 256 MiB for every client (Chromium: all
// its processes, from /proc; OpenSSH: sftp + ssh), the gateway's separately.
// Environment: WAN_BENCH_MIB (64), WAN_BENCH_ROUNDS (3), WAN_BENCH_CIPHERS (aes128-gcm@openssh.com,aes128-ctr),
// WAN_BENCH_LINKS (0,20:1000,60:1000,20:100 = RTT ms[:Mbit/s]), WAN_BENCH_TUNED=0 skips tuned OpenSSH.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type RunningSshd } from '../test/support/sshd.ts';
import { connectTcp } from '../core/ssh/transport-node.ts';
import { connectSsh } from '../core/ssh/connection.ts';
import { pinnedHostKeyPolicy } from '../core/ssh/host-key-policy.ts';
import { downloadFile, SftpSession, uploadFile, type SeekableSource } from '../core/sftp/index.ts';
import { CryptoSshUserKey, readPrivateKeyFile } from '../core/keys/index.ts';
import { startLinkRelay, type LinkShape, type RunningLink } from './support/link-relay.ts';
import { browserKey, startBrowserGateway, type BrowserGateway } from './support/browser-gateway.ts';
import { OpenSshSftp, type OpenSshTarget } from './support/openssh-sftp.ts';
import { loadResult, mbps, median, record, type BenchResult } from './support/results.ts';

const MiB = 1024 * 1024;
const SIZE = Number(process.env.WAN_BENCH_MIB ?? 64) * MiB;
const ROUNDS = Number(process.env.WAN_BENCH_ROUNDS ?? 3);
const CIPHERS = (process.env.WAN_BENCH_CIPHERS ?? 'aes128-gcm@openssh.com,aes128-ctr').split(',');
const MAC = 'hmac-sha2-256-etm@openssh.com';
const TUNED = process.env.WAN_BENCH_TUNED !== '0';

interface Link extends LinkShape {
  id: string;
  label: string;
}

function parseLinks(spec: string): Link[] {
  return spec.split(',').map((s) => {
    const [rtt, rate] = s.split(':').map(Number);
    const rttMs = rtt ?? 0;
    const rateMbit = rate ?? 0;
    const label = rttMs === 0 && rateMbit === 0 ? '0 ms (loopback)' : `${rttMs} ms RTT${rateMbit ? ` · ${rateMbit >= 1000 ? `${rateMbit / 1000} Gbit` : `${rateMbit} Mbit`}` : ''}`;
    return { id: `rtt${rttMs}-${rateMbit || 'unlimited'}`, label, rttMs, rateMbit };
  });
}
const LINKS = parseLinks(process.env.WAN_BENCH_LINKS ?? '0,20:1000,60:1000,20:100');

/** Issue 14's goals for Chromium vs OpenSSH, by link. */
function goal(link: Link, dir: 'up' | 'down'): number | null {
  if (link.rttMs === 0 && link.rateMbit === 0) return 0.5;
  if (link.rateMbit >= 1000 && link.rttMs === 20) return 1.0;
  // 60 ms up: the 1.5x goal is for parallel channels (sshd's 2 MiB window caps one channel).
  if (link.rateMbit >= 1000 && link.rttMs === 60) return dir === 'down' ? 1.5 : null;
  return null;
}

const watchdog = setTimeout(() => {
  console.error('wan bench: gave up after 90 minutes');
  process.exit(1);
}, 90 * 60_000);
watchdog.unref();

const dir = mkdtempSync(join(tmpdir(), 'courier-bench-wan-'));
const local = join(dir, 'payload.bin');
writeFileSync(local, randomBytes(SIZE));
readFileSync(local); // page cache
const key = join(dir, 'id_ed25519');
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
const nodeKey = await CryptoSshUserKey.fromMaterial((await readPrivateKeyFile(readFileSync(key))).key);
const webKey = browserKey();
const source: SeekableSource = { size: SIZE, openAt: (o) => createReadStream(local, { start: o, highWaterMark: MiB }) };

/** The relay alone, plain TCP to a sink in this process: its steady rate and round-trip time. */
async function checkRelay(shape: LinkShape): Promise<{ rate: number; rttMs: number }> {
  let first = 0;
  let last = 0;
  let got = 0;
  const sink = createServer({ allowHalfOpen: true }, (s) => {
    s.on('data', (d: Buffer) => {
      // Ping: one byte comes straight back.
      if (d.length === 1 && got === 0) return void s.write(d);
      if (first === 0) first = performance.now();
      got += d.length;
      last = performance.now();
    });
    s.on('end', () => s.end());
  });
  await new Promise<void>((ok) => sink.listen(0, '127.0.0.1', ok));
  const link = await startLinkRelay({ host: '127.0.0.1', port: (sink.address() as AddressInfo).port }, shape);
  try {
    const s = connect({ host: '127.0.0.1', port: link.port, noDelay: true });
    await new Promise((ok) => s.once('connect', ok));
    const rtts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      s.write(Buffer.from([1]));
      await new Promise((ok) => s.once('data', ok));
      rtts.push(performance.now() - t0);
    }
    const total = shape.rateMbit > 0 && shape.rateMbit < 1000 ? 16 * MiB : 128 * MiB;
    const chunk = Buffer.alloc(256 * 1024, 7);
    for (let sent = 0; sent < total; sent += chunk.length) if (!s.write(chunk)) await new Promise((ok) => s.once('drain', ok));
    s.end();
    await new Promise((ok) => s.once('close', ok));
    while (got < total) await new Promise((ok) => setTimeout(ok, 10));
    return { rate: mbps(got - 256 * 1024, (last - first) / 1000), rttMs: median(rtts) };
  } finally {
    await link.stop();
    sink.close();
  }
}

interface Sample {
  up: number[];
  down: number[];
  upCpu: number[];
  downCpu: number[];
}
const sample = (): Sample => ({ up: [], down: [], upCpu: [], downCpu: [] });

const nodeCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function nodeRound(target: { host: string; port: number }, sshd: RunningSshd, cipher: string, into: Sample): Promise<void> {
  const ssh = await connectSsh(await connectTcp(target), {
    target: `${target.host}:${target.port}`,
    username: sshd.user,
    hostKeyPolicy: pinnedHostKeyPolicy({ pins: Object.values(sshd.hostKeyFingerprints) }),
    auth: { key: nodeKey },
    algorithms: { ciphers: [cipher], macs: [MAC] },
  });
  try {
    const session = await SftpSession.open(await ssh.openSubsystem('sftp'));
    let cpu = nodeCpu();
    let t0 = performance.now();
    const r = await uploadFile(session, 'node.bin', source, { mode: 'direct', overwrite: true, fsync: false });
    into.up.push((performance.now() - t0) / 1000);
    into.upCpu.push(nodeCpu() - cpu);
    if (r.bytes !== SIZE) throw new Error(`node upload sent ${r.bytes}`);
    const fh = await open(join(dir, 'node-down.bin'), 'w');
    cpu = nodeCpu();
    t0 = performance.now();
    const d = await downloadFile(session, 'node.bin', async (c) => void (await fh.write(c)));
    into.down.push((performance.now() - t0) / 1000);
    into.downCpu.push(nodeCpu() - cpu);
    await fh.close();
    if (d.bytes !== SIZE) throw new Error(`node download got ${d.bytes}`);
    await session.close();
  } finally {
    await ssh.close();
  }
}

async function opensshRound(target: OpenSshTarget, cipher: string, extraArgs: string[], into: Sample): Promise<void> {
  const s = await OpenSshSftp.open(target, { ciphers: cipher, macs: MAC, extraArgs });
  try {
    const up = await s.command(`put ${local} native.bin`);
    into.up.push(up.seconds);
    into.upCpu.push(up.cpuSeconds);
    const down = await s.command(`get native.bin ${join(dir, 'native-down.bin')}`);
    into.down.push(down.seconds);
    into.downCpu.push(down.cpuSeconds);
    if (statSync(join(dir, 'native-down.bin')).size !== SIZE) throw new Error('sftp get size');
  } finally {
    await s.close();
  }
}

async function chromiumRound(web: BrowserGateway, link: Link, sshd: RunningSshd, cipher: string, into: Sample, gateway: number[]): Promise<void> {
  await web.call('connect', { url: web.relayUrl(link.id), username: sshd.user, pins: Object.values(sshd.hostKeyFingerprints), ed25519: webKey, ciphers: [cipher], macs: [MAC] });
  try {
    await web.call('prepare', { bytes: SIZE });
    let cpu = web.browser.cpuSeconds();
    let gw = web.gatewayCpuSeconds();
    const up = await web.call<{ seconds: number; bytes: number }>('up', { bytes: SIZE, remote: 'chromium.bin' });
    into.upCpu.push(web.browser.cpuSeconds() - cpu);
    gateway.push(web.gatewayCpuSeconds() - gw);
    into.up.push(up.seconds);
    if (up.bytes !== SIZE) throw new Error(`chromium upload sent ${up.bytes}`);
    cpu = web.browser.cpuSeconds();
    gw = web.gatewayCpuSeconds();
    const down = await web.call<{ seconds: number; bytes: number }>('down', { remote: 'chromium.bin' });
    into.downCpu.push(web.browser.cpuSeconds() - cpu);
    gateway.push(web.gatewayCpuSeconds() - gw);
    into.down.push(down.seconds);
    if (down.bytes !== SIZE) throw new Error(`chromium download got ${down.bytes}`);
  } finally {
    await web.call('close');
  }
}

const results: BenchResult[] = [loadResult('wan')];
const load0 = execFileSync('uptime').toString().trim();
console.log(`${SIZE / MiB} MiB, ${ROUNDS} rounds (medians), MAC ${MAC} with ctr; MB/s = 10^6 B/s; RTT = round trip, each direction delayed RTT/2`);
console.log(`load at start: ${load0}`);

// The relay alone must reach each link's rate, or it would be the bottleneck it emulates.
for (const link of LINKS.filter((l) => l.rttMs > 0 || l.rateMbit > 0)) {
  const c = await checkRelay(link);
  const linkRate = link.rateMbit > 0 ? (link.rateMbit * 1e6) / 8 / 1e6 : Number.NaN;
  console.log(`link relay alone, ${link.label.padEnd(22)} ${c.rate.toFixed(1).padStart(6)} MB/s${link.rateMbit ? ` (${(c.rate / linkRate).toFixed(2)}x the link rate)` : ''}, RTT ${c.rttMs.toFixed(1)} ms`);
  results.push({ name: `wan link relay alone ${link.id}: rate`, value: c.rate, unit: 'MB/s', ratio: link.rateMbit ? c.rate / linkRate : null, goal: link.rateMbit ? 0.97 : null });
  results.push({ name: `wan link relay alone ${link.id}: RTT`, value: c.rttMs, unit: 'ms', ratio: link.rttMs ? c.rttMs / link.rttMs : null, goal: null });
}

const sshd = await startSshd({
  ciphers: CIPHERS.join(','), macs: MAC,
  authorizedKeys: [readFileSync(`${key}.pub`, 'utf8').trim(), webKey.authorizedKey],
});
const relays = new Map<string, RunningLink>();
let web: BrowserGateway | null = null;
try {
  const knownHosts = join(dir, 'known_hosts');
  const endpoints = new Map<string, { host: string; port: number }>();
  for (const link of LINKS) {
    if (link.rttMs === 0 && link.rateMbit === 0) endpoints.set(link.id, { host: sshd.host, port: sshd.port });
    else {
      const relay = await startLinkRelay({ host: sshd.host, port: sshd.port }, link);
      relays.set(link.id, relay);
      endpoints.set(link.id, { host: '127.0.0.1', port: relay.port });
    }
  }
  // One host-key line per port the clients dial (sshd itself and each relay in front of it).
  writeFileSync(knownHosts, [...endpoints.values()].flatMap((e) => Object.values(sshd.hostPublicKeys).map((k) => `[127.0.0.1]:${e.port} ${k}`)).join('\n') + '\n');
  web = await startBrowserGateway(Object.fromEntries(endpoints));

  for (const cipher of CIPHERS) {
    const short = cipher.replace('@openssh.com', '');
    const table: string[] = [];
    const cpuTable: string[] = [];
    for (const link of LINKS) {
      const endpoint = endpoints.get(link.id)!;
      const target: OpenSshTarget = { host: '127.0.0.1', port: endpoint.port, user: sshd.user, key, knownHosts };
      const native = sample();
      const tuned = sample();
      const node = sample();
      const chromium = sample();
      const gatewayCpu: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        // Interleaved, so drift on this shared machine hits every client alike.
        await opensshRound(target, cipher, [], native);
        if (TUNED) await opensshRound(target, cipher, ['-R', '256', '-B', '261120'], tuned);
        await nodeRound(endpoint, sshd, cipher, node);
        await chromiumRound(web, link, sshd, cipher, chromium, gatewayCpu);
      }
      const rate = (s: Sample, d: 'up' | 'down') => mbps(SIZE, median(s[d]));
      const per256 = (s: Sample, d: 'up' | 'down') => (median(d === 'up' ? s.upCpu : s.downCpu) * 256 * MiB) / SIZE;
      const nUp = rate(native, 'up');
      const nDown = rate(native, 'down');
      const cell = (s: Sample) => `${rate(s, 'up').toFixed(1).padStart(6)}/${rate(s, 'down').toFixed(1).padEnd(6)} (${(rate(s, 'up') / nUp).toFixed(2)}/${(rate(s, 'down') / nDown).toFixed(2)})`;
      table.push(`  ${link.label.padEnd(22)} ${`${nUp.toFixed(1)}/${nDown.toFixed(1)}`.padEnd(14)} ${TUNED ? cell(tuned).padEnd(28) : ''} ${cell(node).padEnd(28)} ${cell(chromium)}`);
      const cpuCell = (s: Sample) => `${per256(s, 'up').toFixed(2)}/${per256(s, 'down').toFixed(2)}`;
      const nCpu = (d: 'up' | 'down') => per256(native, d);
      cpuTable.push(`  ${link.label.padEnd(22)} ${cpuCell(native).padEnd(14)} ${cpuCell(node).padEnd(14)} ${`${cpuCell(chromium)} (${(per256(chromium, 'up') / nCpu('up')).toFixed(1)}x/${(per256(chromium, 'down') / nCpu('down')).toFixed(1)}x)`.padEnd(26)} ${((median(gatewayCpu) * 256 * MiB) / SIZE).toFixed(2)}`);
      for (const d of ['up', 'down'] as const) {
        const n = rate(native, d);
        const name = (who: string) => `wan ${short} ${link.id}: ${who} sftp ${d}`;
        results.push({ name: name('OpenSSH'), value: n, unit: 'MB/s', ratio: null, goal: null });
        if (TUNED) results.push({ name: name('OpenSSH -R 256 -B 261120'), value: rate(tuned, d), unit: 'MB/s', ratio: rate(tuned, d) / n, goal: null });
        results.push({ name: name('Node core/sftp'), value: rate(node, d), unit: 'MB/s', ratio: rate(node, d) / n, goal: null });
        results.push({ name: name('Chromium'), value: rate(chromium, d), unit: 'MB/s', ratio: rate(chromium, d) / n, goal: goal(link, d) });
        const cpuName = (who: string) => `wan ${short} ${link.id}: ${who} CPU-s per 256 MiB ${d} (lower is better)`;
        results.push({ name: cpuName('OpenSSH client (sftp + ssh)'), value: per256(native, d), unit: 's', ratio: null, goal: null });
        results.push({ name: cpuName('Node core/sftp'), value: per256(node, d), unit: 's', ratio: per256(node, d) / per256(native, d), goal: null });
        results.push({ name: cpuName('Chromium (all processes)'), value: per256(chromium, d), unit: 's', ratio: per256(chromium, d) / per256(native, d), goal: 2 });
      }
      console.log(`  ... ${short} ${link.label} done (load ${execFileSync('cat', ['/proc/loadavg']).toString().split(' ')[0]})`);
    }
    console.log(`\n${cipher}: MB/s up/down (ratio vs OpenSSH sftp up/down)`);
    console.log(`  ${'link'.padEnd(22)} ${'OpenSSH'.padEnd(14)} ${TUNED ? 'OpenSSH -R256 -B255k'.padEnd(28) : ''} ${'Node core/sftp'.padEnd(28)} Chromium via gateway`);
    for (const row of table) console.log(row);
    console.log(`${cipher}: CPU seconds per 256 MiB up/down (Chromium: all its processes; ratio vs OpenSSH's sftp + ssh)`);
    console.log(`  ${'link'.padEnd(22)} ${'OpenSSH'.padEnd(14)} ${'Node'.padEnd(14)} ${'Chromium'.padEnd(26)} gateway`);
    for (const row of cpuTable) console.log(row);
  }
  console.log(`load at end: ${execFileSync('uptime').toString().trim()}`);
  record(results);
} finally {
  await web?.close();
  for (const r of relays.values()) await r.stop();
  await sshd.stop();
  rmSync(dir, { recursive: true, force: true });
}
