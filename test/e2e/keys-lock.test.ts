// Issue 13.1 and 13.3 in real Chromium, through the real gateway to the demo SFTP server:
// a kept key is locked at rest — after a reload connecting asks for its passphrase, refuses a
// wrong one (losing nothing), connects with the right one, and asks again after log-out; and an
// imported unencrypted key file leaves no trace of its text in the page (a script walking the
// Preact tree from #app, every reachable object, Blob and input finds none).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { startAppServer, type AppServer } from '../support/app-server.ts';

const PASS = 'Sleutel op slot 2026';
const dir = mkdtempSync(join(tmpdir(), 'courier-keys-lock-'));

/**
 * Runs in the page: walks everything reachable from #app's own properties (Preact keeps its
 * vnode tree, hook state and refs there), plus every input's value and files, and reports each
 * place where one of the needles shows up — in a string, in bytes, or in a Blob/File's content.
 */
async function findInPage(page: Page, needles: string[]): Promise<string[]> {
  // Plain JavaScript source: the test's own transpiler would add helpers the page does not have.
  return page.evaluate(`(${WALKER})(${JSON.stringify(needles)})`) as Promise<string[]>;
}

const WALKER = `async function (needles) {
  const hits = [];
  const seen = new WeakSet();
  const blobs = [];
  const app = document.getElementById('app');
  function check(text, where) {
    for (const n of needles) if (text.includes(n)) hits.push(where + ': ' + n.slice(0, 12) + '…');
  }
  function walk(value, where, depth) {
    if (typeof value === 'string') return check(value, where);
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return;
    if (seen.has(value) || depth > 200) return;
    seen.add(value);
    if (value instanceof Blob) return void blobs.push([value, where]);
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      return check(new TextDecoder('latin1').decode(bytes), where);
    }
    // DOM nodes are walked through the document below, not through every back-reference.
    if (value instanceof Node && value !== app) return;
    if (value instanceof Map) for (const [k, v] of value) { walk(k, where + '<key>', depth + 1); walk(v, where + '<map>', depth + 1); }
    if (value instanceof Set) for (const v of value) walk(v, where + '<set>', depth + 1);
    for (const key of Object.getOwnPropertyNames(value)) {
      let v;
      try { v = value[key]; } catch { continue; }
      walk(v, where + '.' + key, depth + 1);
    }
  }
  walk(app, '#app', 0);
  for (const el of document.querySelectorAll('#app *')) {
    for (const key of Object.getOwnPropertyNames(el)) walk(el[key], '<' + el.tagName.toLowerCase() + '>.' + key, 1);
    if (el instanceof HTMLInputElement) {
      check(el.value, 'input[' + (el.dataset.testid || el.name) + '].value');
      for (const f of el.files || []) blobs.push([f, 'input[' + (el.dataset.testid || '') + '].files']);
    }
  }
  check(document.documentElement.outerHTML, 'DOM');
  for (const [b, where] of blobs) check(await b.text(), where + ' (Blob)');
  return hits;
}`;

describe('kept keys are locked at rest; imported key text does not stay in the page', () => {
  let app: AppServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    app = await startAppServer({ demo: true });
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'en-GB', acceptDownloads: true })).newPage();
    await page.goto(`${app.url}#/keys`);
    await page.waitForSelector('[data-testid="keys-screen"]');
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an imported unencrypted OpenSSH key leaves no trace of its text or passphrase in the page', async () => {
    const key = join(dir, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'imported plain', '-f', key]);
    const text = readFileSync(key, 'utf8');
    const body = text.split('\n').slice(1, -2).join('');
    // Pieces of the key file that only its text holds (not the public part, which is shown).
    const needles = [body.slice(-70, -10), 'BEGIN OPENSSH PRIVATE KEY', PASS];
    await page.setInputFiles('[data-testid="keys-import-file"]', key);
    await page.waitForSelector('[data-testid="keys-import-lock"]');
    await page.fill('[data-testid="keys-import-lock-pass"]', PASS);
    await page.fill('[data-testid="keys-import-lock-pass2"]', PASS);
    await page.click('[data-testid="keys-import"]');
    await page.waitForSelector('[data-testid="keys-import-message"].success');
    await page.waitForSelector('[data-testid="keys-stored-row"] [data-protection="passphrase"]');
    assert.deepEqual(await findInPage(page, needles), []);
    // The walker does find what is there: the public fingerprint shown on screen.
    const fp = (await page.getAttribute('[data-testid="keys-stored-row"]', 'data-fingerprint'))!;
    assert.notDeepEqual(await findInPage(page, [fp]), []);
    await page.click('[data-testid="keys-stored-row"] [data-testid="keys-delete"]');
    await page.click('[data-testid="ask-ok"]');
    await page.waitForSelector('[data-testid="keys-store-empty"]');
  });

  test('a key made and kept here asks for its passphrase after a reload, refuses a wrong one, connects with the right one', async () => {
    await page.selectOption('[data-testid="keys-profile"]', '');
    await page.selectOption('[data-testid="keys-bits"]', '2048');
    await page.fill('[data-testid="keys-ident"]', 'demo');
    await page.fill('[data-testid="keys-pass"]', PASS);
    await page.fill('[data-testid="keys-pass2"]', PASS);
    await page.click('[data-testid="keys-generate"]');
    await page.waitForSelector('[data-testid="keys-result"]', { timeout: 120_000 });
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="keys-download-authorized-keys"]')]);
    const pub = join(dir, dl.suggestedFilename());
    await dl.saveAs(pub);
    copyFileSync(pub, join(app.demo!.authorizedKeysDir, 'demo.pub'));

    await page.reload();
    await page.goto(`${app.url}#/deliver`);
    await page.selectOption('[data-testid="profile"]', 'demo');
    await page.fill('[data-testid="username"]', 'demo');
    await page.selectOption('[data-testid="auth-method"]', 'key');
    await page.waitForSelector('[data-testid="login-key-pass"]');
    assert.ok(await page.isDisabled('[data-testid="connect"]'), 'no connect without the passphrase');

    await page.fill('[data-testid="login-key-pass"]', 'not the passphrase');
    await page.click('[data-testid="connect"]');
    await page.waitForSelector('[data-testid="connect-error"]');
    assert.equal(await page.getAttribute('[data-testid="connect-error"]', 'data-code'), 'stored-key-wrong-passphrase');
    assert.match((await page.textContent('[data-testid="connect-error"]'))!, /not the passphrase of this key\. Nothing was changed/);
    assert.equal(await page.inputValue('[data-testid="username"]'), 'demo', 'nothing typed is lost');
    assert.equal(await page.locator('[data-testid="login-key"] option').count(), 1, 'the key is still kept');

    await page.fill('[data-testid="login-key-pass"]', PASS);
    await page.click('[data-testid="connect"]');
    await page.waitForSelector('[data-testid="session-bar"]', { timeout: 30_000 });

    // Log-out drops the unlocked key: the next connection asks again.
    await page.click('[data-testid="logout"]');
    await page.waitForSelector('[data-testid="connect-panel"]');
    await page.selectOption('[data-testid="auth-method"]', 'key');
    await page.waitForSelector('[data-testid="login-key-pass"]');
    assert.equal(await page.inputValue('[data-testid="login-key-pass"]'), '');
    assert.ok(await page.isDisabled('[data-testid="connect"]'));
    await page.fill('[data-testid="login-key-pass"]', 'still wrong');
    await page.click('[data-testid="connect"]');
    await page.waitForSelector('[data-testid="connect-error"][data-code="stored-key-wrong-passphrase"]');
  });
});
