// Issue 6's journey in real Chromium through the gateway against real OpenSSH sshd servers:
// a RIVM-like server (aes*-ctr only, key auth, only incoming/ writable) reached through a TCP
// switch the test can cut or re-point. Import a key, check the host key, deliver three files
// (one > 100 MiB) with their .hash pairs, survive a cut mid-upload and resume, stop hard on a
// changed host key, deliver into a drop box that cannot be listed, in nl, fr and en.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { startAppServer, type AppServer } from '../support/app-server.ts';
import { startSshd, type RunningSshd } from '../support/sshd.ts';
import { startTcpSwitch, type TcpSwitch } from '../support/tcp-switch.ts';

const sha1 = (path: string) => execFileSync('sha1sum', [path]).toString().split(' ')[0]!;
const PASS = 'correct horse battery';

describe('deliver to a RIVM-like OpenSSH server in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'courier-e2e-rivm-'));
  const key = join(dir, 'id_rsa');
  let rivm: RunningSshd;
  let dropbox: RunningSshd;
  let sw: TcpSwitch;
  let app: AppServer;
  let browser: Browser;
  let page: Page;
  const small = join(dir, 'indicatoren_2026.csv');
  const medium = join(dir, 'bijlage été.xml');
  const big = join(dir, 'registratie-101MiB.dat');

  before(async () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', PASS, '-C', 'ziekenhuis-rivm', '-f', key]);
    const pub = readFileSync(`${key}.pub`, 'utf8').trim();
    rivm = await startSshd({ ciphers: 'aes128-ctr,aes192-ctr,aes256-ctr', macs: 'hmac-sha2-256,hmac-sha2-512', passwordAuthentication: false, layout: 'incoming-only', authorizedKeys: [pub] });
    dropbox = await startSshd({ passwordAuthentication: false, layout: 'dropbox', authorizedKeys: [pub] });
    sw = await startTcpSwitch(rivm.port);
    app = await startAppServer({
      targets: {
        'rivm-cims': { label: 'RIVM (test)', host: '127.0.0.1', port: sw.port, hostKeyFingerprints: [], local: true },
        dropbox: { label: 'Drop box (test)', host: '127.0.0.1', port: dropbox.port, hostKeyFingerprints: [], local: true },
      },
    });
    writeFileSync(small, 'patient;indicator\n1;0.93\n');
    writeFileSync(medium, randomBytes(2 * 1024 * 1024 + 3));
    const fd = openSync(big, 'w');
    for (let i = 0; i < 101; i++) writeSync(fd, randomBytes(1024 * 1024));
    closeSync(fd);
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'nl-BE', acceptDownloads: true })).newPage();
    await page.goto(`${app.url}#/keys`);
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await sw?.close();
    await rivm?.stop();
    await dropbox?.stop();
  });

  async function connectRivm(): Promise<void> {
    await page.goto(`${app.url}#/deliver`);
    await page.selectOption('[data-testid="profile"]', 'rivm-cims');
    await page.fill('[data-testid="username"]', rivm.user);
    // The imported key is kept locked with its file's passphrase: asked at each new session.
    await page.fill('[data-testid="login-key-pass"]', PASS);
    await page.click('[data-testid="connect"]');
  }

  test('the key is imported into the browser (Dutch UI)', async () => {
    await page.setInputFiles('[data-testid="keys-import-file"]', key);
    await page.waitForSelector('[data-testid="keys-import-pass"]');
    await page.fill('[data-testid="keys-import-pass"]', PASS);
    await page.click('[data-testid="keys-import"]');
    await page.waitForSelector('[data-testid="keys-stored-row"]');
  });

  test('first connection: the user compares the fingerprint and trusts it always', async () => {
    await connectRivm();
    await page.waitForSelector('[data-testid="hostkey-dialog"][open]', { timeout: 30_000 });
    const shown = (await page.textContent('[data-testid="hostkey-sha256"]'))!;
    assert.ok(Object.values(rivm.hostKeyFingerprints).some((fp) => shown.includes(fp)), shown);
    assert.match((await page.textContent('[data-testid="hostkey-dialog"] h2'))!, /identiteit van de server/);
    await page.click('[data-testid="hostkey-always"]');
    await page.waitForSelector('[data-testid="session-bar"]', { timeout: 30_000 });
    assert.match((await page.textContent('[data-testid="session-technical"]'))!, /aes(128|192|256)-ctr/);
    assert.match((await page.textContent('[data-testid="send-target-folder"]'))!, /incoming/);
  });

  test('three files (one of 101 MiB) arrive with .hash pairs; a cut mid-upload resumes and leaves no final name half-written', async () => {
    await page.setInputFiles('[data-testid="send-files"]', [small, medium, big]);
    await page.click('[data-testid="send-start"]');
    const incoming = join(rivm.sftpRoot, 'incoming');
    const part = join(incoming, '.registratie-101MiB.dat.courier-part');
    const deadline = Date.now() + 120_000;
    while (!(existsSync(part) && statSync(part).size > 30 * 1024 * 1024)) {
      assert.ok(Date.now() < deadline, 'upload of the big file did not progress');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(sw.cutAll() >= 1, 'a live connection was cut');
    assert.ok(!existsSync(join(incoming, 'registratie-101MiB.dat')), 'no final name while incomplete');
    assert.ok(!existsSync(join(incoming, 'registratie-101MiB.dat.hash')), 'no .hash before its data file');
    await page.waitForSelector('[data-testid="queue-overall"][data-finished="true"]', { timeout: 180_000 });
    const rows = await page.$$eval('[data-testid="queue-row"]', (trs) => trs.map((r) => [r.getAttribute('data-name'), r.getAttribute('data-state'), r.textContent ?? '']));
    assert.deepEqual(rows.map((r) => r[1]), ['delivered', 'delivered', 'delivered']);
    assert.match(String(rows[2]![2]), /hervat bij/, 'the big file was resumed, not restarted');
    for (const f of [small, medium, big]) {
      const name = f.split('/').pop()!;
      assert.equal(sha1(join(incoming, name)), sha1(f), name);
      assert.equal(readFileSync(join(incoming, `${name}.hash`), 'utf8'), sha1(f));
    }
    assert.ok(!existsSync(part));
    await page.click('[data-testid="logout"]');
    await page.waitForSelector('[data-testid="connect-panel"]');
  });

  test('a changed host key is a hard stop, explained in the user’s language', async () => {
    sw.setTarget(dropbox.port); // same target id, another server: another host key
    await connectRivm();
    await page.waitForSelector('[data-testid="connect-error"]', { timeout: 30_000 });
    assert.equal(await page.getAttribute('[data-testid="connect-error"]', 'data-code'), 'host-key-changed');
    assert.match((await page.textContent('[data-testid="connect-error"]'))!, /^STOP: de identiteit van de server is gewijzigd/);
    assert.equal(await page.isVisible('[data-testid="hostkey-dialog"][open]'), false, 'never asked');
    await page.selectOption('[data-testid="language"]', 'fr');
    assert.match((await page.textContent('[data-testid="connect-error"]'))!, /^STOP : l’identité du serveur a changé/);
    await page.selectOption('[data-testid="language"]', 'en');
    assert.match((await page.textContent('[data-testid="connect-error"]'))!, /^STOP: the server’s identity has changed/);
    sw.setTarget(rivm.port);
  });

  test('a drop box without list permission still receives files, and the UI says why it shows nothing', async () => {
    const profileFile = join(dir, 'profiles.json');
    writeFileSync(profileFile, JSON.stringify({
      format: 'sftp-courier-profiles', version: 1,
      profiles: [{ id: 'dropbox-test', label: 'Drop box (test)', targetId: 'dropbox', authMethods: ['publickey'], hostKeyFingerprints: [], uploadFolder: 'incoming', sidecar: { required: true, style: 'sha1sum' }, tempRename: true, help: {} }],
    }));
    await page.goto(`${app.url}#/deliver`);
    await page.setInputFiles('[data-testid="profile-import"]', profileFile);
    await page.waitForSelector('option[value="dropbox-test"]', { state: 'attached' });
    await page.selectOption('[data-testid="profile"]', 'dropbox-test');
    await page.fill('[data-testid="username"]', dropbox.user);
    await page.fill('[data-testid="login-key-pass"]', PASS);
    await page.click('[data-testid="connect"]');
    await page.waitForSelector('[data-testid="hostkey-dialog"][open]', { timeout: 30_000 });
    await page.click('[data-testid="hostkey-once"]');
    await page.waitForSelector('[data-testid="browse-status"][data-kind="noListing"]', { timeout: 30_000 });
    await page.setInputFiles('[data-testid="send-files"]', [small]);
    await page.click('[data-testid="send-start"]');
    await page.waitForSelector('[data-testid="queue-overall"][data-finished="true"]', { timeout: 60_000 });
    const remote = join(dropbox.sftpRoot, 'incoming', 'indicatoren_2026.csv');
    assert.equal(sha1(remote), sha1(small));
    assert.equal(readFileSync(`${remote}.hash`, 'utf8'), `${sha1(small)}  indicatoren_2026.csv\n`);
  });
});
