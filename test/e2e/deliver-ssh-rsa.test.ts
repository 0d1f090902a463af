// Issue 9.2 in the web app, in Chromium and in Firefox: an OpenSSH server that accepts RSA user keys
// only as ssh-rsa (SHA-1). A profile without `allowSshRsa` makes no SHA-1 signature and is refused;
// a profile with `allowSshRsa: true` says the risk on the connect panel before
// connecting, logs in with a SHA-1 signature (WebCrypto's RSASSA-PKCS1-v1_5 with SHA-1), and the
// session bar warns in the user's language. A profile whose `allowSshRsa` is not true/false is refused
// at import, naming the field.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElementHandle } from 'puppeteer-core';
import { startAppServer, type AppServer } from '../support/app-server.ts';
import { BROWSER_KINDS, launchBrowser, type LaunchedBrowser, type Page } from '../support/firefox.ts';
import { startSshd, type RunningSshd } from '../support/sshd.ts';
import { openApp, row, text } from './deliver-steps.ts';

const dir = mkdtempSync(join(tmpdir(), 'courier-e2e-ssh-rsa-'));
const key = join(dir, 'id_rsa');
execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', 'sha1-only', '-f', key]);

function profileFile(name: string, profiles: Record<string, unknown>[]): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ format: 'sftp-courier-profiles', version: 1, profiles }));
  return path;
}

const base = { targetId: 'sha1only', authMethods: ['publickey'], hostKeyFingerprints: [] as string[], uploadFolder: '', sidecar: { required: true, style: 'hex' }, tempRename: true, help: {} };
const profiles = profileFile('profiles.json', [
  { ...base, id: 'sha1-refused', label: 'SHA-1 only (not allowed)' },
  { ...base, id: 'sha1-allowed', label: 'SHA-1 only (allowed)', allowSshRsa: true },
]);
const invalid = profileFile('invalid.json', [{ ...base, id: 'sha1-bad', label: 'Bad setting', allowSshRsa: 'yes' }]);

let sshd: RunningSshd;
let app: AppServer;

before(async () => {
  sshd = await startSshd({ pubkeyAcceptedAlgorithms: 'ssh-rsa', passwordAuthentication: false, authorizedKeys: [readFileSync(`${key}.pub`, 'utf8').trim()] });
  writeFileSync(join(sshd.sftpRoot, 'listed.txt'), 'the session lists this folder\n');
  app = await startAppServer({ targets: { sha1only: { label: 'OpenSSH, SHA-1 only (test)', host: '127.0.0.1', port: sshd.port, hostKeyFingerprints: Object.values(sshd.hostKeyFingerprints), local: true } } });
});
after(async () => {
  await app?.close();
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function upload(page: Page, testId: string, path: string): Promise<void> {
  const input = (await page.waitForSelector(`[data-testid="${testId}"]`)) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(path);
}

for (const kind of BROWSER_KINDS) {
  const lang = kind === 'firefox' ? 'fr' : 'nl';
  describe(`ssh-rsa (SHA-1) signatures only where the profile allows them, in ${kind}`, () => {
    let b: LaunchedBrowser;
    let page: Page;

    before(async () => {
      b = await launchBrowser(kind);
      page = b.page;
      await openApp(page, app, 'keys', lang);
      await upload(page, 'keys-import-file', key);
      // An unencrypted key file is kept unprotected only after the explicit warning.
      await page.locator('[data-testid="keys-import-allow-empty"]').click();
      await page.locator('[data-testid="keys-import"]').click();
      await page.waitForSelector('[data-testid="keys-stored-row"]');
      await page.locator('[data-testid="nav-deliver"]').click();
      await upload(page, 'profile-import', profiles);
      await page.waitForSelector('option[value="sha1-allowed"]');
    });
    after(async () => {
      await b?.close();
    });

    async function connectWith(profileId: string): Promise<void> {
      await page.select('[data-testid="profile"]', profileId);
      await page.locator('[data-testid="username"]').fill(sshd.user);
      await page.waitForSelector('[data-testid="connect"]:not([disabled])');
      await page.locator('[data-testid="connect"]').click();
      await page.waitForSelector('[data-testid="session-bar"], [data-testid="connect-error"]', { timeout: 30_000 });
    }

    test('without allowSshRsa: no SHA-1 signature is tried, the login is refused; no warning about a setting that is off', async () => {
      await page.select('[data-testid="profile"]', 'sha1-refused');
      assert.equal(await page.$('[data-testid="profile-allows-ssh-rsa"]'), null);
      await connectWith('sha1-refused');
      // OpenSSH announces rsa-sha2-* in server-sig-algs even when PubkeyAcceptedAlgorithms leaves
      // only ssh-rsa: both are tried and refused, as for a key that is not registered.
      assert.equal(await page.$eval('[data-testid="connect-error"]', (e) => e.getAttribute('data-code')), 'key-refused');
      assert.doesNotMatch(await page.$eval('pre.log', (e) => e.textContent ?? ''), /SHA-1 signatures \(ssh-rsa\)/);
    });

    test('with allowSshRsa: the connect panel names the risk, the login signs with SHA-1, the session bar warns', async () => {
      await page.select('[data-testid="profile"]', 'sha1-allowed');
      const notice = await text(page, '[data-testid="profile-allows-ssh-rsa"]');
      assert.match(notice, lang === 'fr' ? /SHA-1 n’est plus sûr pour les signatures/ : /SHA-1 is niet meer veilig voor handtekeningen/);
      await connectWith('sha1-allowed');
      assert.equal(await page.$('[data-testid="connect-error"]'), null, 'connected');
      assert.equal(await page.$eval('[data-testid="session-warning"]', (e) => e.getAttribute('data-code')), 'ssh-rsa-sha1');
      assert.match(await text(page, '[data-testid="session-warning"]'), lang === 'fr' ? /signature SHA-1 \(ssh-rsa\)/ : /SHA-1-handtekening \(ssh-rsa\)/);
      assert.match(await page.$eval('pre.log', (e) => e.textContent ?? ''), /warning: .*SHA-1 signatures \(ssh-rsa\)/);
      await page.waitForSelector(row('listed.txt')); // the SFTP session works
      await page.locator('[data-testid="logout"]').click();
      await page.waitForSelector('[data-testid="connect-panel"]');
    });

    test('allowSshRsa other than true or false: the profile file is refused, naming the field', async () => {
      await upload(page, 'profile-import', invalid);
      await page.waitForSelector('[data-testid="profile-notice"].alert');
      assert.match(await text(page, '[data-testid="profile-notice"]'), /allowSshRsa/);
      assert.equal(await page.$('option[value="sha1-bad"]'), null);
    });
  });
}
