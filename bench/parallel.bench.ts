// Parallel SFTP channels over emulated links, uploads, in one run. On a long link one channel
// carries at most its window per round trip (sshd grants 2 MiB), whoever the client: more
// channels, each with its own window, are the lever. Compared: OpenSSH `sftp` put (one file, plain
// and -R 256 -B 261120), N `sftp` processes side by side (lftp-style; sftp cannot split one file),
// core/sftp in Node and Chromium (through the gateway) writing one file over N channels, and what
// the Deliver screen runs (DeliveryRun: SHA-1 while sending, temporary name, fsync, rename, X.hash)
// with 1 and N channels, for one file and for N files. Links as in wan.bench.ts.
// Environment: PARALLEL_BENCH_MIB (64), PARALLEL_BENCH_ROUNDS (3), PARALLEL_BENCH_CHANNELS (3),
// PARALLEL_BENCH_CIPHER (aes128-gcm@openssh.com), WAN_BENCH_LINKS.
import { execFileSync } from 'node:child_process';
import { SftpSession, uploadFile } from '../core/sftp/index.ts';
import { OpenSshSftp } from './support/openssh-sftp.ts';
import { loadResult, mbps, median, record, type BenchResult } from './support/results.ts';
import { isLoopback, loadNow, MAC, MiB, parseLinks, startWanLab, type Link, type WanLab } from './support/wan-lab.ts';

const SIZE = Number(process.env.PARALLEL_BENCH_MIB ?? 64) * MiB;
const ROUNDS = Number(process.env.PARALLEL_BENCH_ROUNDS ?? 3);
const N = Number(process.env.PARALLEL_BENCH_CHANNELS ?? 3);
const CIPHER = process.env.PARALLEL_BENCH_CIPHER ?? 'aes128-gcm@openssh.com';
const LINKS = parseLinks(process.env.WAN_BENCH_LINKS ?? '0,20:1000,60:1000,20:100');
/** Each of the N files when several go side by side. */
const PART = Math.floor(SIZE / N / MiB) * MiB;

const watchdog = setTimeout(() => {
  console.error('parallel bench: gave up after 60 minutes');
  process.exit(1);
}, 60 * 60_000);
watchdog.unref();

type Row =
  | 'OpenSSH sftp put'
  | 'OpenSSH sftp -R 256 -B 261120 put'
  | `OpenSSH ${number} sftp processes, ${number} files`
  | `Node core/sftp, 1 file over ${number} channels`
  | 'Chromium sftp, 1 file over 1 channel'
  | `Chromium sftp, 1 file over ${number} channels`
  | 'Chromium delivery, 1 file, 1 channel'
  | `Chromium delivery, 1 file, ${number} channels`
  | `Chromium delivery, ${number} files, ${number} channels`;

const ROWS: Row[] = [
  'OpenSSH sftp put', 'OpenSSH sftp -R 256 -B 261120 put', `OpenSSH ${N} sftp processes, ${N} files`,
  `Node core/sftp, 1 file over ${N} channels`,
  'Chromium sftp, 1 file over 1 channel', `Chromium sftp, 1 file over ${N} channels`,
  'Chromium delivery, 1 file, 1 channel', `Chromium delivery, 1 file, ${N} channels`, `Chromium delivery, ${N} files, ${N} channels`,
];
const bytesOf = (row: Row) => (row.includes(`${N} files`) ? N * PART : SIZE);

/** Issue 14: at 60 ms · 1 Gbit, >= 1.5x OpenSSH up with parallel channels. */
const goal = (link: Link, row: Row) => (link.rttMs === 60 && link.rateMbit >= 1000 && row.startsWith('Chromium') && !row.includes('1 channel') ? 1.5 : null);

async function openssh(lab: WanLab, link: Link, extraArgs: string[]): Promise<number> {
  const s = await OpenSshSftp.open(lab.opensshTarget(link), { ciphers: CIPHER, macs: MAC, extraArgs });
  try {
    return (await s.command(`put ${lab.payload(SIZE)} native.bin`)).seconds;
  } finally {
    await s.close();
  }
}

/** N sftp processes, connected first, then each putting its own file at the same moment. */
async function opensshSideBySide(lab: WanLab, link: Link): Promise<number> {
  const sessions = await Promise.all(Array.from({ length: N }, () => OpenSshSftp.open(lab.opensshTarget(link), { ciphers: CIPHER, macs: MAC })));
  try {
    const t0 = performance.now();
    await Promise.all(sessions.map((s, i) => s.command(`put ${lab.payload(PART)} native-${i}.bin`)));
    return (performance.now() - t0) / 1000;
  } finally {
    await Promise.all(sessions.map((s) => s.close()));
  }
}

