// SHA-1 speed, all in one run: the hash tool in headless Chromium (plain CDP, no driver
// instrumentation) on one 1 GiB file, on a folder of 4 x 256 MiB and on 64 x 4 MiB; hash-wasm and
// WebCrypto's one-shot digest on bytes already in memory in the same browser; native sha1sum and
// openssl on the same bytes. The files are made in the origin's private file system (OPFS), so
// the hash tool gets disk-backed File objects like a user's, handed to its file input as the
// browser would (a DataTransfer's FileList and a `change` event).
// Goals (issue 14): one file >= 0.85x in-memory hash-wasm; folder >= 1.5x one file (2 workers).
// HASH_BENCH_ROUNDS (default 3) sets the rounds.
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { launchCdpChromium, type CdpPage } from './support/cdp-chromium.ts';
import { startAppServer } from '../test/support/app-server.ts';
import { loadResult, mbps, median, record, type BenchResult } from './support/results.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const RUNS = Number(process.env.HASH_BENCH_ROUNDS ?? 3);

const SETS = {
  one: { label: 'one 1 GiB file', files: [{ name: 'one-1GiB.bin', size: GiB }] },
  folder: { label: 'folder of 4 x 256 MiB', files: [0, 1, 2, 3].map((i) => ({ name: `part-${i}.bin`, size: 256 * MiB })) },
  small: { label: 'folder of 64 x 4 MiB', files: Array.from({ length: 64 }, (_, i) => ({ name: `small-${i}.bin`, size: 4 * MiB })) },
};
const bytesOf = (set: keyof typeof SETS) => SETS[set].files.reduce((a, f) => a + f.size, 0);

const results: BenchResult[] = [loadResult('hash')];
console.log(`load at start: ${execFileSync('uptime').toString().trim()}`);

