// SHA-1 speed: the hash tool in headless Chromium on a 1 GiB file and on a folder of 4 x 256 MiB,
// hash-wasm on bytes already in memory in the same browser, and native sha1sum — all in one run.
// Goals (issue 2): one file >= 0.7x sha1sum and >= 0.85x in-memory hash-wasm; folder >= 1.5x one file.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { launchChromium } from '../test/support/chromium.ts';
import { startAppServer } from '../test/support/app-server.ts';

const MiB = 1024 * 1024;
const RUNS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

function writeFile(path: string, size: number, block: Buffer): void {
  const fd = openSync(path, 'w');
  for (let done = 0; done < size; done += block.length) writeSync(fd, block, 0, Math.min(block.length, size - done));
  closeSync(fd);
}

const dir = mkdtempSync(join(tmpdir(), 'courier-bench-hash-'));
const block = randomBytes(16 * MiB);
const big = join(dir, 'one-1GiB.bin');
writeFile(big, 1024 * MiB, block);
const parts = [0, 1, 2, 3].map((i) => join(dir, `part-${i}.bin`));
for (const p of parts) writeFile(p, 256 * MiB, randomBytes(16 * MiB));
execFileSync('cat', [big, ...parts], { stdio: ['ignore', 'ignore', 'inherit'] }); // warm the page cache

const native: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  execFileSync('sha1sum', [big]);
  native.push(performance.now() - t0);
}

const app = await startAppServer();
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(`${app.url}#/hash`);
  await page.waitForSelector('[data-testid="hash-screen"]');
  async function timeHashTool(paths: string[]): Promise<number> {
    await page.reload();
    await page.waitForSelector('[data-testid="hash-screen"]');
    await page.waitForTimeout(300); // workers started
    const t0 = performance.now();
    await page.setInputFiles('[data-testid="hash-files"]', paths);
    await page.waitForSelector('[data-testid="hash-overall"][data-finished="true"]', { timeout: 300_000 });
    return performance.now() - t0;
  }
  const one: number[] = [];
  const folder: number[] = [];
  for (let i = 0; i < RUNS; i++) one.push(await timeHashTool([big]));
  for (let i = 0; i < RUNS; i++) folder.push(await timeHashTool(parts));

  // hash-wasm's ceiling in this browser: 256 MiB already in memory, hashed 4 times (1 GiB).
  const bundle = await build({ entryPoints: ['core/hash/digest.ts'], bundle: true, format: 'iife', globalName: 'CourierDigest', write: false, platform: 'browser' });
  const blank = await browser.newPage();
  await blank.goto('about:blank');
  await blank.addScriptTag({ content: bundle.outputFiles[0]!.text });
  const inMemory: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    inMemory.push(
      await blank.evaluate(async () => {
        const w = window as unknown as { CourierDigest: { createDigest(a: string): Promise<{ update(c: Uint8Array): void; digestHex(): string }> } };
        const buf = new Uint8Array(256 * 1024 * 1024);
        for (let o = 0; o < buf.length; o += 65536) crypto.getRandomValues(buf.subarray(o, o + 65536));
        const t0 = performance.now();
        const d = await w.CourierDigest.createDigest('sha1');
        for (let k = 0; k < 4; k++) d.update(buf);
        d.digestHex();
        return performance.now() - t0;
      }),
    );
  }
  const GiB = 1024 * MiB;
  const rNative = mbps(GiB, median(native));
  const rOne = mbps(GiB, median(one));
  const rFolder = mbps(GiB, median(folder));
  const rMem = mbps(GiB, median(inMemory));
  console.log(`SHA-1 of 1 GiB, median of ${RUNS} (MB/s = 10^6 B/s):`);
  console.log(`  native sha1sum                         ${rNative.toFixed(0).padStart(6)} MB/s`);
  console.log(`  hash-wasm in Chromium, in memory        ${rMem.toFixed(0).padStart(6)} MB/s`);
  console.log(`  hash tool in Chromium, one 1 GiB file   ${rOne.toFixed(0).padStart(6)} MB/s`);
  console.log(`  hash tool in Chromium, 4 x 256 MiB      ${rFolder.toFixed(0).padStart(6)} MB/s`);
  console.log(`ratios: one file / sha1sum = ${(rOne / rNative).toFixed(2)} (goal >= 0.70)`);
  console.log(`        one file / in-memory hash-wasm = ${(rOne / rMem).toFixed(2)} (goal >= 0.85)`);
  console.log(`        folder / one file = ${(rFolder / rOne).toFixed(2)} (goal >= 1.5 on 2 cores)`);
} finally {
  await browser.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
