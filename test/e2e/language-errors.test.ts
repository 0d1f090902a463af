// Every kind of failure, in Dutch and in French, with no English sentence (and no sentence left in
// the other language after a switch) anywhere on the page. Real Chromium, the real gateway and the
// embedded demo SFTP server. Provoked for real: a bad profile file, a wrong password, an
// unreachable server, an unknown host key turned down, a changed host key, a key the server
// refuses, key files that cannot be used (wrong passphrase, damaged, public, unsupported,
// changed after saving), a data file whose .hash does not match, a file that already exists,
// .hash files that do not match on the check screen. The kinds no test can provoke on demand
// (no common cipher, an expired password, a gateway at its limit, a short download, …) are
// rendered through the same components, each with an English log message that must stay out of
// sight. The Keys result and a receipt are checked on the way.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startAppServer, type AppServer } from '../support/app-server.ts';
import { launchChromium } from '../support/chromium.ts';
import { bundleHarness } from '../support/i18n-harness/bundle.ts';
import { assertAllIn, assertDutchAndFrench, switchLanguage } from '../support/i18n-page.ts';
import { foreignOnPage } from '../support/language-text.ts';
import { startTcpSwitch, type TcpSwitch } from '../support/tcp-switch.ts';

const sha1 = (path: string) => execFileSync('sha1sum', [path]).toString().split(' ')[0]!;
const WRONG_PIN = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const KEY_PASS = 'een lange wachtwoordzin';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  await new Promise((ok) => server.close(ok));
  return port;
}