const app = await startAppServer();
const browser = await launchCdpChromium();
try {
  const page = await browser.newPage(`${app.url}#/hash`);
  await page.waitFor(`document.querySelector('[data-testid="hash-screen"]')`);

  // The payloads, written once into OPFS (random blocks, each 16 MiB block a little different).
  const names: string[] = [];
  for (const set of Object.values(SETS)) {
    for (const f of set.files) {
      names.push(f.name);
      await page.evaluate(`(async () => {
        const root = await navigator.storage.getDirectory();
        const w = await (await root.getFileHandle(${JSON.stringify(f.name)}, { create: true })).createWritable();
        const block = new Uint8Array(Math.min(${f.size}, 16 * 1024 * 1024));
        for (let o = 0; o < block.length; o += 65536) crypto.getRandomValues(block.subarray(o, o + 65536));
        for (let done = 0, i = 0; done < ${f.size}; done += block.length, i++) { block[0] = i; await w.write(block.subarray(0, Math.min(block.length, ${f.size} - done))); }
        await w.close();
        return true;
      })()`);
    }
  }

  /** Reloads the hash screen, hands it `files` through its input, resolves with the seconds until it says finished. */
  async function timeHashTool(files: { name: string }[]): Promise<{ seconds: number; rows: [string, string, string][] }> {
    await page.evaluate('window.__stale = true');
    await page.reload();
    await page.waitFor(`!window.__stale && document.querySelector('[data-testid="hash-files"]')`);
    await page.evaluate('new Promise((ok) => setTimeout(ok, 300))'); // workers started, as after a user's first look
    return page.evaluate(`(async () => {
      const root = await navigator.storage.getDirectory();
      const files = await Promise.all(${JSON.stringify(files.map((f) => f.name))}.map(async (n) => (await root.getFileHandle(n)).getFile()));
      const input = document.querySelector('[data-testid="hash-files"]');
      const dt = new DataTransfer();
      for (const f of files) dt.items.add(f);
      const overall = () => document.querySelector('[data-testid="hash-overall"][data-finished="true"]');
      const finished = new Promise((ok) => {
        const obs = new MutationObserver(() => { if (overall()) { obs.disconnect(); ok(performance.now()); } });
        obs.observe(document.body, { subtree: true, childList: true, attributes: true });
      });
      const t0 = performance.now();
      input.files = dt.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
      const t1 = await finished;
      const rows = [...document.querySelectorAll('[data-testid="hash-row"]')].map((r) => [r.dataset.name, r.dataset.status, r.querySelector('[data-testid="hash-hex"]').textContent]);
      return { seconds: (t1 - t0) / 1000, rows };
    })()`);
  }

  // What the hash tool said must be each file's SHA-1: WebCrypto's, in the page, for the small files.
  const expected = new Map(await page.evaluate<[string, string][]>(`(async () => {
    const root = await navigator.storage.getDirectory();
    const out = [];
    for (const n of ${JSON.stringify(SETS.small.files.map((f) => f.name))}) {
      const d = await crypto.subtle.digest('SHA-1', await (await (await root.getFileHandle(n)).getFile()).arrayBuffer());
      out.push([n, Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('')]);
    }
    return out;
  })()`));
  const tool: Record<keyof typeof SETS, number[]> = { one: [], folder: [], small: [] };
  for (let i = 0; i < RUNS; i++) {
    // Interleaved, so drift on this shared machine hits each set alike.
    for (const set of Object.keys(SETS) as (keyof typeof SETS)[]) {
      const r = await timeHashTool(SETS[set].files);
      const wrong = r.rows.filter(([name, status, hex]) => status !== 'done' || !/^[0-9a-f]{40}$/.test(hex) || (expected.has(name) && expected.get(name) !== hex));
      if (r.rows.length !== SETS[set].files.length || wrong.length > 0) throw new Error(`hash tool, ${SETS[set].label}: ${r.rows.length} rows, wrong: ${JSON.stringify(wrong.slice(0, 3))}`);
      tool[set].push(r.seconds);
    }
  }

  // The ceilings in this browser, in a worker like the hash tool's: bytes already in memory.
  const bundle = await build({ entryPoints: ['core/hash/digest.ts'], bundle: true, format: 'iife', globalName: 'CourierDigest', write: false, platform: 'browser' });
  const inMemory = await runInWorker(bundle.outputFiles[0]!.text, RUNS);

  const sha1sum: number[] = [];
  const openssl: number[] = [];
  const sample = Buffer.alloc(GiB);
  for (let o = 0; o < sample.length; o += 16 * MiB) sample.fill(o & 0xff, o, o + 16 * MiB);
  for (let i = 0; i < RUNS; i++) {
    let t0 = performance.now();
    execFileSync('sha1sum', { input: sample });
    sha1sum.push((performance.now() - t0) / 1000);
    t0 = performance.now();
    execFileSync('openssl', ['dgst', '-sha1'], { input: sample });
    openssl.push((performance.now() - t0) / 1000);
  }

  const rate = (bytes: number, xs: number[]) => mbps(bytes, median(xs));
  const rMem = rate(GiB, inMemory.hashWasm);
  const rOne = rate(GiB, tool.one);
  const rFolder = rate(bytesOf('folder'), tool.folder);
  const rSmall = rate(bytesOf('small'), tool.small);
  const rSum = rate(GiB, sha1sum);
  const rSsl = rate(GiB, openssl);
  const line = (label: string, v: number, extra = '') => console.log(`  ${label.padEnd(46)} ${v.toFixed(0).padStart(6)} MB/s${extra}`);
  console.log(`SHA-1, median of ${RUNS} (MB/s = 10^6 B/s):`);
  line('sha1sum (1 GiB from a pipe)', rSum);
  line('openssl dgst -sha1 (1 GiB from a pipe)', rSsl);
  line('hash-wasm in Chromium, in memory (worker)', rMem);
  for (const [size, xs] of inMemory.webCrypto) line(`WebCrypto digest() one-shot, ${size / MiB} MiB buffers`, rate(inMemory.total, xs), `   (hash-wasm on the same: ${rate(inMemory.total, inMemory.hashWasmBySize.get(size)!).toFixed(0)})`);
  line(`hash tool, ${SETS.one.label}`, rOne, `   ${(rOne / rMem).toFixed(2)}x in-memory hash-wasm (goal >= 0.85)`);
  line(`hash tool, ${SETS.folder.label}`, rFolder, `   ${(rFolder / rOne).toFixed(2)}x one file (goal >= 1.5 on 2 cores)`);
  line(`hash tool, ${SETS.small.label}`, rSmall, `   ${(rSmall / rOne).toFixed(2)}x one file`);
  results.push(
    { name: 'hash: sha1sum', value: rSum, unit: 'MB/s', ratio: null, goal: null },
    { name: 'hash: openssl dgst -sha1', value: rSsl, unit: 'MB/s', ratio: null, goal: null },
    { name: 'hash: hash-wasm in Chromium, in memory', value: rMem, unit: 'MB/s', ratio: null, goal: null },
    ...[...inMemory.webCrypto].map(([size, xs]) => ({ name: `hash: WebCrypto one-shot SHA-1, ${size / MiB} MiB buffers (ratio vs hash-wasm on the same)`, value: rate(inMemory.total, xs), unit: 'MB/s', ratio: rate(inMemory.total, xs) / rate(inMemory.total, inMemory.hashWasmBySize.get(size)!), goal: null })),
    { name: 'hash: hash tool, one 1 GiB file (ratio vs in-memory hash-wasm)', value: rOne, unit: 'MB/s', ratio: rOne / rMem, goal: 0.85 },
    { name: 'hash: hash tool, 4 x 256 MiB (ratio vs one file)', value: rFolder, unit: 'MB/s', ratio: rFolder / rOne, goal: 1.5 },
    { name: 'hash: hash tool, 64 x 4 MiB (ratio vs one file)', value: rSmall, unit: 'MB/s', ratio: rSmall / rOne, goal: null },
    { name: 'hash: hash tool, one 1 GiB file (ratio vs sha1sum)', value: rOne, unit: 'MB/s', ratio: rOne / rSum, goal: null },
  );
  console.log(`load at end: ${execFileSync('uptime').toString().trim()}`);
  record(results);
  await page.evaluate(`(async () => { const root = await navigator.storage.getDirectory(); for (const n of ${JSON.stringify(names)}) await root.removeEntry(n); return true; })()`);
} finally {
  await browser.close();
  await app.close();
}

