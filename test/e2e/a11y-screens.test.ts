// axe-core (WCAG 2.1 A and AA, plus axe's best practices) on every screen and dialog of the app,
// in Dutch, French and English: zero violations. Real Chromium at 1280×800, the real gateway and
// the embedded demo SFTP server; each state is reached the way a user reaches it, then checked in
// the three languages (switched with the header's select, the state kept).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startAppServer, type AppServer } from '../support/app-server.ts';
import { axeViolations, formatFindings } from '../support/axe.ts';
import { launchChromium } from '../support/chromium.ts';
import { switchLanguage } from '../support/i18n-page.ts';
import { startTcpSwitch, type TcpSwitch } from '../support/tcp-switch.ts';

const sha1 = (path: string) => execFileSync('sha1sum', [path]).toString().split(' ')[0]!;

/** In the page: the text of an element and the fewest characters any of its lines holds. */
const SHORTEST_LINE = `(el) => {
  const text = el.textContent.trim();
  const tops = [];
  const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    for (let i = 0; i < n.length; i++) {
      const r = document.createRange();
      r.setStart(n, i);
      r.setEnd(n, i + 1);
      const box = r.getBoundingClientRect();
      if (box.width > 0) tops.push(Math.round(box.top));
    }
  }
  const perLine = {};
  for (const top of tops) perLine[top] = (perLine[top] || 0) + 1;
  return { text, shortest: Math.min(...Object.values(perLine)) };
}`;

