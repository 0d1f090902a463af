// RSA-4096 key generation: WebCrypto in headless Chromium (what the Keys screen uses) vs
// `puttygen -t rsa -b 4096`, measured in the same run. Goal (issue 3): not slower than PuTTYgen.
// Also the whole "Make the key" click on the Keys screen (generation + all five files, with a
// passphrase: Argon2id and bcrypt_pbkdf) vs puttygen writing a passphrase-protected .ppk.
// Chromium runs over plain CDP (bench/support/cdp-chromium.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchCdpChromium } from './support/cdp-chromium.ts';
import { startAppServer } from '../test/support/app-server.ts';
import { loadResult, record } from './support/results.ts';

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
const browser = await launchCdpChromium();
try {
  const page = await browser.newPage(new URL('#/keys', app.url).href);
  await page.waitFor(`document.querySelector('[data-testid="keys-screen"]')`);
  // The same calls as core/keys/generate.ts: generateKey then one JWK export.
  const browserMs = await page.evaluate<number[]>(`(async () => {
    const times = [];
    for (let i = 0; i < ${BROWSER_RUNS}; i++) {
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
  })()`);

  const uiMs: number[] = [];
  for (let i = 0; i < UI_RUNS; i++) {
    await page.evaluate('window.__stale = true');
    await page.reload();
    await page.waitFor(`!window.__stale && document.querySelector('[data-testid="keys-generate"]')`);
    // Typed as a user would: the input events Preact listens to, then a click; timed in the page.
    uiMs.push(await page.evaluate<number>(`(async () => {
      const q = (id) => document.querySelector('[data-testid="' + id + '"]');
      const type = (el, v) => { Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(el, v); el.dispatchEvent(new Event('input', { bubbles: true })); };
      type(q('keys-pass'), 'bench passphrase');
      type(q('keys-pass2'), 'bench passphrase');
      if (q('keys-keep').checked) q('keys-keep').click();
      await new Promise((ok) => setTimeout(ok, 50)); // let the form re-render with the button enabled
      const done = new Promise((ok) => {
        const obs = new MutationObserver(() => { if (q('keys-result')) { obs.disconnect(); ok(performance.now()); } });
        obs.observe(document.body, { subtree: true, childList: true });
      });
      const t0 = performance.now();
      q('keys-generate').click();
      return (await done) - t0;
    })()`));
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
  record([
    loadResult('keygen'),
    { name: 'keygen: RSA-4096 puttygen', value: n / 1000, unit: 's', ratio: null, goal: null },
    { name: 'keygen: RSA-4096 Chromium WebCrypto (ratio puttygen / Chromium)', value: b / 1000, unit: 's', ratio: n / b, goal: 1 },
    { name: 'keygen: Keys screen with passphrase, 5 files (ratio puttygen .ppk / Chromium)', value: u / 1000, unit: 's', ratio: np / u, goal: null },
  ]);
} finally {
  await browser.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