/**
 * hash-wasm and WebCrypto on bytes in memory, in a worker: seconds per run. Served from a bare
 * page of its own (the app's CSP allows no worker script but its own).
 */
async function runInWorker(digestBundle: string, runs: number) {
  const TOTAL = 256 * MiB;
  const SIZES = [1 * MiB, 8 * MiB, 64 * MiB];
  const workerSource = `${digestBundle}
    self.onmessage = async () => {
      const buf = new Uint8Array(${TOTAL});
      for (let o = 0; o < buf.length; o += 65536) crypto.getRandomValues(buf.subarray(o, o + 65536));
      const out = { hashWasm: [], webCrypto: {}, hashWasmBySize: {} };
      for (let r = 0; r < ${runs}; r++) {
        let t0 = performance.now();
        const d = await CourierDigest.createDigest('sha1');
        for (let k = 0; k < 4; k++) d.update(buf);
        d.digestHex();
        out.hashWasm.push((performance.now() - t0) / 1000);
        for (const size of ${JSON.stringify(SIZES)}) {
          t0 = performance.now();
          for (let o = 0; o < buf.length; o += size) await crypto.subtle.digest('SHA-1', buf.subarray(o, o + size));
          (out.webCrypto[size] ??= []).push((performance.now() - t0) / 1000);
          t0 = performance.now();
          for (let o = 0; o < buf.length; o += size) { const h = await CourierDigest.createDigest('sha1'); h.update(buf.subarray(o, o + size)); h.digestHex(); }
          (out.hashWasmBySize[size] ??= []).push((performance.now() - t0) / 1000);
        }
      }
      self.postMessage(out);
    };`;
  const server: Server = createServer((req, res) => {
    const js = req.url === '/digest-worker.js';
    res.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html' });
    res.end(js ? workerSource : '<!doctype html><title>in memory</title>');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    const page: CdpPage = await browser.newPage(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitFor(`document.title === 'in memory'`);
    const r = await page.evaluate<{ hashWasm: number[]; webCrypto: Record<string, number[]>; hashWasmBySize: Record<string, number[]> }>(`(async () => {
      const w = new Worker('/digest-worker.js');
      const out = await new Promise((ok, fail) => { w.onmessage = (e) => ok(e.data); w.onerror = (e) => fail(new Error(e.message)); w.postMessage(0); });
      w.terminate();
      return out;
    })()`);
    return {
      total: TOTAL,
      hashWasm: r.hashWasm,
      webCrypto: new Map(SIZES.map((s) => [s, r.webCrypto[s]!])),
      hashWasmBySize: new Map(SIZES.map((s) => [s, r.hashWasmBySize[s]!])),
    };
  } finally {
    server.close();
  }
}
