// The main journey with the keyboard only — make a key, make .hash files, deliver — in real
// Chromium through the gateway to the demo server, asserting where focus lands after each action:
// never on the page body, always on the result of what was just done. Fields are reached with Tab
// (and Shift+Tab), chosen with the arrow keys, buttons pressed with Enter; files are given to the
// file chooser the button opens.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startAppServer, type AppServer } from '../support/app-server.ts';
import { launchChromium } from '../support/chromium.ts';

describe('the main journey by keyboard only, focus following each result', () => {
  const dir = mkdtempSync(join(tmpdir(), 'courier-e2e-keyboard-'));
  let app: AppServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    app = await startAppServer({ demo: true });
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'nl-BE', viewport: { width: 1280, height: 800 }, acceptDownloads: true })).newPage();
    // Intercept file choosers from the start: enabling it only when a test waits for one races
    // with the Enter that opens it on a loaded machine.
    page.on('filechooser', () => undefined);
    await page.goto(`${app.url}#/keys`);
    await page.waitForSelector('[data-testid="keys-screen"]');
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Where focus is: the element's test id, the test ids of it and its ancestors, its tag and text. */
  async function focused(): Promise<{ testId: string; within: string[]; tag: string; text: string }> {
    return page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      const within: string[] = [];
      for (let e: Element | null = el; e; e = e.parentElement) if (e.hasAttribute('data-testid')) within.push(e.getAttribute('data-testid')!);
      return { testId: el?.getAttribute('data-testid') ?? '', within, tag: el?.tagName.toLowerCase() ?? '', text: (el?.textContent ?? '').trim().slice(0, 80) };
    });
  }

  async function assertFocusIn(testId: string, what: string, tag?: string): Promise<void> {
    const f = await focused();
    assert.ok(f.within.includes(testId) && (!tag || f.tag === tag), `focus ${what}: ${JSON.stringify(f)}`);
  }

  /** Presses Tab (or Shift+Tab) until the focused element matches `selector`; fails if it never does. */
  async function tabTo(selector: string, backwards = false): Promise<void> {
    for (let i = 0; i < 80; i++) {
      if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
      await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    }
    assert.fail(`Tab never reached ${selector} (focus: ${JSON.stringify(await focused())})`);
  }

  /** Arrow keys on a focused select until its value is `value`. */
  async function choose(value: string): Promise<void> {
    for (let i = 0; i < 20; i++) {
      if (await page.evaluate((v) => (document.activeElement as HTMLSelectElement).value === v, value)) return;
      await page.keyboard.press(i < 10 ? 'ArrowDown' : 'ArrowUp');
    }
    assert.fail(`the select never took ${value}`);
  }

  async function typeInto(selector: string, text: string): Promise<void> {
    await tabTo(selector);
    await page.keyboard.type(text);
  }

  test('the first Tab reaches the skip link; it takes focus to the screen’s heading', async () => {
    await page.keyboard.press('Tab');
    assert.equal((await focused()).testId, 'skip-link');
    await page.keyboard.press('Enter');
    await assertFocusIn('keys-screen', 'after the skip link', 'h2');
    assert.match(page.url(), /#\/keys$/, 'the skip link does not change the route');
  });

  test('make a key: focus lands on the result', async () => {
    await tabTo('[data-testid="keys-profile"]');
    await choose('');
    // RSA, as the registries ask (2048 bits to keep the test short).
    await tabTo('[data-testid="keys-type"]');
    await choose('rsa');
    await tabTo('[data-testid="keys-bits"]');
    await choose('2048');
    await typeInto('[data-testid="keys-ident"]', 'Z12345');
    await typeInto('[data-testid="keys-pass"]', 'een lange wachtwoordzin');
    await typeInto('[data-testid="keys-pass2"]', 'een lange wachtwoordzin');
    await tabTo('[data-testid="keys-generate"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="keys-result"]', { timeout: 60_000 });
    await page.waitForFunction(() => document.activeElement?.closest('[data-testid="keys-result"]') !== null, null, { timeout: 10_000 }).catch(() => undefined);
    const after = await focused();
    const afterOk = after.within.includes('keys-result');
    // Save the public key from the result (Enter on its button) and register it with the demo server.
    await tabTo('[data-testid="keys-download-rfc4716"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const asc = join(dir, download.suggestedFilename());
    await download.saveAs(asc);
    copyFileSync(asc, join(app.demo!.authorizedKeysDir, 'keyboard.asc'));
    assert.ok(afterOk, `focus after making the key: ${JSON.stringify(after)}`);
  });

  test('to the hash tool by the tabs: focus lands on its heading; after hashing, on the outcome', async () => {
    await tabTo('[data-testid="nav-hash"]', true);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="hash-screen"]');
    await assertFocusIn('hash-screen', 'after opening the hash tool', 'h2');
    const a = join(dir, 'indicatoren.csv');
    const b = join(dir, 'bijlage.dat');
    writeFileSync(a, 'id;waarde\n1;0,93\n');
    writeFileSync(b, Buffer.alloc(2_000_000, 3));
    await tabTo('[data-testid="hash-drop"] button.primary');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Enter')]);
    await chooser.setFiles([a, b]);
    await page.waitForSelector('[data-testid="hash-overall"][data-finished="true"]');
    assert.equal((await focused()).testId, 'hash-outcome');
    assert.match((await page.textContent('[data-testid="announcer"]'))!, /2 van 2 bestanden klaar/);
  });

  test('deliver: focus lands on the session after Verbinden, and on the outcome when the delivery finishes', async () => {
    await tabTo('[data-testid="nav-deliver"]', true);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="connect-panel"]');
    await assertFocusIn('deliver-screen', 'after opening Deliver', 'h2');
    await tabTo('[data-testid="profile"]');
    await choose('demo');
    await typeInto('[data-testid="username"]', 'demo');
    await tabTo('[data-testid="auth-method"]');
    await choose('key');
    // A kept key is locked at rest: its passphrase is typed at each connect.
    await typeInto('[data-testid="login-key-pass"]', 'een lange wachtwoordzin');
    await tabTo('[data-testid="connect"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="session-bar"], [data-testid="connect-error"]', { timeout: 30_000 });
    if (await page.isVisible('[data-testid="connect-error"]')) assert.fail(`connect failed: ${await page.textContent('[data-testid="connect-error"]')}`);
    await page.waitForFunction(() => document.activeElement?.closest('[data-testid="session-bar"]') !== null, null, { timeout: 10_000 }).catch(() => undefined);
    await assertFocusIn('session-bar', 'after connecting');
    const file = join(dir, 'levering.csv');
    writeFileSync(file, 'id\n1\n');
    await tabTo('[data-testid="send-drop"] button.primary');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Enter')]);
    await chooser.setFiles([file]);
    await tabTo('[data-testid="send-start"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="receipt"]', { timeout: 60_000 });
    await page.waitForFunction(() => {
      const el = document.activeElement;
      return !!el && el !== document.body && !!el.closest('[data-testid="queue-overall"], [data-testid="receipt"]');
    }, null, { timeout: 10_000 }).catch(() => undefined);
    const f = await focused();
    assert.ok(f.within.includes('queue-overall') || f.within.includes('receipt'), `focus after the delivery: ${JSON.stringify(f)}`);
  });
});
