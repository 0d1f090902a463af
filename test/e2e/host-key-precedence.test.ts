// A fingerprint the operator publishes outranks what this browser trusted before (issue 13.2): a
// user trusted the server's key while nothing was published; the operator then publishes another
// fingerprint; the next connection is a hard stop that says so, in the user's language — it used
// to connect with the old key and ask nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { startDemoServer, type RunningDemoServer } from '../../gateway/demo/demo-server.ts';
import { startGateway, type RunningGateway } from '../../gateway/main.ts';
import type { RelayTarget } from '../../gateway/config.ts';

describe('published host-key fingerprints outrank "trust always" (Chromium, Dutch)', () => {
  let demo: RunningDemoServer;
  let gateway: RunningGateway;
  let browser: Browser;
  let page: Page;
  const dataDir = mkdtempSync(join(tmpdir(), 'courier-e2e-pins-'));
  let target: RelayTarget;

  before(async () => {
    demo = await startDemoServer({ port: 0, dataDir, username: 'demo', password: 'demo-password' });
    // Nothing published at first: the user is asked and trusts the key always.
    target = { label: 'Demo', host: '127.0.0.1', port: demo.port, hostKeyFingerprints: [], local: true };
    gateway = await startGateway({ host: '127.0.0.1', port: 0, webRoot: resolve('dist/web'), targets: { demo: target }, log: () => undefined });
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'nl-BE' })).newPage();
  });
  after(async () => {
    await browser?.close();
    await gateway?.shutdown(0);
    await demo?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A fresh visit (as after closing the tab): the stored trust is all that is left of the last one. */
  async function connect(): Promise<void> {
    await page.goto('about:blank');
    await page.goto(`${gateway.url}#/deliver`);
    await page.selectOption('[data-testid="profile"]', 'demo');
    await page.fill('[data-testid="username"]', 'demo');
    await page.selectOption('[data-testid="auth-method"]', 'password');
    await page.fill('[data-testid="password"]', 'demo-password');
    await page.click('[data-testid="connect"]');
  }

  test('first connection: nothing published, the user trusts the key always', async () => {
    await connect();
    await page.click('[data-testid="hostkey-always"]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid="session-bar"]', { timeout: 30_000 });
  });

  test('the operator publishes another fingerprint: the next connection is a hard stop that says why', async () => {
    target.hostKeyFingerprints.push(`SHA256:${'A'.repeat(43)}`);
    await connect();
    const error = await page.waitForSelector('[data-testid="connect-error"]', { timeout: 30_000 });
    assert.equal(await error.getAttribute('data-code'), 'host-key-not-published');
    assert.match((await error.textContent()) ?? '', /vroeger op deze computer vertrouwde.*publiceert nu een andere vingerafdruk/);
    assert.equal(await page.$('[data-testid="session-bar"]'), null);
    assert.equal(await page.$('[data-testid="hostkey-dialog"][open]'), null, 'never a question');
  });

  test('once the operator publishes the real fingerprint, it connects without a question', async () => {
    target.hostKeyFingerprints.splice(0, target.hostKeyFingerprints.length, demo.hostKeyFingerprint);
    await connect();
    await page.waitForSelector('[data-testid="session-bar"]', { timeout: 30_000 });
  });
});