describe('every error kind in Dutch and French, with no English on the page', () => {
  const dir = mkdtempSync(join(tmpdir(), 'courier-e2e-language-'));
  let app: AppServer;
  let sw: TcpSwitch;
  let browser: Browser;
  let page: Page;

  before(async () => {
    sw = await startTcpSwitch(1);
    const down = await closedPort();
    app = await startAppServer({
      demo: true,
      targets: {
        nopin: { label: 'Oefenserver zonder vingerafdruk', host: '127.0.0.1', port: sw.port, hostKeyFingerprints: [], local: true },
        changed: { label: 'Oefenserver met een andere vingerafdruk', host: '127.0.0.1', port: sw.port, hostKeyFingerprints: [WRONG_PIN], local: true },
        down: { label: 'Onbereikbare server', host: '127.0.0.1', port: down, hostKeyFingerprints: [], local: true },
      },
    });
    sw.setTarget(app.demo!.port);
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'nl-BE', viewport: { width: 1280, height: 900 }, acceptDownloads: true })).newPage();
    await page.goto(`${app.url}#/deliver`);
    await page.waitForSelector('[data-testid="connect-panel"]');
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await sw?.close();
  });

  async function connect(profile: string, auth: { password: string } | 'key'): Promise<void> {
    await page.goto(`${app.url}#/deliver`);
    await page.waitForSelector('[data-testid="connect-panel"]');
    await page.selectOption('[data-testid="profile"]', profile);
    await page.fill('[data-testid="username"]', 'demo');
    if (auth === 'key') {
      await page.selectOption('[data-testid="auth-method"]', 'key');
      // A kept key is locked at rest: its passphrase is typed at each connect.
      await page.fill('[data-testid="login-key-pass"]', KEY_PASS);
    } else {
      await page.selectOption('[data-testid="auth-method"]', 'password');
      await page.fill('[data-testid="password"]', auth.password);
    }
    await page.click('[data-testid="connect"]');
  }

  async function connectError(code: string): Promise<void> {
    await page.waitForSelector(`[data-testid="connect-error"][data-code="${code}"]`, { timeout: 30_000 });
    await assertDutchAndFrench(page, `connect error ${code}`);
  }

  test('a bad profile file: each problem in the user’s language, the field named in words', async () => {
    const bad = join(dir, 'profielen-fout.json');
    writeFileSync(bad, JSON.stringify({
      format: 'sftp-courier-profiles', version: 1,
      profiles: [{ id: 'Slecht Id', label: 'RIVM', targetId: '', authMethods: ['telnet'], hostKeyFingerprints: ['MD5:aa'], uploadFolder: '../etc' }],
    }));
    await switchLanguage(page, 'nl');
    await page.setInputFiles('[data-testid="profile-import"]', bad);
    await page.waitForSelector('[data-testid="connect-panel"] [role="alert"]');
    const text = (await page.textContent('[data-testid="connect-panel"] [role="alert"]'))!;
    assert.match(text, /doel op de gateway/);
    assert.doesNotMatch(text, /targetId|must be/);
    await assertDutchAndFrench(page, 'profile import problems');
  });

  test('a good profile file is imported, and says how many profiles it held', async () => {
    const good = join(dir, 'profielen.json');
    const profile = (id: string) => ({ id, label: `Test ${id}`, targetId: id, authMethods: ['publickey', 'password'], hostKeyFingerprints: [], uploadFolder: 'incoming', sidecar: { required: true, style: 'hex' }, tempRename: true, help: {} });
    writeFileSync(good, JSON.stringify({ format: 'sftp-courier-profiles', version: 1, profiles: ['nopin', 'changed', 'down'].map(profile) }));
    await page.setInputFiles('[data-testid="profile-import"]', good);
    await page.waitForSelector('option[value="changed"]', { state: 'attached' });
    await assertDutchAndFrench(page, 'profiles imported');
  });

  test('a wrong password', async () => {
    await connect('demo', { password: 'niet-het-wachtwoord' });
    await connectError('wrong-password');
  });

  test('a server nobody answers for', async () => {
    await connect('down', { password: 'demo-password' });
    await page.waitForSelector('[data-testid="connect-error"]', { timeout: 30_000 });
    await assertDutchAndFrench(page, 'unreachable server');
  });

  test('an unknown host key: the question, then turned down', async () => {
    await connect('nopin', { password: 'demo-password' });
    await page.waitForSelector('[data-testid="hostkey-dialog"][open]', { timeout: 30_000 });
    await assertDutchAndFrench(page, 'host-key question');
    await page.click('[data-testid="hostkey-reject"]');
    await connectError('host-key-rejected');
    // "You did not trust the fingerprint…" was about that server: another profile clears it.
    await page.selectOption('[data-testid="profile"]', 'demo');
    assert.equal(await page.isVisible('[data-testid="connect-error"]'), false, 'the last server’s error stays after choosing another profile');
  });

  test('a changed host key', async () => {
    await connect('changed', { password: 'demo-password' });
    await connectError('host-key-changed');
  });

  test('the Keys result of a new key, and the key list', async () => {
    await page.goto(`${app.url}#/keys`);
    await page.waitForSelector('[data-testid="keys-screen"]');
    await page.selectOption('[data-testid="keys-profile"]', '');
    await page.selectOption('[data-testid="keys-type"]', 'ed25519');
    await page.fill('[data-testid="keys-ident"]', 'Z12345');
    await page.fill('[data-testid="keys-pass"]', KEY_PASS);
    await page.fill('[data-testid="keys-pass2"]', KEY_PASS);
    await page.click('[data-testid="keys-generate"]');
    await page.waitForSelector('[data-testid="keys-result"]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="keys-stored-row"]');
    await assertDutchAndFrench(page, 'Keys result');
  });

  test('a key the server does not know', async () => {
    await connect('demo', 'key');
    await connectError('key-refused');
  });

  test('key files that cannot be used', async () => {
    const encrypted = join(dir, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'juiste zin', '-C', 'test', '-f', encrypted]);
    const ppk = join(dir, 'sleutel.ppk');
    const empty = join(dir, 'leeg');
    writeFileSync(empty, '');
    execFileSync('puttygen', ['-t', 'ed25519', '-C', 'origineel', '--new-passphrase', empty, '-o', ppk]);
    const tampered = join(dir, 'gewijzigd.ppk');
    writeFileSync(tampered, readFileSync(ppk, 'utf8').replace('Comment: origineel', 'Comment: gewijzigd'));
    const garbage = join(dir, 'rommel.key');
    writeFileSync(garbage, randomBytes(300));
    const cut = join(dir, 'afgebroken.ppk');
    writeFileSync(cut, readFileSync(ppk, 'utf8').split('Private-Lines')[0]!);
    const params = join(dir, 'dsa-param.pem');
    const dsa = join(dir, 'dsa.pem');
    execFileSync('openssl', ['dsaparam', '-out', params, '1024'], { stdio: 'ignore' });
    execFileSync('openssl', ['gendsa', '-out', dsa, params], { stdio: 'ignore' });
    const cases: [string, string | undefined, string | null][] = [
      [encrypted, 'verkeerde zin', 'wrong-passphrase'], [tampered, undefined, 'tampered'], [cut, undefined, 'malformed'],
      [dsa, undefined, 'unsupported'], [`${encrypted}.pub`, undefined, 'public-key'], [garbage, undefined, null],
    ];
    await page.goto(`${app.url}#/keys`);
    for (const [file, pass, code] of cases) {
      // A fresh screen per file, so the last file's message is never taken for this one's.
      await page.reload();
      await page.waitForSelector('[data-testid="keys-screen"]');
      await switchLanguage(page, 'nl');
      await page.setInputFiles('[data-testid="keys-import-file"]', file);
      // A file that is no key file is refused at once; otherwise its passphrase, or one to lock the kept copy.
      await page.waitForSelector('[data-testid="keys-import-message"], [data-testid="keys-import-pass"], [data-testid="keys-import-lock"]', { timeout: 30_000 });
      if (!(await page.isVisible('[data-testid="keys-import-message"]'))) {
        if (pass) await page.fill('[data-testid="keys-import-pass"]', pass);
        if (await page.isVisible('[data-testid="keys-import-lock"]')) {
          await page.fill('[data-testid="keys-import-lock-pass"]', KEY_PASS);
          await page.fill('[data-testid="keys-import-lock-pass2"]', KEY_PASS);
        }
        await page.click('[data-testid="keys-import"]');
      }
      await page.waitForSelector('[data-testid="keys-import-message"].alert', { timeout: 30_000 });
      assert.equal(await page.getAttribute('[data-testid="keys-import-message"]', 'data-code'), code, file);
      await assertDutchAndFrench(page, `key import ${file}`);
    }
  });

  test('a .hash file that does not match its data file, a file that already exists: queue and receipt', async () => {
    const ok = join(dir, 'indicatoren.csv');
    const bad = join(dir, 'controle.txt');
    writeFileSync(ok, 'id;waarde\n1;0,93\n');
    writeFileSync(bad, 'gegevens\n');
    writeFileSync(`${bad}.hash`, sha1(ok));
    await connect('demo', { password: 'demo-password' });
    await page.waitForSelector('[data-testid="session-bar"]', { timeout: 30_000 });
    await assertDutchAndFrench(page, 'connected');
    await page.setInputFiles('[data-testid="send-files"]', [ok, bad, `${bad}.hash`]);
    await page.click('[data-testid="send-start"]');
    await page.waitForSelector('[data-testid="receipt"]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="receipt-row"][data-status="failed"]');
    await assertDutchAndFrench(page, 'queue and receipt with a mismatching .hash');
    await page.setInputFiles('[data-testid="send-files"]', [ok]);
    await page.click('[data-testid="send-start"]');
    await page.waitForSelector('[data-testid="existing-dialog"][open]', { timeout: 30_000 });
    await assertDutchAndFrench(page, 'the file already exists');
    await page.click('[data-testid="existing-skip"]');
    await page.waitForSelector('[data-testid="receipt"]', { timeout: 60_000 });
    await page.click('[data-testid="logout"]');
    await page.waitForSelector('[data-testid="connect-panel"]');
  });

  test('the check screen: a mismatch, a missing .hash, a missing data file, an unreadable .hash', async () => {
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    const c = join(dir, 'c.csv');
    writeFileSync(a, 'a\n');
    writeFileSync(b, 'b\n');
    writeFileSync(`${a}.hash`, sha1(b));
    writeFileSync(c, 'c\n');
    writeFileSync(`${c}.hash`, 'geen hash hier\n');
    writeFileSync(join(dir, 'd.csv.hash'), sha1(a));
    await page.goto(`${app.url}#/verify`);
    await page.setInputFiles('[data-testid="verify-files"]', [a, `${a}.hash`, b, c, `${c}.hash`, join(dir, 'd.csv.hash')]);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="verify-row"][data-result="checking"]').length === 0);
    await assertDutchAndFrench(page, 'verify results');
  });

  test('every other error kind, through the same components', async () => {
    const bundle = await bundleHarness('every-error');
    await page.goto(`${app.url}#/hash`);
    await page.evaluate(`${bundle}\n;void 0`);
    for (const lang of ['nl', 'fr'] as const) {
      await switchLanguage(page, lang);
      const kinds = await page.evaluate((l) => (globalThis as unknown as { renderEveryError(l: string): string[] }).renderEveryError(l), lang);
      assert.ok(kinds.includes('error.no-common-cipher') && kinds.includes('gateway.gateway-busy') && kinds.includes('profile-problems'), kinds.join());
      await assertAllIn(page, lang, 'every error kind');
    }
  });

  test('the detector is not blind: the same errors in English are found', async () => {
    await switchLanguage(page, 'en');
    await page.evaluate(() => (globalThis as unknown as { renderEveryError(l: string): string[] }).renderEveryError('en'));
    await switchLanguage(page, 'nl');
    // The harness renders with its own copy of the catalogue, so it stays English: every block is caught.
    const found = await foreignOnPage(page, 'nl');
    const blocks = await page.$$eval('[data-harness] [data-kind]', (els) => els.length);
    assert.ok(found.length >= blocks, `${found.length} English texts found for ${blocks} English error blocks`);
  });
});