async function nodeSplit(lab: WanLab, link: Link): Promise<number> {
  const ssh = await lab.nodeConnect(link, CIPHER);
  try {
    const sessions = await Promise.all(Array.from({ length: N }, async () => SftpSession.open(await ssh.openSubsystem('sftp'))));
    const t0 = performance.now();
    const r = await uploadFile(sessions[0]!, 'node.bin', lab.source(SIZE), { mode: 'direct', overwrite: true, fsync: false, lanes: sessions.slice(1) });
    const s = (performance.now() - t0) / 1000;
    if (r.bytes !== SIZE) throw new Error(`node split upload sent ${r.bytes}`);
    await Promise.all(sessions.map((x) => x.close()));
    return s;
  } finally {
    await ssh.close();
  }
}

async function chromium(lab: WanLab, link: Link, op: string, args: object): Promise<{ seconds: number; cpu: number }> {
  await lab.chromiumConnect(link, CIPHER);
  try {
    await lab.web.call('prepare', { bytes: SIZE });
    await lab.web.call('prepare', { bytes: PART });
    const cpu = lab.web.browser.cpuSeconds();
    const r = await lab.web.call<{ seconds: number }>(op, args);
    return { seconds: r.seconds, cpu: lab.web.browser.cpuSeconds() - cpu };
  } finally {
    await lab.web.call('close');
  }
}

const results: BenchResult[] = [loadResult('parallel')];
console.log(`uploads, ${CIPHER} + ${MAC}; ${SIZE / MiB} MiB (or ${N} x ${PART / MiB} MiB), ${ROUNDS} rounds (medians), ${N} channels; MB/s = 10^6 B/s`);
console.log(`load at start: ${execFileSync('uptime').toString().trim()}`);
const lab = await startWanLab(LINKS, [CIPHER]);
try {
  const table: string[] = [];
  for (const link of LINKS) {
    const t = new Map<Row, number[]>(ROWS.map((r) => [r, []]));
    const cpu = new Map<Row, number[]>();
    const put = (row: Row, seconds: number, cpuSeconds?: number) => {
      t.get(row)!.push(seconds);
      if (cpuSeconds !== undefined) cpu.set(row, [...(cpu.get(row) ?? []), cpuSeconds]);
    };
    for (let r = 0; r < ROUNDS; r++) {
      // Interleaved, so drift on this shared machine hits every client alike.
      put(ROWS[0]!, await openssh(lab, link, []));
      put(ROWS[1]!, await openssh(lab, link, ['-R', '256', '-B', '261120']));
      put(ROWS[2]!, await opensshSideBySide(lab, link));
      put(ROWS[3]!, await nodeSplit(lab, link));
      let c = await chromium(lab, link, 'up', { bytes: SIZE, remote: 'chromium.bin' });
      put(ROWS[4]!, c.seconds, c.cpu);
      c = await chromium(lab, link, 'upSplit', { bytes: SIZE, remote: 'chromium.bin', channels: N });
      put(ROWS[5]!, c.seconds, c.cpu);
      c = await chromium(lab, link, 'deliver', { files: 1, bytes: SIZE, parallel: 1, folder: '' });
      put(ROWS[6]!, c.seconds, c.cpu);
      c = await chromium(lab, link, 'deliver', { files: 1, bytes: SIZE, parallel: N, folder: '' });
      put(ROWS[7]!, c.seconds, c.cpu);
      c = await chromium(lab, link, 'deliver', { files: N, bytes: PART, parallel: N, folder: '' });
      put(ROWS[8]!, c.seconds, c.cpu);
    }
    const rate = (row: Row) => mbps(bytesOf(row), median(t.get(row)!));
    const ref = rate(ROWS[0]!);
    table.push(`${link.label}${isLoopback(link) ? '' : ` (the link alone: ${link.rateMbit ? `${(link.rateMbit / 8).toFixed(1)} MB/s` : 'unlimited'})`}`);
    for (const row of ROWS) {
      const c = cpu.get(row);
      const per256 = c ? (median(c) * 256 * MiB) / bytesOf(row) : undefined;
      table.push(`  ${row.padEnd(44)} ${rate(row).toFixed(1).padStart(6)} MB/s  ${(rate(row) / ref).toFixed(2)}x${per256 !== undefined ? `   CPU ${per256.toFixed(2)} s per 256 MiB` : ''}`);
      results.push({ name: `parallel ${link.id}: ${row} (ratio vs OpenSSH sftp put)`, value: rate(row), unit: 'MB/s', ratio: row === ROWS[0] ? null : rate(row) / ref, goal: goal(link, row) });
      if (per256 !== undefined) results.push({ name: `parallel ${link.id}: ${row}, Chromium CPU-s per 256 MiB (lower is better)`, value: per256, unit: 's', ratio: null, goal: null });
    }
    console.log(`  ... ${link.label} done (load ${loadNow()})`);
  }
  console.log('');
  for (const line of table) console.log(line);
  console.log(`load at end: ${execFileSync('uptime').toString().trim()}`);
  record(results);
} finally {
  await lab.stop();
}
