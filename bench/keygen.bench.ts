// RSA-4096 key generation: WebCrypto in headless Chromium (what the Keys screen uses) vs
// `puttygen -t rsa -b 4096`, measured in the same run. Goal (issue 3): not slower than PuTTYgen.
// Also the whole "Make the key" click on the Keys screen (generation + all five files, with a
// passphrase: Argon2id and bcrypt_pbkdf) vs puttygen writing a passphrase-protected .ppk.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../test/support/chromium.ts';
import { startAppServer } from '../test/support/app-server.ts';

const BROWSER_RUNS = 7;
const NATIVE_RUNS = 3;
const UI_RUNS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number) => (ms / 1000).toFixed(2);

const dir = mkdtempSync(join(tmpdir(), 'courier-bench-keygen-'));
const passFile = join(dir, 'pass.txt');
writeFileSync(passFile, 'bench passphrase\n');

function timePuttygen(withPassphrase: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < NATIVE_RUNS; i++) {
    const t0 = performance.now();
    execFileSync('puttygen', ['-t', 'rsa', '-b', '4096', '-o', join(dir, `k${i}.ppk`), '--new-passphrase', withPassphrase ? passFile : '/dev/null'], { stdio: 'ignore' });
    out.push(performance.now() - t0);
  }
  return out;
}

const native = timePuttygen(false);
const nativeWithPass = timePuttygen(true);

const app = await startAppServer();
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(new URL('#/keys', app.url).href);
  await page.waitForSelector('[data-testid="keys-screen"]');
  // The same calls as core/keys/generate.ts: generateKey then one JWK export.
  const browserMs = await page.evaluate(async (runs) => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const pair = await crypto.subtle.generateKey(
        { name: 'RSASSA-PKCS1-v1_5', modulusLength: 4096, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
        true,
        ['sign', 'verify'],
      );
      await crypto.subtle.exportKey('jwk', pair.privateKey);
      times.push(performance.now() - t0);
    }
    return times;
  }, BROWSER_RUNS);

  const uiMs: number[] = [];
  for (let i = 0; i < UI_RUNS; i++) {
    await page.reload();
    await page.waitForSelector('[data-testid="keys-screen"]');
    await page.fill('[data-testid="keys-pass"]', 'bench passphrase');
    await page.fill('[data-testid="keys-pass2"]', 'bench passphrase');
    await page.uncheck('[data-testid="keys-keep"]');
    const t0 = performance.now();
    await page.click('[data-testid="keys-generate"]');
    await page.waitForSelector('[data-testid="keys-result"]', { timeout: 300_000 });
    uiMs.push(performance.now() - t0);
  }

  const b = median(browserMs);
  const n = median(native);
  console.log(`RSA-4096 keygen, Chromium WebCrypto (median of ${BROWSER_RUNS}): ${s(b)} s   [${browserMs.map(s).join(' ')}]`);
  console.log(`RSA-4096 keygen, puttygen -t rsa -b 4096 (median of ${NATIVE_RUNS}): ${s(n)} s   [${native.map(s).join(' ')}]`);
  console.log(`ratio puttygen / Chromium: ${(n / b).toFixed(2)}x  (goal >= 1.0: not slower than PuTTYgen) ${n / b >= 1 ? 'OK' : 'BELOW GOAL'}`);
  const u = median(uiMs);
  const np = median(nativeWithPass);
  console.log(`Keys screen "Make the key" incl. 5 files with passphrase (median of ${UI_RUNS}): ${s(u)} s   [${uiMs.map(s).join(' ')}]`);
  console.log(`puttygen with passphrase, one .ppk (median of ${NATIVE_RUNS}): ${s(np)} s   ratio ${(np / u).toFixed(2)}x`);
} finally {
  await browser.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
