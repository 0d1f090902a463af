// The Keys screen in real headless Chromium: makes an RSA-4096 key, the downloaded .asc and .ppk
// satisfy puttygen and ssh-keygen with the fingerprint the page shows, the kept key is
// non-extractable yet signs, imports a puttygen key (wrong passphrase refused), mails, renames,
// deletes — and no request leaves 127.0.0.1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
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
    // The id is checked against the profile's pattern (VIKZ: Z- or P-number).
    await page.fill('[data-testid="keys-ident"]', 'X12345');
    await page.waitForSelector('[data-testid="keys-ident-invalid"]');
    await page.fill('[data-testid="keys-ident"]', 'Z12345');
    assert.equal(await page.locator('[data-testid="keys-ident-invalid"]').count(), 0);
    assert.match(await page.inputValue('[data-testid="keys-comment"]'), /^rsa-key-\d{8} Z12345$/);
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
    // Focus and the view land on the result; the form says why the passphrase fields are empty.
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'keys-result-title');
    assert.ok(await page.$eval('[data-testid="keys-result-title"]', (h) => {
      const r = h.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    }), 'the result heading is in view');
    assert.match((await page.textContent('[data-testid="keys-made-note"]'))!, /passphrase fields were emptied/);
    assert.equal(await page.locator('[data-testid="keys-empty-warning"]').count(), 0);
    const shown = (await page.textContent('[data-testid="keys-fp-sha256"]'))!.trim();
    const shownMd5 = (await page.textContent('[data-testid="keys-fp-md5"]'))!.trim();

    const asc = await download('keys-download-rfc4716');
    assert.equal(asc.name, 'publicKey_Z12345.asc');
    const ascText = readFileSync(asc.path, 'utf8');
    assert.match(ascText, /^---- BEGIN SSH2 PUBLIC KEY ----\r\nComment: "rsa-key-\d{8} Z12345"\r\n/);
    const line = execFileSync('ssh-keygen', ['-i', '-f', asc.path], { encoding: 'utf8' });
    assert.equal(fingerprintOfLine(line), shown);
    assert.match(execFileSync('ssh-keygen', ['-lf', '-'], { input: line, encoding: 'utf8' }), /^4096 /);
    assert.equal(execFileSync('ssh-keygen', ['-E', 'md5', '-lf', '-'], { input: line, encoding: 'utf8' }).split(' ')[1], shownMd5);

    const ppk = await download('keys-download-ppk3');
    assert.equal(ppk.name, 'Z12345.ppk');
    // Repeated Save buttons say which file they save.
    assert.equal((await page.textContent('[data-testid="keys-download-ppk3"]'))!.trim(), 'Save Z12345.ppk');
    // A private output proves the passphrase decrypts it and the MAC holds.
    assert.equal(spawnSync('puttygen', [ppk.path, '--old-passphrase', passFile, '-O', 'text']).status, 0);
    const ossh = join(dir, 'from-ppk');
    execFileSync('puttygen', [ppk.path, '--old-passphrase', passFile, '-O', 'private-openssh-new', '--new-passphrase', passFile, '-o', ossh]);
    assert.equal(fingerprintOfLine(execFileSync('ssh-keygen', ['-y', '-P', PASS, '-f', ossh], { encoding: 'utf8' })), shown);

    const priv = await download('keys-download-openssh-private');
    assert.equal(priv.name, 'id_rsa_Z12345');
    execFileSync('chmod', ['600', priv.path]);
    assert.equal(fingerprintOfLine(execFileSync('ssh-keygen', ['-y', '-P', PASS, '-f', priv.path], { encoding: 'utf8' })), shown);

    // Kept in the store, listed by fingerprint, named by id and date, locked.
    const row = page.locator(`[data-testid="keys-stored-row"][data-fingerprint="${shown}"]`);
    await row.waitFor();
    assert.match((await row.locator('[data-testid="keys-stored-name"]').textContent())!, /^Z12345 \d{4}-\d{2}-\d{2}$/);
    assert.equal(await row.locator('[data-testid="keys-stored-protection"]').getAttribute('data-protection'), 'passphrase');
  });

  test('the kept key is stored only wrapped: no CryptoKey that signs, no private number in the clear', async () => {
    const facts = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const req = indexedDB.open('courier-keys');
        req.onsuccess = () => ok(req.result);
        req.onerror = () => fail(req.error);
      });
      const records = await new Promise<Record<string, unknown>[]>((ok, fail) => {
        const req = db.transaction('keys').objectStore('keys').getAll();
        req.onsuccess = () => ok(req.result);
        req.onerror = () => fail(req.error);
      });
      db.close();
      return records.map((r) => ({
        version: db.version,
        protection: r.protection,
        signingKeys: r.signingKeys === undefined ? 'none' : 'present',
        cryptoKeys: JSON.stringify(r, (_k, v) => (v instanceof CryptoKey ? 'CRYPTOKEY' : v)).includes('CRYPTOKEY'),
        kdf: (r.wrapped as { kdf: { algorithm: string; memory: number } }).kdf.algorithm,
        wrappedBytes: (r.wrapped as { wrapped: Uint8Array }).wrapped.length,
      }));
    });
    assert.equal(facts.length, 1);
    assert.deepEqual({ ...facts[0], wrappedBytes: undefined }, { version: 2, protection: 'passphrase', signingKeys: 'none', cryptoKeys: false, kdf: 'argon2id', wrappedBytes: undefined });
    assert.ok(facts[0]!.wrappedBytes > 2300, 'an RSA-4096 PKCS#8 is wrapped');
  });

  test('the mail helper shows recipient, cc, subject and body; editing the user name renames the files', async () => {
    await page.fill('[data-testid="keys-mail-chief"]', 'hoofdarts@ziekenhuis.example');
    assert.equal((await page.textContent('[data-testid="keys-mail-to"]'))!.trim(), 'UserGa-stat@smals.be');
    assert.equal((await page.textContent('[data-testid="keys-mail-ccs"]'))!.trim(), 'kwaliteit.az@vikz.be, hoofdarts@ziekenhuis.example');
    assert.equal((await page.textContent('[data-testid="keys-mail-subject"]'))!.trim(), 'VIKZ Z12345');
    assert.equal((await page.textContent('[data-testid="keys-mail-attachment"]'))!.trim(), 'publicKey_Z12345.asc');
    assert.match((await page.textContent('[data-testid="keys-mail-body"]'))!, /publicKey_Z12345\.asc[\s\S]*SHA256:/);
    for (const id of ['to', 'ccs', 'subject', 'body']) assert.ok(await page.isVisible(`[data-testid="keys-mail-${id}-copy"]`), `copy button for ${id}`);
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
    // The attachment name follows the profile's template and the new user name, and so do the files.
    assert.equal((await page.textContent('[data-testid="keys-mail-attachment"]'))!.trim(), 'publicKey_P777.asc');
    assert.match(new URLSearchParams(href2.slice(href2.indexOf('?') + 1)).get('body')!, /publicKey_P777\.asc/);
    assert.equal((await download('keys-download-rfc4716')).name, 'publicKey_P777.asc');
    assert.equal((await page.textContent('[data-testid="keys-file-ppk3"]'))!.trim(), 'P777.ppk');
    await page.fill('[data-testid="keys-mail-username"]', 'Q1');
    await page.waitForSelector('[data-testid="keys-mail-username-invalid"]');
    await page.fill('[data-testid="keys-mail-username"]', 'Z12345');
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
    // Locked with the file's own passphrase; the import left nothing behind in the form.
    assert.equal(await page.locator(`[data-testid="keys-stored-row"][data-fingerprint="${expected}"] [data-testid="keys-stored-protection"]`).getAttribute('data-protection'), 'passphrase');
    assert.equal(await page.locator('[data-testid="keys-import-pass"]').count(), 0);
    assert.equal(await page.$eval('[data-testid="keys-import-file"]', (i) => (i as HTMLInputElement).files?.length ?? 0), 0);
  });

  test('the keys table passes axe (every header named; buttons named by their key)', async () => {
    // Evaluated through the DevTools protocol, so the app's Content-Security-Policy need not allow it.
    await page.evaluate(`${readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')}\n;void 0`);
    const violations = await page.evaluate(async () => {
      const r = await (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string }[] }> } }).axe.run(
        { include: [['[data-testid="keys-store"]'], ['[data-testid="keys-result"]'], ['[data-testid="keys-generate-form"]']] },
        { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
      return r.violations.map((v) => v.id);
    });
    assert.deepEqual(violations, []);
    const names = await page.$$eval('[data-testid="keys-rename"]', (bs) => bs.map((b) => b.getAttribute('aria-label')));
    assert.equal(new Set(names).size, names.length, 'rename buttons are told apart by name');
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
