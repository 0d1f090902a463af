// The whole journey in real Chromium through the gateway to the embedded demo SFTP server:
// connect with the demo password (the gateway pins the demo host key), deliver files with their
// .hash pairs into incoming/, get a receipt, browse, and log out.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { isLocal, launchChromium, recordRequests } from '../support/chromium.ts';
import { startAppServer, type AppServer } from '../support/app-server.ts';

const sha1 = (path: string) => execFileSync('sha1sum', [path]).toString().split(' ')[0]!;

describe('deliver to the demo server in Chromium', () => {
  let app: AppServer;
  let browser: Browser;
  let page: Page;
  let requests: string[] = [];
  const sockets: string[] = [];
  const cspViolations: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'courier-e2e-deliver-'));
  const files = ['gegevens.dat', 'indicatoren été.csv', 'bijlage.bin'].map((n, i) => {
    const p = join(dir, n);
    writeFileSync(p, randomBytes([10, 1, 3 * 1024 * 1024][i]!));
    return p;
  });

  before(async () => {
    app = await startAppServer({ demo: true });
    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'en-GB', acceptDownloads: true });
    requests = recordRequests(context);
    page = await context.newPage();
    page.on('websocket', (ws) => sockets.push(ws.url()));
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
    await page.goto(`${app.url}#/deliver`);
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  test('connects with the demo password, the pinned host key needs no question', async () => {
    await page.selectOption('[data-testid="profile"]', 'demo');
    await page.fill('[data-testid="username"]', 'demo');
    await page.selectOption('[data-testid="auth-method"]', 'password');
    await page.fill('[data-testid="password"]', 'demo-password');
    await page.click('[data-testid="connect"]');
    await page.waitForSelector('[data-testid="session-bar"]', { timeout: 30_000 });
    assert.match((await page.textContent('[data-testid="session-hostkey"]')) ?? '', new RegExp(app.demo!.hostKeyFingerprint.replace(/[+/]/g, '\\$&')));
  });

  test('delivers three files with their .hash pairs into incoming/ and gives a receipt', async () => {
    await page.setInputFiles('[data-testid="send-files"]', files);
    await page.click('[data-testid="send-start"]');
    // Visiting another screen meanwhile loses nothing: the queue and the receipt are still there.
    await page.click('[data-testid="nav-hash"]');
    await page.click('[data-testid="nav-deliver"]');
    await page.waitForSelector('[data-testid="queue-overall"][data-finished="true"]', { timeout: 60_000 });
    const states = await page.$$eval('[data-testid="queue-row"]', (rows) => rows.map((r) => r.getAttribute('data-state')));
    assert.deepEqual(states, ['delivered', 'delivered', 'delivered']);
    for (const f of files) {
      const name = f.split('/').pop()!;
      const remote = join(app.demo!.sandbox, 'incoming', name);
      assert.equal(sha1(remote), sha1(f), name);
      assert.equal(readFileSync(`${remote}.hash`, 'utf8'), sha1(f));
    }
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="receipt-json"]')]);
    const receipt = JSON.parse(readFileSync(await dl.path(), 'utf8'));
    assert.equal(receipt.format, 'sftp-courier-receipt');
    assert.equal(receipt.server.hostKeyFingerprint, app.demo!.hostKeyFingerprint);
    assert.deepEqual(receipt.files.map((f: { sha1: string }) => f.sha1), files.map(sha1));
  });

  test('the browser lists what arrived; log out ends the session', async () => {
    // Each pair is one row that shows its .hash is there.
    await page.waitForSelector('[data-testid="browse-row"][data-name="gegevens.dat"][data-sidecar="present"]');
    const rows = await page.$$eval('[data-testid="browse-row"]', (trs) => trs.map((r) => [r.getAttribute('data-name'), r.getAttribute('data-sidecar')]));
    for (const f of files) {
      const name = f.split('/').pop()!;
      assert.ok(rows.some(([n, side]) => n === name && side === 'present'), name);
    }
    assert.ok(!rows.some(([n]) => n?.includes('courier-part')));
    await page.click('[data-testid="logout"]');
    await page.waitForSelector('[data-testid="connect-panel"]');
  });

  test('only this origin was contacted: no third party, relay sockets to the gateway only, no CSP violation', () => {
    assert.ok(requests.length > 0);
    assert.deepEqual(requests.filter((u) => !isLocal(u)), []);
    assert.ok(sockets.length >= 1);
    for (const u of sockets) assert.match(u, /^ws:\/\/127\.0\.0\.1:\d+\/relay\?target=demo$/);
    assert.deepEqual(cspViolations, []);
  });
});
