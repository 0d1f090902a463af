// Chromium, through the gateway, into real OpenSSH servers configured like the ones our users
// meet: (a) OpenSSH defaults with an Ed25519 user key, (c) an ed25519-only host key, (d) password
// only. Each gets files delivered with their .hash (checked with sha1sum on the server side) and
// one downloaded back through the browser and compared.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { startAppServer, type AppServer } from '../support/app-server.ts';
import { startSshd, type RunningSshd, type SshdOptions } from '../support/sshd.ts';

const sha1 = (path: string) => execFileSync('sha1sum', [path]).toString().split(' ')[0]!;

describe('Chromium delivers into OpenSSH variants', () => {
  const dir = mkdtempSync(join(tmpdir(), 'courier-e2e-variants-'));
  const key = join(dir, 'id_ed25519');
  const servers: Record<string, RunningSshd> = {};
  let app: AppServer;
  let browser: Browser;
  let page: Page;
  const empty = join(dir, 'leeg.dat');
  const one = join(dir, 'één-byte.bin');
  const five = join(dir, 'vijf-MiB.bin');
  const huge = join(dir, 'groot-1.1GiB.bin');

  before(async () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'variants', '-f', key]);
    const pub = readFileSync(`${key}.pub`, 'utf8').trim();
    const variants: Record<string, SshdOptions> = {
      defaults: { authorizedKeys: [pub], rekeyLimit: '256M' },
      ed25519only: { hostKeyAlgorithms: 'ssh-ed25519', authorizedKeys: [pub] },
      passwordonly: { pubkeyAuthentication: false },
    };
    for (const [id, options] of Object.entries(variants)) servers[id] = await startSshd(options);
    app = await startAppServer({
      targets: Object.fromEntries(Object.entries(servers).map(([id, s]) => [id, { label: id, host: '127.0.0.1', port: s.port, hostKeyFingerprints: Object.values(s.hostKeyFingerprints), local: true }])),
    });
    writeFileSync(empty, '');
    writeFileSync(one, 'x');
    writeFileSync(five, randomBytes(5 * 1024 * 1024));
    const block = randomBytes(16 * 1024 * 1024);
    const fd = openSync(huge, 'w');
    for (let i = 0; i < 70; i++) writeSync(fd, block, 0, block.length); // 1.09 GiB
    writeSync(fd, randomBytes(12345));
    closeSync(fd);
    const profiles = join(dir, 'profiles.json');
    writeFileSync(profiles, JSON.stringify({
      format: 'sftp-courier-profiles', version: 1,
      profiles: Object.keys(servers).map((id) => ({
        id, label: `Test ${id}`, targetId: id, authMethods: id === 'passwordonly' ? ['password'] : ['publickey'],
        hostKeyFingerprints: [], uploadFolder: '', sidecar: { required: true, style: 'hex' }, tempRename: true, help: {},
      })),
    }));
    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'en-GB', acceptDownloads: true });
    // Take the plain download path (headless Chromium cannot answer a save-file dialog).
    await context.addInitScript(() => {
      delete (window as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker;
    });
    page = await context.newPage();
    await page.goto(`${app.url}#/keys`);
    await page.setInputFiles('[data-testid="keys-import-file"]', key);
    // An unencrypted key file is kept unprotected only after the explicit warning (keys-lock tests the locked case).
    await page.check('[data-testid="keys-import-allow-empty"]');
    await page.click('[data-testid="keys-import"]');
    await page.waitForSelector('[data-testid="keys-stored-row"]');
    await page.goto(`${app.url}#/deliver`);
    await page.setInputFiles('[data-testid="profile-import"]', profiles);
    await page.waitForSelector('option[value="passwordonly"]', { state: 'attached' });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    for (const s of Object.values(servers)) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const id of ['defaults', 'ed25519only', 'passwordonly']) {
    test(`${id}: empty, 1 byte and 5 MiB arrive with their .hash; a download comes back equal`, async () => {
      const sshd = servers[id]!;
      await page.selectOption('[data-testid="profile"]', id);
      await page.fill('[data-testid="username"]', sshd.user);
      if (id === 'passwordonly') await page.fill('[data-testid="password"]', sshd.password);
      await page.click('[data-testid="connect"]');
      await page.waitForSelector('[data-testid="session-bar"], [data-testid="connect-error"]', { timeout: 30_000 });
      if (await page.isVisible('[data-testid="connect-error"]')) assert.fail(`connect failed: ${await page.textContent('[data-testid="connect-error"]')}`);
      if (id === 'ed25519only') assert.match((await page.textContent('[data-testid="session-hostkey"]'))!, /ssh-ed25519/);
      await page.setInputFiles('[data-testid="send-files"]', [empty, one, five]);
      await page.click('[data-testid="send-start"]');
      await page.waitForSelector('[data-testid="queue-overall"][data-finished="true"]', { timeout: 60_000 });
      for (const f of [empty, one, five]) {
        const name = f.split('/').pop()!;
        assert.equal(sha1(join(sshd.sftpRoot, name)), sha1(f), `${id} ${name}`);
        assert.equal(readFileSync(join(sshd.sftpRoot, `${name}.hash`), 'utf8'), sha1(f));
      }
      const row = page.locator('[data-testid="browse-row"][data-name="vijf-MiB.bin"]');
      await row.waitFor();
      const [dl] = await Promise.all([page.waitForEvent('download'), row.locator('button', { hasText: /^Download$/ }).click()]);
      const back = join(dir, `${id}-back.bin`);
      await dl.saveAs(back);
      assert.equal(sha1(back), sha1(five));
      await page.click('[data-testid="logout"]');
      await page.waitForSelector('[data-testid="connect-panel"]');
    });
  }

  test('a file over 1 GiB goes up and is read back (SHA-1 compared) across several re-keys', { timeout: 900_000 }, async () => {
    const sshd = servers.defaults!;
    await page.selectOption('[data-testid="profile"]', 'defaults');
    await page.fill('[data-testid="username"]', sshd.user);
    await page.click('[data-testid="connect"]');
    await page.waitForSelector('[data-testid="session-bar"]', { timeout: 30_000 });
    await page.setInputFiles('[data-testid="send-files"]', [huge]);
    await page.check('[data-testid="send-verify"]');
    await page.click('[data-testid="send-start"]');
    await page.waitForSelector('[data-testid="queue-overall"][data-finished="true"]', { timeout: 840_000 });
    assert.equal(await page.getAttribute('[data-testid="queue-row"]', 'data-state'), 'delivered');
    assert.match((await page.textContent('[data-testid="receipt"]'))!, /read back and verified/);
    const remote = join(sshd.sftpRoot, 'groot-1.1GiB.bin');
    assert.equal(statSync(remote).size, statSync(huge).size);
    assert.equal(sha1(remote), sha1(huge));
    assert.equal(readFileSync(`${remote}.hash`, 'utf8'), sha1(huge));
    const logouts = () => page.evaluate(() => (document.querySelector('pre.log')?.textContent?.match(/logged out/g) ?? []).length);
    const before = await logouts();
    await page.click('[data-testid="logout"]');
    await page.waitForFunction((n) => (document.querySelector('pre.log')?.textContent?.match(/logged out/g) ?? []).length > n, before);
    const log = (await page.textContent('pre.log'))!;
    const exchanges = Number([...log.matchAll(/logged out \((\d+) key exchanges?/g)].pop()?.[1] ?? 0); // this test's logout is the last
    assert.ok(exchanges >= 3, `key exchanges: ${exchanges}\n${log}`);
  });
});
