// SSH throughput on loopback, same sshd, same cipher, same run, MB/s (10^6 B/s) and ratios:
//  1. raw channel: 256 MiB into `cat > /dev/null` through core/ssh in Node (direct TCP, and through
//     the gateway's WebSocket relay) and in headless Chromium (worker, through the gateway) vs
//     OpenSSH `ssh host 'cat > /dev/null'`;
//  2. SFTP in Chromium through the gateway (core/sftp on core/ssh, upload from a Blob, download
//     discarded) vs OpenSSH `sftp` put/get (handshake not counted for either): goal >= 0.5x.
// Chromium runs over plain CDP (bench/support/cdp-chromium.ts), never with the driver's Network
// instrumentation. Ciphers: aes128-gcm, aes128-ctr, aes256-ctr and chacha20-poly1305 (issue 14 asks
// whether the latter is the fastest in the browser). SSH_BENCH_MIB sets the size,
// SSH_BENCH_CIPHERS the cipher list.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { startSshd } from '../test/support/sshd.ts';
import { connectTo } from '../test/support/ssh-client.ts';
import { ed25519TestKey } from '../test/support/ssh-test-keys.ts';
import { browserKey, startBrowserGateway } from './support/browser-gateway.ts';
import { OpenSshSftp } from './support/openssh-sftp.ts';
import { loadResult, record, type BenchResult } from './support/results.ts';
import { WebSocket as WsWebSocket } from 'ws';
import { connectWebSocket } from '../core/ssh/transport-websocket.ts';
import { connectSsh } from '../core/ssh/connection.ts';
import { pinnedHostKeyPolicy } from '../core/ssh/host-key-policy.ts';

const MiB = 1024 * 1024;
const SIZE_MIB = Number(process.env.SSH_BENCH_MIB ?? 256);
const SIZE = SIZE_MIB * MiB;
const CIPHERS = (process.env.SSH_BENCH_CIPHERS ?? 'aes128-gcm@openssh.com,aes128-ctr,aes256-ctr,chacha20-poly1305@openssh.com').split(',');
const MAC = 'hmac-sha2-256';
const mbps = (seconds: number) => SIZE / 1e6 / seconds;

const dir = mkdtempSync(join(tmpdir(), 'courier-bench-ssh-'));
const payload = join(dir, 'payload.bin');
writeFileSync(payload, Buffer.alloc(SIZE, 0x5a));
readFileSync(payload); // into the page cache
const opensshKey = join(dir, 'id_ed25519');
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', opensshKey]);
const ourKey = ed25519TestKey();
const webKey = browserKey();

const sshd = await startSshd({ authorizedKeys: [readFileSync(`${opensshKey}.pub`, 'utf8').trim(), ourKey.authorizedKey, webKey.authorizedKey], ciphers: CIPHERS.join(','), macs: `${MAC},hmac-sha2-512` });
// A TCP sink behind the gateway: counts bytes, answers one byte when all arrived (no SSH at all).
const sink = createServer((s) => {
  let n = 0;
  s.on('data', (d: Buffer) => {
    n += d.length;
    if (n >= SIZE) s.write('k');
  });
  s.on('error', () => {});
});
await new Promise<void>((ok) => sink.listen(0, '127.0.0.1', ok));
const web = await startBrowserGateway({ bench: { host: sshd.host, port: sshd.port }, sink: { host: '127.0.0.1', port: (sink.address() as AddressInfo).port } });
const knownHosts = join(dir, 'known_hosts');
writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKeys.ed25519}\n`);

/** OpenSSH sftp put then get, handshake not counted (seconds each). */
async function opensshSftp(cipher: string): Promise<{ up: number; down: number }> {
  const s = await OpenSshSftp.open({ host: '127.0.0.1', port: sshd.port, user: sshd.user, key: opensshKey, knownHosts }, { ciphers: cipher, macs: MAC });
  try {
    const up = await s.command(`put ${payload} native.bin`);
    const down = await s.command(`get native.bin ${join(dir, 'native-down.bin')}`);
    return { up: up.seconds, down: down.seconds };
  } finally {
    await s.close();
  }
}

function openssh(cipher: string): number {
  const t0 = performance.now();
  const r = spawnSync('sh', ['-c', `ssh -c ${cipher} -m ${MAC} -i ${opensshKey} -p ${sshd.port} -o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes -o BatchMode=yes ${sshd.user}@127.0.0.1 'cat > /dev/null' < ${payload}`]);
  if (r.status !== 0) throw new Error(`ssh failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

async function nodeDirect(cipher: string): Promise<number> {
  const conn = await connectTo(sshd, { auth: { key: ourKey }, algorithms: { ciphers: [cipher], macs: [MAC] } });
  const channel = await conn.exec('cat > /dev/null');
  const chunk = new Uint8Array(256 * 1024).fill(0x5a);
  const t0 = performance.now();
  for (let sent = 0; sent < SIZE; sent += chunk.length) await channel.write(chunk);
  await channel.close();
  const s = (performance.now() - t0) / 1000;
  await conn.close();
  return s;
}

/** Node again, but through the gateway's WebSocket relay like the browser (separates browser costs from relay costs). */
async function nodeViaGateway(cipher: string): Promise<number> {
  // The gateway only relays for its own Origin, as a browser would send it.
  const origin = web.url.replace(/\/$/, '');
  const Impl = class extends WsWebSocket {
    constructor(url: string) {
      super(url, { origin });
    }
  };
  const transport = await connectWebSocket({ url: web.relayUrl('bench'), WebSocketImpl: Impl as unknown as typeof WebSocket, description: 'gateway' });
  const conn = await connectSsh(transport, {
    target: 'bench',
    username: sshd.user,
    hostKeyPolicy: pinnedHostKeyPolicy({ pins: Object.values(sshd.hostKeyFingerprints) }),
    auth: { key: ourKey },
    algorithms: { ciphers: [cipher], macs: [MAC] },
  });
  const channel = await conn.exec('cat > /dev/null');
  const chunk = new Uint8Array(256 * 1024).fill(0x5a);
  const t0 = performance.now();
  for (let sent = 0; sent < SIZE; sent += chunk.length) await channel.write(chunk);
  await channel.close();
  const s = (performance.now() - t0) / 1000;
  await conn.close();
  return s;
}

