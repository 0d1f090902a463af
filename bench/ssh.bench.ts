// SSH throughput, same sshd, same cipher, same run, MB/s (10^6 B/s) and ratios:
//  1. raw channel: 256 MiB into `cat > /dev/null` through core/ssh in Node (direct TCP) and in
//     headless Chromium (Worker, WebCrypto, through the gateway relay) vs OpenSSH `ssh host 'cat > /dev/null'`;
//  2. SFTP in Chromium through the gateway (core/sftp on core/ssh, upload from a Blob, download
//     discarded) vs OpenSSH `sftp` put/get: the goal is >= 0.5x.
// SSH_BENCH_MIB sets the size, SSH_BENCH_CIPHERS the cipher list.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { startSshd } from '../test/support/sshd.ts';
import { connectTo } from '../test/support/ssh-client.ts';
import { ed25519TestKey } from '../test/support/ssh-test-keys.ts';
import { startBrowserSsh } from '../test/support/ssh-browser-harness.ts';
import { WebSocket as WsWebSocket } from 'ws';
import { connectWebSocket } from '../core/ssh/transport-websocket.ts';
import { connectSsh } from '../core/ssh/connection.ts';
import { pinnedHostKeyPolicy } from '../core/ssh/host-key-policy.ts';

const MiB = 1024 * 1024;
const SIZE_MIB = Number(process.env.SSH_BENCH_MIB ?? 256);
const SIZE = SIZE_MIB * MiB;
const CIPHERS = (process.env.SSH_BENCH_CIPHERS ?? 'aes128-gcm@openssh.com,aes128-ctr,aes256-ctr').split(',');
const MAC = 'hmac-sha2-256';
const mbps = (seconds: number) => SIZE / 1e6 / seconds;

const dir = mkdtempSync(join(tmpdir(), 'courier-bench-ssh-'));
const payload = join(dir, 'payload.bin');
writeFileSync(payload, Buffer.alloc(SIZE, 0x5a));
readFileSync(payload); // into the page cache
const opensshKey = join(dir, 'id_ed25519');
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', opensshKey]);
const ourKey = ed25519TestKey();

const sshd = await startSshd({ authorizedKeys: [readFileSync(`${opensshKey}.pub`, 'utf8').trim(), ourKey.authorizedKey], ciphers: CIPHERS.join(','), macs: `${MAC},hmac-sha2-512` });
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
const web = await startBrowserSsh({
  bench: { host: sshd.host, port: sshd.port, label: 'bench', hostKeyFingerprints: [], local: true },
  sink: { host: '127.0.0.1', port: (sink.address() as AddressInfo).port, label: 'sink', hostKeyFingerprints: [], local: true },
});
const knownHosts = join(dir, 'known_hosts');
writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKeys.ed25519}\n`);

function opensshSftp(cipher: string, command: string): number {
  const t0 = performance.now();
  const r = spawnSync('sftp', ['-q', '-b', '-', '-i', opensshKey, '-P', String(sshd.port), '-o', `Ciphers=${cipher}`, '-o', `MACs=${MAC}`, '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', `${sshd.user}@127.0.0.1`], { input: `${command}\n`, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sftp ${command} failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
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
  const origin = web.gateway.url.replace(/\/$/, '');
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

async function chromium(cipher: string): Promise<{ raw: number; up: number; down: number; connectMs: number }> {
  const ed25519 = await webKey();
  const c = await web.call<{ connectMs: number }>('connect', { url: web.relayUrl('bench'), username: sshd.user, pins: Object.values(sshd.hostKeyFingerprints), ed25519, ciphers: [cipher] });
  const r = await web.call<{ seconds: number }>('upload', { mib: SIZE_MIB });
  const f = await web.call<{ upSeconds: number; downSeconds: number; uploaded: number; received: number }>('sftp', { mib: SIZE_MIB, remote: 'chromium.bin' });
  if (f.uploaded !== SIZE || f.received !== SIZE) throw new Error(`sftp moved ${f.uploaded}/${f.received} bytes`);
  await web.call('close');
  return { raw: r.seconds, up: f.upSeconds, down: f.downSeconds, connectMs: c.connectMs };
}

let cachedWebKey: { jwk: JsonWebKey; blob: string } | null = null;
async function webKey() {
  if (cachedWebKey) return cachedWebKey;
  const { generateKeyPairSync } = await import('node:crypto');
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  const blob = Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]);
  writeFileSync(join(sshd.sftpRoot, '..', 'authorized_keys'), `${readFileSync(join(sshd.sftpRoot, '..', 'authorized_keys'), 'utf8')}ssh-ed25519 ${blob.toString('base64')}\n`);
  cachedWebKey = { jwk: privateKey.export({ format: 'jwk' }), blob: blob.toString('base64') };
  return cachedWebKey;
}

const rows: string[] = [];
console.log(`${SIZE_MIB} MiB on loopback; MAC ${MAC} where the cipher needs one; Chromium goes through the gateway relay`);
try {
  for (const cipher of CIPHERS) {
    const ref = mbps(openssh(cipher));
    const node = mbps(await nodeDirect(cipher));
    const put = mbps(opensshSftp(cipher, `put ${payload} native.bin`));
    const get = mbps(opensshSftp(cipher, `get native.bin ${join(dir, 'native-down.bin')}`));
    const nodeGw = mbps(await nodeViaGateway(cipher));
    const web1 = await chromium(cipher);
    const relay = mbps((await web.call<{ seconds: number }>('rawRelay', { url: web.relayUrl('sink'), mib: SIZE_MIB })).seconds);
    const [raw, up, down] = [mbps(web1.raw), mbps(web1.up), mbps(web1.down)];
    const x = (a: number, b: number) => `${a.toFixed(0).padStart(5)} (${(a / b).toFixed(2)}x)`;
    rows.push(
      `${cipher.padEnd(23)} raw: OpenSSH ${ref.toFixed(0).padStart(4)}  Node ${x(node, ref)}  Node via gateway ${x(nodeGw, ref)}  Chromium ${x(raw, ref)}   ` +
        `sftp up: OpenSSH ${put.toFixed(0).padStart(4)}  Chromium ${x(up, put)}   sftp down: OpenSSH ${get.toFixed(0).padStart(4)}  Chromium ${x(down, get)}   ` +
        `(Chromium: connect ${web1.connectMs.toFixed(0)} ms; same bytes without SSH through the gateway ${relay.toFixed(0)} MB/s)`,
    );
    console.log(rows[rows.length - 1]);
  }
} finally {
  await web.close();
  await sshd.stop();
  sink.close();
}
