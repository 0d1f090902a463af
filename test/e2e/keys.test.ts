// The Keys screen in real headless Chromium: makes an RSA-4096 key, the downloaded .asc and .ppk
// satisfy puttygen and ssh-keygen with the fingerprint the page shows, the kept key is
// non-extractable yet signs, imports a puttygen key (wrong passphrase refused), mails, renames,
// deletes — and no request leaves 127.0.0.1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { isLocal, launchChromium, recordRequests } from '../support/chromium.ts';
import { startAppServer } from '../support/app-server.ts';

const PASS = 'Lange wachtwoordzin 2026';
const dir = mkdtempSync(join(tmpdir(), 'courier-keys-e2e-'));
const passFile = join(dir, 'pass.txt');
writeFileSync(passFile, `${PASS}\n`);

let browser: Browser;
let context: BrowserContext;
let page: Page;
let requests: string[];
let app: { url: string; close(): Promise<void> };

async function download(testId: string): Promise<{ name: string; path: string }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid="${testId}"]`)]);
  const path = join(dir, dl.suggestedFilename());
  await dl.saveAs(path);
  return { name: dl.suggestedFilename(), path };
}

function fingerprintOfLine(line: string): string {
  return execFileSync('ssh-keygen', ['-lf', '-'], { input: line, encoding: 'utf8' }).split(' ')[1]!;
}

describe('Keys screen in Chromium', () => {
  before(async () => {
    app = await startAppServer();
    browser = await launchChromium();
    context = await browser.newContext({ acceptDownloads: true, locale: 'en-GB' });
    requests = recordRequests(context);
    page = await context.newPage();
    await page.goto(new URL('#/keys', app.url).href);
    await page.waitForSelector('[data-testid="keys-screen"]');
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('generates RSA 4096; the .asc and .ppk open in puttygen/ssh-keygen with the shown fingerprint', async () => {
    // The VIKZ profile (first) asks for 4096 and refuses less; another server allows 2048.
    assert.equal(await page.inputValue('[data-testid="keys-profile"]'), 'vikz');
    assert.equal(await page.inputValue('[data-testid="keys-bits"]'), '4096');
    assert.equal(await page.$eval('[data-testid="keys-bits"]', (sel) => [...(sel as HTMLSelectElement).options].find((o) => o.value === '2048')!.disabled), true);
    await page.selectOption('[data-testid="keys-profile"]', '');
    assert.equal(await page.$eval('[data-testid="keys-bits"]', (sel) => [...(sel as HTMLSelectElement).options].find((o) => o.value === '2048')!.disabled), false);
    await page.selectOption('[data-testid="keys-profile"]', 'vikz');
    assert.match(await page.inputValue('[data-testid="keys-comment"]'), /^rsa-key-\d{8}$/);
    await page.fill('[data-testid="keys-ident"]', 'Z12345');
    // An empty passphrase needs an explicit confirmation.
    assert.ok(await page.isVisible('[data-testid="keys-empty-warning"]'));
    assert.ok(await page.isDisabled('[data-testid="keys-generate"]'));
    await page.fill('[data-testid="keys-pass"]', PASS);
    await page.fill('[data-testid="keys-pass2"]', `${PASS}x`);
    assert.ok(await page.isVisible('[data-testid="keys-mismatch"]'));
    assert.ok(await page.isDisabled('[data-testid="keys-generate"]'));
    await page.fill('[data-testid="keys-pass2"]', PASS);
    await page.click('[data-testid="keys-generate"]');
    await page.waitForSelector('[data-testid="keys-result"]', { timeout: 120_000 });
    const shown = (await page.textContent('[data-testid="keys-fp-sha256"]'))!.trim();
    const shownMd5 = (await page.textContent('[data-testid="keys-fp-md5"]'))!.trim();

    const asc = await download('keys-download-rfc4716');
    assert.equal(asc.name, 'publicKey_Z12345.asc');
    const ascText = readFileSync(asc.path, 'utf8');
    assert.match(ascText, /^---- BEGIN SSH2 PUBLIC KEY ----\r\nComment: "rsa-key-\d{8}"\r\n/);
    const line = execFileSync('ssh-keygen', ['-i', '-f', asc.path], { encoding: 'utf8' });
    assert.equal(fingerprintOfLine(line), shown);
    assert.match(execFileSync('ssh-keygen', ['-lf', '-'], { input: line, encoding: 'utf8' }), /^4096 /);
    assert.equal(execFileSync('ssh-keygen', ['-E', 'md5', '-lf', '-'], { input: line, encoding: 'utf8' }).split(' ')[1], shownMd5);

    const ppk = await download('keys-download-ppk3');
    assert.equal(ppk.name, 'key.ppk');
    // A private output proves the passphrase decrypts it and the MAC holds.
    assert.equal(spawnSync('puttygen', [ppk.path, '--old-passphrase', passFile, '-O', 'text']).status, 0);
    const ossh = join(dir, 'from-ppk');
    execFileSync('puttygen', [ppk.path, '--old-passphrase', passFile, '-O', 'private-openssh-new', '--new-passphrase', passFile, '-o', ossh]);
    assert.equal(fingerprintOfLine(execFileSync('ssh-keygen', ['-y', '-P', PASS, '-f', ossh], { encoding: 'utf8' })), shown);

    const priv = await download('keys-download-openssh-private');
    assert.equal(priv.name, 'id_rsa');
    execFileSync('chmod', ['600', priv.path]);
    assert.equal(fingerprintOfLine(execFileSync('ssh-keygen', ['-y', '-P', PASS, '-f', priv.path], { encoding: 'utf8' })), shown);

    // Kept in the store, listed by fingerprint.
    await page.waitForSelector(`[data-testid="keys-stored-row"][data-fingerprint="${shown}"]`);
  });

  test('the kept key is non-extractable in IndexedDB and still signs', async () => {
    const facts = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const req = indexedDB.open('courier-keys');
        req.onsuccess = () => ok(req.result);
        req.onerror = () => fail(req.error);
      });
      const records = await new Promise<{ signingKeys: Record<string, CryptoKey> }[]>((ok, fail) => {
        const req = db.transaction('keys').objectStore('keys').getAll();
        req.onsuccess = () => ok(req.result);
        req.onerror = () => fail(req.error);
      });
      db.close();
      const out: { alg: string; extractable: boolean; exportRefused: boolean; signed: number }[] = [];
      for (const r of records) {
        for (const [alg, key] of Object.entries(r.signingKeys)) {
          const exportRefused = await crypto.subtle.exportKey('jwk', key).then(() => false, () => true);
          const sig = await crypto.subtle.sign(key.algorithm.name === 'ECDSA' ? { name: 'ECDSA', hash: 'SHA-256' } : key.algorithm.name, key, new Uint8Array(32));
          out.push({ alg, extractable: key.extractable, exportRefused, signed: sig.byteLength });
        }
      }
      return out;
    });
    assert.deepEqual(facts.map((f) => f.alg).sort(), ['rsa-sha2-256', 'rsa-sha2-512', 'ssh-rsa']);
    for (const f of facts) {
      assert.equal(f.extractable, false);
      assert.equal(f.exportRefused, true);
      assert.equal(f.signed, 512);
    }
  });

  test('the mail helper addresses the VIKZ TTP with the sector cc and subject "VIKZ <user>"', async () => {
    await page.fill('[data-testid="keys-mail-chief"]', 'hoofdarts@ziekenhuis.example');
    const href = (await page.getAttribute('[data-testid="keys-mail-link"]', 'href'))!;
    assert.match(href, /^mailto:UserGa-stat@smals\.be\?/);
    const params = new URLSearchParams(href.slice(href.indexOf('?') + 1));
    assert.equal(params.get('cc'), 'kwaliteit.az@vikz.be,hoofdarts@ziekenhuis.example');
    assert.equal(params.get('subject'), 'VIKZ Z12345');
    assert.match(params.get('body')!, /publicKey_Z12345\.asc/);
    assert.match(params.get('body')!, /SHA256:/);
    await page.fill('[data-testid="keys-mail-username"]', 'P777');
    const href2 = (await page.getAttribute('[data-testid="keys-mail-link"]', 'href'))!;
    assert.match(href2, /cc=kwaliteit\.ggz%40vikz\.be|cc=kwaliteit\.ggz@vikz\.be/);
  });

  test('imports a puttygen key: wrong passphrase refused, right one kept with ssh-keygen\'s fingerprint', async () => {
    const ppk = join(dir, 'putty-ed25519.ppk');
    execFileSync('puttygen', ['-t', 'ed25519', '-C', 'from puttygen', '-o', ppk, '--new-passphrase', passFile]);
    const expected = fingerprintOfLine(execFileSync('puttygen', [ppk, '-O', 'public-openssh'], { encoding: 'utf8' }));
    await page.setInputFiles('[data-testid="keys-import-file"]', ppk);
    await page.waitForSelector('[data-testid="keys-import-pass"]');
    await page.fill('[data-testid="keys-import-pass"]', 'wrong one');
    await page.click('[data-testid="keys-import"]');
    await page.waitForSelector('[data-testid="keys-import-message"]');
    assert.equal((await page.textContent('[data-testid="keys-import-message"]'))!.trim(), 'Wrong passphrase.');
    await page.fill('[data-testid="keys-import-pass"]', PASS);
    await page.click('[data-testid="keys-import"]');
    await page.waitForSelector(`[data-testid="keys-import-message"]:has-text("${expected}")`);
    await page.waitForSelector(`[data-testid="keys-stored-row"][data-fingerprint="${expected}"]`);
    assert.equal(await page.locator('[data-testid="keys-stored-row"]').count(), 2);
  });

  test('rename and delete kept keys; the screen speaks Dutch; nothing left 127.0.0.1', async () => {
    await page.locator('[data-testid="keys-stored-row"]').first().locator('[data-testid="keys-rename"]').click();
    await page.fill('[data-testid="ask-input"]', 'VIKZ sleutel');
    await page.click('[data-testid="ask-ok"]');
    await page.waitForSelector('[data-testid="keys-stored-name"]:has-text("VIKZ sleutel")');
    await page.locator('[data-testid="keys-stored-row"]').last().locator('[data-testid="keys-delete"]').click();
    await page.click('[data-testid="ask-ok"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="keys-stored-row"]').length === 1);
    await page.selectOption('[data-testid="language"]', 'nl');
    assert.match((await page.textContent('[data-testid="keys-screen"] h2'))!, /Sleutels/);
    assert.ok(requests.length > 0);
    assert.deepEqual(requests.filter((u) => !isLocal(u)), []);
  });
});
