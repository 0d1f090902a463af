// Where the browser worker's time goes during an SFTP transfer: V8's sampling profiler in the
// bench worker (bench/browser/transfer-worker.ts: core/ssh + core/sftp bundled as the session
// worker runs them, here unminified for readable names) while it uploads and then downloads
// PROFILE_MIB (256) MiB through the gateway to a real sshd with PROFILE_CIPHER
// (aes128-gcm@openssh.com). Chromium is driven over plain CDP; only the Profiler domain is enabled
// on the worker (never Network). Prints self time by function and by kind, and writes the
// .cpuprofile files (open them in DevTools) to PROFILE_OUT (a temp dir).
// Not a *.bench.ts: `npm run bench` does not run it. `node --import tsx bench/profile-worker.ts`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd } from '../test/support/sshd.ts';
import { browserKey, startBrowserGateway } from './support/browser-gateway.ts';
import type { CpuProfile } from './support/cdp-chromium.ts';

const MiB = 1024 * 1024;
const SIZE = Number(process.env.PROFILE_MIB ?? 256) * MiB;
const CIPHER = process.env.PROFILE_CIPHER ?? 'aes128-gcm@openssh.com';
const MAC = 'hmac-sha2-256';
const OUT = process.env.PROFILE_OUT ?? mkdtempSync(join(tmpdir(), 'courier-profile-'));
mkdirSync(OUT, { recursive: true });

/** What a function is, for the summary: the kinds the issue's profile named. */
function kind(name: string, url: string): string {
  if (name === '(idle)') return 'idle (waiting: WebCrypto runs on other threads, the socket, the server)';
  if (name === '(garbage collector)') return 'garbage collection';
  if (name === '(program)') return 'V8/Blink outside JS (program)';
  if (url.startsWith('wasm://')) return 'WebAssembly';
  if (/^(set|slice|subarray|copyWithin|fill|TypedArray|Uint8Array|ArrayBuffer)$/.test(name)) return 'typed-array copies and allocation (native)';
  if (/^(encrypt|decrypt|importKey|digest|sign|getRandomValues)$/.test(name)) return 'WebCrypto calls (JS side)';
  if (/^(send|postMessage|get bufferedAmount)$/.test(name)) return 'WebSocket / messaging';
  if (url === '') return `other native (${name || 'anonymous'})`;
  return 'our JS';
}

interface Line {
  key: string;
  ms: number;
}

function summarize(label: string, p: CpuProfile): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const kinds = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
    const n = byId.get(p.samples[i]!)!;
    const f = n.callFrame;
    const file = f.url ? f.url.replace(/^.*\//, '') : '';
    const key = `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    const k = kind(f.functionName, f.url);
    kinds.set(k, (kinds.get(k) ?? 0) + dt);
    total += dt;
  }
  const pct = (ms: number) => `${((100 * ms) / total).toFixed(1).padStart(5)} %`;
  const top = (m: Map<string, number>, n: number): Line[] => [...m].map(([key, ms]) => ({ key, ms })).sort((a, b) => b.ms - a.ms).slice(0, n);
  const lines = [`${label}: ${(total / 1000).toFixed(2)} s sampled in the worker`, '  by kind:'];
  for (const l of top(kinds, 20)) lines.push(`    ${pct(l.ms)}  ${l.key}`);
  lines.push('  by function (self time):');
  for (const l of top(self, 30)) lines.push(`    ${pct(l.ms)}  ${l.key}`);
  return lines.join('\n');
}

const webKey = browserKey();
const sshd = await startSshd({ authorizedKeys: [webKey.authorizedKey], ciphers: CIPHER, macs: MAC });
const web = await startBrowserGateway({ bench: { host: sshd.host, port: sshd.port } }, { minify: false });
try {
  writeFileSync(join(OUT, 'transfer-worker.js'), await (await fetch(`${web.url}transfer-worker.js`)).text());
  console.log(`${SIZE / MiB} MiB, ${CIPHER}; load: ${execFileSync('uptime').toString().trim()}`);
  const c = await web.call<{ algorithms: unknown }>('connect', { url: web.relayUrl('bench'), username: sshd.user, pins: Object.values(sshd.hostKeyFingerprints), ed25519: webKey, ciphers: [CIPHER], macs: [MAC] });
  console.log(`negotiated ${JSON.stringify(c.algorithms)}`);
  await web.call('prepare', { bytes: SIZE });
  for (const op of ['up', 'down'] as const) {
    const profiler = await web.page.profileWorker();
    const cpu0 = web.browser.cpuSeconds();
    const r = await web.call<{ seconds: number; bytes: number }>(op, op === 'up' ? { bytes: SIZE, remote: 'profile.bin' } : { remote: 'profile.bin' });
    const cpu = web.browser.cpuSeconds() - cpu0;
    const profile = await profiler.stop();
    if (r.bytes !== SIZE) throw new Error(`${op} moved ${r.bytes} bytes`);
    writeFileSync(join(OUT, `${op}.cpuprofile`), JSON.stringify(profile));
    console.log(`\n${op}: ${(SIZE / 1e6 / r.seconds).toFixed(1)} MB/s, Chromium CPU ${((cpu * 256 * MiB) / SIZE).toFixed(2)} s per 256 MiB (while profiled)`);
    console.log(summarize(op, profile));
  }
  console.log(`\nprofiles and the worker bundle: ${OUT}`);
} finally {
  await web.call('close').catch(() => undefined);
  await web.close();
  await sshd.stop();
}
