// A profile file whose user-name pattern would freeze a backtracking matcher (issue 13.4: `^(a+)+$`
// and a 35-character name blocked the page > 15 s) is refused at import, the problem named in the
// user's language; a file with a plain pattern still checks the name as it is typed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { startAppServer, type AppServer } from '../support/app-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'courier-e2e-pattern-'));
function profileFile(name: string, pattern: string): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ format: 'sftp-courier-profiles', version: 1, profiles: [{
    id: name.replace(/\W/g, '-').toLowerCase(), label: `Registre ${name}`, targetId: 'demo', authMethods: ['password'], hostKeyFingerprints: [],
    uploadFolder: '', help: {}, username: { example: 'aaa', pattern },
  }] }));
  return path;
}

describe('profile user-name patterns (Chromium, French)', () => {
  let app: AppServer;
  let browser: Browser;
  let page: Page;
  before(async () => {
    app = await startAppServer({ demo: true });
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'fr-BE' })).newPage();
    await page.goto(`${app.url}#/deliver`);
    await page.waitForSelector('[data-testid="profile"]');
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  test('a hostile pattern is refused at import, in French, and the page stays responsive', async () => {
    await page.setInputFiles('[data-testid="profile-import"]', profileFile('hostile.json', '^(a+)+$'));
    const notice = await page.waitForSelector('[data-testid="profile-notice"]');
    assert.match((await notice.textContent()) ?? '', /modèle du nom d’utilisateur.*n’exécute pas/);
    const options = await page.$$eval('[data-testid="profile"] option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.ok(!options.includes('hostile-json'), 'the profile was not added');
    assert.equal(await page.evaluate(() => 1 + 1), 2);
  });

  test('a plain pattern is kept and checks a long name at once', async () => {
    await page.setInputFiles('[data-testid="profile-import"]', profileFile('plain.json', '^[ZzPp][0-9]+$'));
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="profile"] option')].some((o) => (o as HTMLOptionElement).value === 'plain-json'));
    await page.selectOption('[data-testid="profile"]', 'plain-json');
    await page.fill('[data-testid="username"]', `Z${'1'.repeat(34)}!`);
    assert.equal(await page.evaluate(() => 1 + 1), 2);
  });
});
