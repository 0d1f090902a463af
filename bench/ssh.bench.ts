// Raw SSH channel throughput: 256 MiB into `cat > /dev/null` through core/ssh — in Node over
// direct TCP, and in headless Chromium (Worker, WebCrypto) through the gateway relay — against
// OpenSSH `ssh host 'cat > /dev/null'` with the same cipher, same sshd, same run. Prints MB/s
// (10^6 B/s) and the ratios. SSH_BENCH_MIB sets the size, SSH_BENCH_CIPHERS the cipher list.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd } from '../test/support/sshd.ts';
import { connectTo } from '../test/support/ssh-client.ts';
import { ed25519TestKey } from '../test/support/ssh-test-keys.ts';
import { startBrowserSsh } from '../test/support/ssh-browser-harness.ts';

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
const web = await startBrowserSsh({ bench: { host: sshd.host, port: sshd.port, label: 'bench', hostKeyFingerprints: [], local: true } });
const knownHosts = join(dir, 'known_hosts');
writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKeys.ed25519}\n`);

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

async function chromium(cipher: string): Promise<number> {
  const ed25519 = await webKey();
  await web.call('connect', { url: web.relayUrl('bench'), username: sshd.user, pins: Object.values(sshd.hostKeyFingerprints), ed25519, ciphers: [cipher] });
  const r = await web.call<{ seconds: number }>('upload', { mib: SIZE_MIB });
  await web.call('close');
  return r.seconds;
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

console.log(`SSH raw channel upload, ${SIZE_MIB} MiB into 'cat > /dev/null', MAC ${MAC} where the cipher needs one`);
console.log('cipher                   OpenSSH MB/s   Node direct MB/s (ratio)   Chromium via gateway MB/s (ratio)');
try {
  for (const cipher of CIPHERS) {
    const ref = mbps(openssh(cipher));
    const node = mbps(await nodeDirect(cipher));
    const browser = mbps(await chromium(cipher));
    console.log(`${cipher.padEnd(24)} ${ref.toFixed(0).padStart(8)}       ${node.toFixed(0).padStart(8)} (${(node / ref).toFixed(2)}x)        ${browser.toFixed(0).padStart(8)} (${(browser / ref).toFixed(2)}x)`);
  }
} finally {
  await web.close();
  await sshd.stop();
}
