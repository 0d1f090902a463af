// The "done when" of issue 6, as a new user does it after `npm start` (the real gateway/main.ts
// process with the embedded demo server, on free ports), in French: generate a key, register its
// .asc with `npm run demo:authorize`, connect with it (the demo host key is pinned by the gateway),
// deliver a folder of data files with their .hash pairs, and save the receipt.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';

const sha1 = (path: string) => execFileSync('sha1sum', [path]).toString().split(' ')[0]!;

describe('a new user from npm start to a delivered folder with a receipt', () => {
  const dir = mkdtempSync(join(tmpdir(), 'courier-journey-'));
  const dataDir = join(dir, 'demo-data');
  const configPath = join(dir, 'gateway.config.json');
  const folder = join(dir, 'levering-2026-Q3');
  let gateway: ChildProcess;
  let url = '';
  let output = '';
  let browser: Browser;
  let page: Page;

  before(async () => {
    writeFileSync(configPath, JSON.stringify({ targets: {}, demo: { enabled: true, targetId: 'demo', port: 0, dataDir, username: 'demo', password: 'demo-password' } }));
    gateway = spawn(process.execPath, ['--import', 'tsx', 'gateway/main.ts', '--config', configPath, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    gateway.stdout!.on('data', (d: Buffer) => (output += d));
    gateway.stderr!.on('data', (d: Buffer) => (output += d));
    const deadline = Date.now() + 30_000;
    while (!/open (http:\/\/127\.0\.0\.1:\d+\/)/.test(output)) {
      assert.ok(Date.now() < deadline && gateway.exitCode === null, `gateway did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    url = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)![1]!;
    mkdirSync(folder);
    writeFileSync(join(folder, 'patienten.csv'), 'id;jaar\n1;2026\n');
    writeFileSync(join(folder, 'indicatoren.xml'), randomBytes(700_000));
    writeFileSync(join(folder, 'vragenlijst.dat'), randomBytes(4 * 1024 * 1024));
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'fr-BE', acceptDownloads: true })).newPage();
  });
  after(async () => {
    await browser?.close();
    if (gateway && gateway.exitCode === null) {
      const exited = new Promise((r) => gateway.once('exit', r));
      gateway.kill('SIGTERM');
      await exited;
    }
  });

  test('npm start prints the URL, the demo account and the demo host key', () => {
    assert.match(output, /user: demo +password: demo-password/);
    assert.match(output, /host key: SHA256:[A-Za-z0-9+/]{43}/);
  });

  test('makes a key in the browser and registers its .asc with the demo server', async () => {
    await page.goto(`${url}#/keys`);
    await page.waitForSelector('[data-testid="keys-screen"]');
    await page.selectOption('[data-testid="keys-profile"]', '');
    await page.selectOption('[data-testid="keys-bits"]', '2048');
    await page.fill('[data-testid="keys-ident"]', 'Z12345');
    await page.fill('[data-testid="keys-pass"]', 'une phrase de passe');
    await page.fill('[data-testid="keys-pass2"]', 'une phrase de passe');
    await page.click('[data-testid="keys-generate"]');
    await page.waitForSelector('[data-testid="keys-result"]', { timeout: 120_000 });
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="keys-download-rfc4716"]')]);
    assert.equal(dl.suggestedFilename(), 'publicKey_Z12345.asc');
    const asc = join(dir, dl.suggestedFilename());
    await dl.saveAs(asc);
    const r = spawnSync('npm', ['run', '--silent', 'demo:authorize', '--', asc], { env: { ...process.env, COURIER_GATEWAY_CONFIG: configPath }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /may now log in as "demo"/);
  });

  test('connects with the key, delivers the folder with .hash pairs, and saves the receipt', async () => {
    await page.goto(`${url}#/deliver`);
    await page.selectOption('[data-testid="profile"]', 'demo');
    await page.fill('[data-testid="username"]', 'demo');
    await page.selectOption('[data-testid="auth-method"]', 'key');
    // The kept key is locked with the passphrase it was made with: asked once per session.
    await page.fill('[data-testid="login-key-pass"]', 'une phrase de passe');
    await page.click('[data-testid="connect"]');
    await page.waitForSelector('[data-testid="session-bar"]', { timeout: 30_000 });
    assert.match((await page.textContent('[data-testid="session-bar"]'))!, /Connecté à/);
    await page.setInputFiles('[data-testid="send-folder"]', folder);
    await page.click('[data-testid="send-start"]');
    await page.waitForSelector('[data-testid="queue-overall"][data-finished="true"]', { timeout: 60_000 });
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="receipt-json"]')]);
    const receipt = JSON.parse(readFileSync(await dl.path(), 'utf8'));
    assert.equal(receipt.files.length, 3);
    const incoming = join(dataDir, 'sandbox', 'incoming');
    for (const f of receipt.files as { name: string; sha1: string; status: string }[]) {
      assert.equal(f.status, 'delivered');
      assert.equal(sha1(join(folder, f.name)), f.sha1);
      assert.equal(sha1(join(incoming, f.name)), f.sha1);
      assert.equal(readFileSync(join(incoming, `${f.name}.hash`), 'utf8'), f.sha1);
    }
  });
});