describe('axe on every screen and dialog, in nl, fr and en', () => {
  const dir = mkdtempSync(join(tmpdir(), 'courier-e2e-a11y-'));
  let app: AppServer;
  let sw: TcpSwitch;
  let browser: Browser;
  let page: Page;
  const results: string[] = [];
  let failures: string[] = [];

  /** Checks the page as it is now in each language; the test asserts at its end, so every state is seen. */
  async function check(what: string): Promise<void> {
    for (const lang of ['nl', 'fr', 'en'] as const) {
      await switchLanguage(page, lang);
      const found = await axeViolations(page);
      results.push(`${what} [${lang}]: ${found.length}`);
      if (found.length > 0) failures.push(`${what} [${lang}]\n${formatFindings(found)}`);
    }
  }

  /**
   * At 1280 px no digest or fingerprint breaks off a few characters onto a new line: each line of
   * it holds a whole group (20 of a SHA-1's 40 digits), never a stray last character.
   */
  async function digestsUnbroken(what: string): Promise<void> {
    const lines = (await page.evaluate(`[...document.querySelectorAll('td.digest, .long-value')].filter((el) => el.textContent.trim() !== '' && !el.querySelector('.long-value')).map(${SHORTEST_LINE})`)) as { text: string; shortest: number }[];
    assert.ok(lines.length > 0, `${what}: no digest shown`);
    for (const l of lines) assert.ok(l.shortest >= Math.min(16, l.text.length), `${what}: ${l.text} has a line of ${l.shortest} characters`);
  }

  function noViolations(): void {
    const all = failures;
    failures = [];
    assert.equal(all.length, 0, all.join('\n'));
  }

  before(async () => {
    sw = await startTcpSwitch(1);
    app = await startAppServer({ demo: true, targets: { nopin: { label: 'Demo without pin', host: '127.0.0.1', port: sw.port, hostKeyFingerprints: [], local: true } } });
    sw.setTarget(app.demo!.port);
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'nl-BE', viewport: { width: 1280, height: 800 }, acceptDownloads: true })).newPage();
    await page.goto(`${app.url}#/hash`);
    await page.waitForSelector('[data-testid="hash-screen"]');
  });
  after(async () => {
    console.log(results.join('\n'));
    await browser?.close();
    await app?.close();
    await sw?.close();
  });

  test('Make .hash files: empty, and with results', async () => {
    await check('hash, empty');
    // Long names, as registries ask for them: the table is at its tightest at 1280 px.
    const a = join(dir, 'registratie_kwaliteitsindicatoren_2026_Q3_definitief.csv');
    const b = join(dir, 'bijlage_patientenbevraging_afdeling_geriatrie_2026.dat');
    writeFileSync(a, 'id;waarde\n1;2\n');
    writeFileSync(b, Buffer.alloc(300_000, 7));
    writeFileSync(`${b}.hash`, sha1(b));
    await page.setInputFiles('[data-testid="hash-files"]', [a, b, `${b}.hash`]);
    await page.waitForSelector('[data-testid="hash-overall"][data-finished="true"]');
    await check('hash, results');
    await digestsUnbroken('hash results');
    // Squeezed to just under its own width, a SHA-1 as shown breaks between its halves, where the
    // bare 40 digits would leave the last one alone on a line (what users saw at 1280 px).
    const squeezed = (await page.evaluate(`(() => {
      const cell = document.querySelector('[data-testid="hash-hex"]');
      const table = document.createElement('table');
      table.className = 'files';
      table.style.cssText = 'width:auto;table-layout:fixed';
      table.innerHTML = '<tbody><tr><td class="digest"></td><td class="digest"></td></tr></tbody>';
      const [shown, bare] = table.querySelectorAll('td');
      shown.innerHTML = cell.innerHTML;
      bare.textContent = cell.textContent;
      document.querySelector('main').append(table);
      const probe = document.createElement('span');
      probe.className = 'mono';
      probe.style.whiteSpace = 'nowrap';
      probe.textContent = cell.textContent;
      shown.append(probe);
      const width = probe.getBoundingClientRect().width;
      probe.remove();
      for (const td of [shown, bare]) td.style.cssText = 'width:' + (width - 3) + 'px;max-width:' + (width - 3) + 'px;min-width:0;padding:0';
      const result = [shown, bare].map(${SHORTEST_LINE});
      table.remove();
      return result;
    })()`)) as { text: string; shortest: number }[];
    assert.equal(squeezed[1]!.shortest, 1, `the bare digits would orphan their last one (the check can fail): ${JSON.stringify(squeezed)}`);
    assert.equal(squeezed[0]!.shortest, 20, 'shown in two halves of 20');
    noViolations();
  });

  test('Check .hash files: empty, and with every kind of result', async () => {
    await page.click('[data-testid="nav-verify"]');
    await page.waitForSelector('[data-testid="verify-screen"]');
    await check('verify, empty');
    const ok = join(dir, 'goed.csv');
    const bad = join(dir, 'fout.csv');
    writeFileSync(ok, 'goed\n');
    writeFileSync(`${ok}.hash`, sha1(ok));
    writeFileSync(bad, 'fout\n');
    writeFileSync(`${bad}.hash`, sha1(ok));
    writeFileSync(join(dir, 'los.csv'), 'zonder hash\n');
    await page.setInputFiles('[data-testid="verify-files"]', [ok, `${ok}.hash`, bad, `${bad}.hash`, join(dir, 'los.csv')]);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="verify-row"][data-result="checking"]').length === 0);
    await check('verify, results');
    await digestsUnbroken('verify results');
    noViolations();
  });

  test('Keys: empty, a new key with its result, the kept keys, rename and delete questions, an import error', async () => {
    await page.click('[data-testid="nav-keys"]');
    await page.waitForSelector('[data-testid="keys-screen"]');
    await check('keys, empty');
    await page.selectOption('[data-testid="keys-profile"]', '');
    await page.selectOption('[data-testid="keys-type"]', 'ed25519');
    await page.fill('[data-testid="keys-ident"]', 'Z12345');
    await page.fill('[data-testid="keys-pass"]', 'een lange wachtwoordzin');
    await page.fill('[data-testid="keys-pass2"]', 'een lange wachtwoordzin');
    await page.click('[data-testid="keys-generate"]');
    await page.waitForSelector('[data-testid="keys-result"]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="keys-stored-row"]');
    await check('keys, result and kept keys');
    // A VIKZ key: RSA 4096, and the result with the mail helper for the registry.
    await page.selectOption('[data-testid="keys-profile"]', 'vikz');
    await page.fill('[data-testid="keys-ident"]', 'Z12345');
    await page.fill('[data-testid="keys-pass"]', 'een lange wachtwoordzin');
    await page.fill('[data-testid="keys-pass2"]', 'een lange wachtwoordzin');
    await page.click('[data-testid="keys-generate"]');
    await page.waitForSelector('[data-testid="keys-mail"]', { timeout: 120_000 });
    await check('keys, a VIKZ key with the mail helper');
    await page.click('[data-testid="keys-rename"]');
    await page.waitForSelector('[data-testid="ask-dialog"][open]');
    await check('keys, rename question');
    await page.click('[data-testid="ask-cancel"]');
    await page.click('[data-testid="keys-delete"]');
    await page.waitForSelector('[data-testid="ask-dialog"][open]');
    await check('keys, delete question');
    await page.click('[data-testid="ask-cancel"]');
    const garbage = join(dir, 'geen-sleutel.txt');
    writeFileSync(garbage, 'dit is geen sleutel\n');
    await page.setInputFiles('[data-testid="keys-import-file"]', garbage);
    // The key worker reads the picked file at once and says it is no key file (no Import click needed).
    await page.waitForSelector('[data-testid="keys-import-message"]');
    await check('keys, import error');
    noViolations();
  });

  test('Deliver: connect panel, a failed login, the host-key question', async () => {
    await page.click('[data-testid="nav-deliver"]');
    await page.waitForSelector('[data-testid="connect-panel"]');
    await page.selectOption('[data-testid="profile"]', 'vikz');
    await check('deliver, connect panel (a profile the gateway does not know)');
    await page.selectOption('[data-testid="profile"]', 'demo');
    await page.fill('[data-testid="username"]', 'demo');
    await page.selectOption('[data-testid="auth-method"]', 'password');
    await page.fill('[data-testid="password"]', 'verkeerd');
    await page.click('[data-testid="connect"]');
    await page.waitForSelector('[data-testid="connect-error"]', { timeout: 30_000 });
    await check('deliver, login refused');
    const profiles = join(dir, 'profielen.json');
    writeFileSync(profiles, JSON.stringify({ format: 'sftp-courier-profiles', version: 1, profiles: [{ id: 'nopin', label: 'Zonder vingerafdruk', targetId: 'nopin', authMethods: ['password'], hostKeyFingerprints: [], uploadFolder: 'incoming', sidecar: { required: true, style: 'hex' }, tempRename: true, help: {} }] }));
    await page.setInputFiles('[data-testid="profile-import"]', profiles);
    await page.waitForSelector('option[value="nopin"]', { state: 'attached' });
    await page.selectOption('[data-testid="profile"]', 'nopin');
    await page.fill('[data-testid="username"]', 'demo');
    await page.fill('[data-testid="password"]', 'demo-password');
    await page.click('[data-testid="connect"]');
    await page.waitForSelector('[data-testid="hostkey-dialog"][open]', { timeout: 30_000 });
    await check('deliver, host-key question');
    await page.click('[data-testid="hostkey-reject"]');
    await page.waitForSelector('[data-testid="connect-error"]', { timeout: 30_000 });
    noViolations();
  });

  test('Deliver: connected, files chosen, the session log, a delivery with its receipt, an existing file, a new folder', async () => {
    await page.selectOption('[data-testid="profile"]', 'demo');
    await page.fill('[data-testid="username"]', 'demo');
    await page.selectOption('[data-testid="auth-method"]', 'password');
    await page.fill('[data-testid="password"]', 'demo-password');
    await page.click('[data-testid="connect"]');
    await page.waitForSelector('[data-testid="session-bar"]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid="browse-panel"]');
    const files = ['levering.csv', 'bijlage-1.csv', 'bijlage-2.csv', 'bijlage-3.csv'].map((n) => join(dir, n));
    for (const f of files) writeFileSync(f, 'id\n1\n');
    const a = files[0]!;
    await page.setInputFiles('[data-testid="send-files"]', files);
    await page.waitForSelector('[data-testid="send-start"]');
    await check('deliver, connected with files chosen');
    await page.click('[data-testid="send-start"]');
    await page.waitForSelector('[data-testid="receipt"]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="browse-row"][data-name="levering.csv"]');
    await check('deliver, delivered with a receipt');
    await digestsUnbroken('receipt');
    // The log, open, long enough to scroll (axe: a scroll region must be reachable by keyboard).
    await page.click('[data-testid="session-log"] summary');
    assert.ok(await page.$eval('pre.log', (e) => e.scrollHeight > e.clientHeight), 'the session log scrolls');
    await check('deliver, the session log open');
    await page.setInputFiles('[data-testid="send-files"]', [a]);
    await page.click('[data-testid="send-start"]');
    await page.waitForSelector('[data-testid="existing-dialog"][open]', { timeout: 30_000 });
    await check('deliver, the file already exists');
    await page.click('[data-testid="existing-skip"]');
    await page.waitForSelector('[data-testid="receipt"]', { timeout: 60_000 });
    await page.click('[data-testid="browse-mkdir"]');
    await page.waitForSelector('[data-testid="mkdir-dialog"][open]');
    await check('deliver, new folder question');
    await page.click('[data-testid="mkdir-dialog-cancel"]');
    // Rename and delete of a pair offer its .hash too.
    await page.click('[data-testid="browse-row"][data-name="levering.csv"] [data-testid="browse-rename"]');
    await page.waitForSelector('[data-testid="rename-dialog"][open]');
    await check('deliver, rename a pair');
    await page.click('[data-testid="rename-dialog-cancel"]');
    await page.click('[data-testid="browse-row"][data-name="levering.csv"] [data-testid="browse-delete"]');
    await page.waitForSelector('[data-testid="delete-dialog"][open]');
    await check('deliver, delete a pair');
    await page.click('[data-testid="delete-dialog-cancel"]');
    await page.click('[data-testid="logout"]');
    await page.waitForSelector('[data-testid="connect-panel"]');
    noViolations();
  });

  test('Deliveries: the history, a reopened receipt, the delete question', async () => {
    await page.click('[data-testid="nav-deliveries"]');
    await page.waitForSelector('[data-testid="history-row"]');
    await check('deliveries, the history');
    await page.click('[data-testid="history-row"] [data-testid="history-open"]');
    await page.waitForSelector('[data-testid="history-receipt"] [data-testid="receipt"]');
    await check('deliveries, a reopened receipt');
    await page.click('[data-testid="history-row"] [data-testid="history-delete"]');
    await page.waitForSelector('[data-testid="history-delete-dialog"][open]');
    await check('deliveries, the delete question');
    await page.click('[data-testid="history-delete-dialog-cancel"]');
    noViolations();
  });
});