async function chromium(cipher: string): Promise<{ raw: number; up: number; down: number; connectMs: number; cpuUp: number; cpuDown: number }> {
  const c = await web.call<{ connectMs: number }>('connect', { url: web.relayUrl('bench'), username: sshd.user, pins: Object.values(sshd.hostKeyFingerprints), ed25519: webKey, ciphers: [cipher] });
  try {
    const r = await web.call<{ seconds: number }>('raw', { bytes: SIZE });
    await web.call('prepare', { bytes: SIZE });
    let cpu = web.browser.cpuSeconds();
    const up = await web.call<{ seconds: number; bytes: number }>('up', { bytes: SIZE, remote: 'chromium.bin' });
    const cpuUp = web.browser.cpuSeconds() - cpu;
    cpu = web.browser.cpuSeconds();
    const down = await web.call<{ seconds: number; bytes: number }>('down', { remote: 'chromium.bin' });
    const cpuDown = web.browser.cpuSeconds() - cpu;
    if (up.bytes !== SIZE || down.bytes !== SIZE) throw new Error(`sftp moved ${up.bytes}/${down.bytes} bytes`);
    return { raw: r.seconds, up: up.seconds, down: down.seconds, connectMs: c.connectMs, cpuUp, cpuDown };
  } finally {
    await web.call('close');
  }
}

const rows: string[] = [];
const results: BenchResult[] = [loadResult('ssh')];
console.log(`${SIZE_MIB} MiB on loopback; MAC ${MAC} where the cipher needs one; Chromium goes through the gateway relay (plain CDP)`);
console.log(`load at start: ${execFileSync('uptime').toString().trim()}`);
try {
  for (const cipher of CIPHERS) {
    const ref = mbps(openssh(cipher));
    const node = mbps(await nodeDirect(cipher));
    const native = await opensshSftp(cipher);
    const put = mbps(native.up);
    const get = mbps(native.down);
    const nodeGw = mbps(await nodeViaGateway(cipher));
    const web1 = await chromium(cipher);
    const relay = mbps((await web.call<{ seconds: number }>('rawRelay', { url: web.relayUrl('sink'), bytes: SIZE })).seconds);
    const [raw, up, down] = [mbps(web1.raw), mbps(web1.up), mbps(web1.down)];
    const short = cipher.replace('@openssh.com', '');
    const per256 = (cpu: number) => (cpu * 256 * MiB) / SIZE;
    results.push(
      { name: `ssh ${short}: OpenSSH raw channel`, value: ref, unit: 'MB/s', ratio: null, goal: null },
      { name: `ssh ${short}: Node core/ssh raw channel`, value: node, unit: 'MB/s', ratio: node / ref, goal: null },
      { name: `ssh ${short}: Node core/ssh raw channel via gateway`, value: nodeGw, unit: 'MB/s', ratio: nodeGw / ref, goal: null },
      { name: `ssh ${short}: Chromium raw channel via gateway`, value: raw, unit: 'MB/s', ratio: raw / ref, goal: null },
      { name: `ssh ${short}: OpenSSH sftp up`, value: put, unit: 'MB/s', ratio: null, goal: null },
      { name: `ssh ${short}: Chromium sftp up`, value: up, unit: 'MB/s', ratio: up / put, goal: 0.5 },
      { name: `ssh ${short}: OpenSSH sftp down`, value: get, unit: 'MB/s', ratio: null, goal: null },
      { name: `ssh ${short}: Chromium sftp down`, value: down, unit: 'MB/s', ratio: down / get, goal: 0.5 },
      { name: `ssh ${short}: Chromium CPU-s per 256 MiB sftp up (all processes)`, value: per256(web1.cpuUp), unit: 's', ratio: null, goal: null },
      { name: `ssh ${short}: Chromium CPU-s per 256 MiB sftp down (all processes)`, value: per256(web1.cpuDown), unit: 's', ratio: null, goal: null },
      { name: `ssh ${short}: plain bytes through the gateway from Chromium, no SSH`, value: relay, unit: 'MB/s', ratio: null, goal: null },
    );
    const x = (a: number, b: number) => `${a.toFixed(0).padStart(5)} (${(a / b).toFixed(2)}x)`;
    rows.push(
      `${cipher.padEnd(23)} raw: OpenSSH ${ref.toFixed(0).padStart(4)}  Node ${x(node, ref)}  Node via gateway ${x(nodeGw, ref)}  Chromium ${x(raw, ref)}   ` +
        `sftp up: OpenSSH ${put.toFixed(0).padStart(4)}  Chromium ${x(up, put)}   sftp down: OpenSSH ${get.toFixed(0).padStart(4)}  Chromium ${x(down, get)}   ` +
        `(Chromium: connect ${web1.connectMs.toFixed(0)} ms; CPU-s per 256 MiB up ${per256(web1.cpuUp).toFixed(2)} down ${per256(web1.cpuDown).toFixed(2)}; same bytes without SSH through the gateway ${relay.toFixed(0)} MB/s)`,
    );
    console.log(rows[rows.length - 1]);
  }
  record(results);
} finally {
  await web.close();
  await sshd.stop();
  sink.close();
}
