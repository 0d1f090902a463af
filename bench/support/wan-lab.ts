// The set-up the WAN benches share: one sshd, a link relay in front of it per emulated link, the
// gateway and Chromium (plain CDP) with a target per link, a payload on disk, keys for OpenSSH, for
// Node and for the browser, and a known_hosts file for every port the clients dial. For OpenSSH and
// Node the link sits between client and server; for Chromium between the gateway and the server
// (the gateway next to the user).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type RunningSshd } from '../../test/support/sshd.ts';
import { connectTcp } from '../../core/ssh/transport-node.ts';
import { connectSsh, type SshConnection } from '../../core/ssh/connection.ts';
import { pinnedHostKeyPolicy } from '../../core/ssh/host-key-policy.ts';
import type { SeekableSource } from '../../core/sftp/index.ts';
import { CryptoSshUserKey, readPrivateKeyFile } from '../../core/keys/index.ts';
import { startLinkRelay, type LinkShape, type RunningLink } from './link-relay.ts';
import { browserKey, startBrowserGateway, type BrowserGateway } from './browser-gateway.ts';
import type { OpenSshTarget } from './openssh-sftp.ts';
import { mbps, median } from './results.ts';

export const MiB = 1024 * 1024;
export const MAC = 'hmac-sha2-256-etm@openssh.com';

export interface Link extends LinkShape {
  id: string;
  label: string;
}

export const isLoopback = (l: LinkShape) => l.rttMs === 0 && l.rateMbit === 0;

/** `0,20:1000,60:1000,20:100`: RTT in ms, optionally `:rate` in Mbit/s. */
export function parseLinks(spec: string): Link[] {
  return spec.split(',').map((s) => {
    const [rtt, rate] = s.split(':').map(Number);
    const rttMs = rtt ?? 0;
    const rateMbit = rate ?? 0;
    const label = rttMs === 0 && rateMbit === 0 ? '0 ms (loopback)' : `${rttMs} ms RTT${rateMbit ? ` · ${rateMbit >= 1000 ? `${rateMbit / 1000} Gbit` : `${rateMbit} Mbit`}` : ''}`;
    return { id: `rtt${rttMs}-${rateMbit || 'unlimited'}`, label, rttMs, rateMbit };
  });
}

export interface WanLab {
  dir: string;
  sshd: RunningSshd;
  /** Where a client dials for each link (sshd itself for loopback, else the link's relay). */
  endpoints: Map<string, { host: string; port: number }>;
  web: BrowserGateway;
  webKey: { jwk: JsonWebKey; blob: string };
  /** A random payload file of `bytes` on disk (made once, in the page cache). */
  payload(bytes: number): string;
  source(bytes: number): SeekableSource;
  opensshTarget(link: Link): OpenSshTarget;
  nodeConnect(link: Link, cipher: string): Promise<SshConnection>;
  /** Opens the worker's connection to `link` (through the gateway). */
  chromiumConnect(link: Link, cipher: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startWanLab(links: Link[], ciphers: string[]): Promise<WanLab> {
  const dir = mkdtempSync(join(tmpdir(), 'courier-bench-wan-'));
  const key = join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const nodeKey = await CryptoSshUserKey.fromMaterial((await readPrivateKeyFile(readFileSync(key))).key);
  const webKey = browserKey();
  const payloads = new Map<number, string>();
  const payload = (bytes: number) => {
    let p = payloads.get(bytes);
    if (!p) {
      p = join(dir, `payload-${bytes}.bin`);
      writeFileSync(p, randomBytes(bytes));
      readFileSync(p); // page cache
      payloads.set(bytes, p);
    }
    return p;
  };
  const sshd = await startSshd({ ciphers: ciphers.join(','), macs: MAC, authorizedKeys: [readFileSync(`${key}.pub`, 'utf8').trim(), webKey.authorizedKey] });
  const relays: RunningLink[] = [];
  let web: BrowserGateway | null = null;
  try {
    const endpoints = new Map<string, { host: string; port: number }>();
    for (const link of links) {
      if (isLoopback(link)) endpoints.set(link.id, { host: sshd.host, port: sshd.port });
      else {
        const relay = await startLinkRelay({ host: sshd.host, port: sshd.port }, link);
        relays.push(relay);
        endpoints.set(link.id, { host: '127.0.0.1', port: relay.port });
      }
    }
    const knownHosts = join(dir, 'known_hosts');
    // One host-key line per port the clients dial (sshd itself and each relay in front of it).
    writeFileSync(knownHosts, [...endpoints.values()].flatMap((e) => Object.values(sshd.hostPublicKeys).map((k) => `[127.0.0.1]:${e.port} ${k}`)).join('\n') + '\n');
    const gateway = await startBrowserGateway(Object.fromEntries(endpoints));
    web = gateway;
    const pins = Object.values(sshd.hostKeyFingerprints);
    return {
      dir,
      sshd,
      endpoints,
      web: gateway,
      webKey,
      payload,
      source(bytes) {
        const path = payload(bytes);
        return { size: bytes, openAt: (o) => createReadStream(path, { start: o, highWaterMark: MiB }) };
      },
      opensshTarget: (link) => ({ host: '127.0.0.1', port: endpoints.get(link.id)!.port, user: sshd.user, key, knownHosts }),
      async nodeConnect(link, cipher) {
        const target = endpoints.get(link.id)!;
        return connectSsh(await connectTcp(target), {
          target: `${target.host}:${target.port}`,
          username: sshd.user,
          hostKeyPolicy: pinnedHostKeyPolicy({ pins }),
          auth: { key: nodeKey },
          algorithms: { ciphers: [cipher], macs: [MAC] },
        });
      },
      async chromiumConnect(link, cipher) {
        await gateway.call('connect', { url: gateway.relayUrl(link.id), username: sshd.user, pins, ed25519: webKey, ciphers: [cipher], macs: [MAC] });
      },
      async stop() {
        await gateway.close();
        for (const r of relays) await r.stop();
        await sshd.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await web?.close();
    for (const r of relays) await r.stop();
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The relay alone, plain TCP to a sink in this process: its steady rate and round-trip time. */
export async function checkRelay(shape: LinkShape): Promise<{ rate: number; rttMs: number }> {
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

export const loadNow = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
