// Issue 11, points 1, 2 and 6, in Chromium and in Firefox against the demo server (ssh2, uploads
// only below /incoming, a profile with a fixed upload folder): the folder on screen is where files
// go; rename and delete keep X and X.hash together (and the reverse); our temporaries are shown as
// unfinished uploads, not files; an existing file is skipped, replaced or kept beside (first free
// name), and "do this for all" answers the question once for the run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppServer, type AppServer } from '../support/app-server.ts';
import { BROWSER_KINDS, launchBrowser, type LaunchedBrowser, type Page } from '../support/firefox.ts';
import { browseRows, connectDemo, openApp, queueStates, row, sha1sum, startDelivery, text, waitForRunEnd } from './deliver-steps.ts';

for (const kind of BROWSER_KINDS) {
  describe(`the Deliver screen's file list in ${kind}`, () => {
    const dir = mkdtempSync(join(tmpdir(), `courier-e2e-browse-${kind}-`));
    const local = (name: string, bytes: number) => {
      const p = join(dir, name);
      writeFileSync(p, randomBytes(bytes));
      return p;
    };
    const middel = local('middel.bin', 300_000);
    const klein = local('klein.csv', 1_000);
    const ander = local('ander.csv', 2_000);
    const sub = `Aanlevering 2024 – été`;
    let app: AppServer;
    let b: LaunchedBrowser;
    let page: Page;
    let incoming: string;

    before(async () => {
      app = await startAppServer({ demo: true });
      incoming = join(app.demo!.sandbox, 'incoming');
      b = await launchBrowser(kind);
      page = b.page;
      await openApp(page, app, 'deliver', kind === 'firefox' ? 'fr' : 'nl');
      await connectDemo(page);
    });
    after(async () => {
      await b?.close();
      await app?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    async function openFolder(name: string): Promise<void> {
      await page.locator(`${row(name)} button.link`).click();
      await page.waitForFunction((n) => document.querySelector('[data-testid="browse-path"]')?.textContent?.endsWith(`/${n}`), {}, name);
    }

    test('files go into the folder on screen; the fixed upload folder keeps the user inside it and says why', async () => {
      assert.equal(await text(page, '[data-testid="browse-path"]'), '/incoming');
      assert.match(await text(page, '[data-testid="send-fixed"]'), /\/incoming/);
      assert.equal(await page.$eval('[data-testid="browse-up"]', (e) => (e as HTMLButtonElement).disabled), true, 'no way up out of /incoming');
      await page.locator('[data-testid="browse-mkdir"]').click();
      await page.locator('[data-testid="mkdir-dialog-text"]').fill(sub);
      await page.locator('[data-testid="mkdir-dialog-create"]').click();
      await page.waitForSelector(row(sub));
      await openFolder(sub);
      assert.match(await text(page, '[data-testid="send-target-folder"]'), new RegExp(`/incoming/${sub}`));
      await startDelivery(page, [middel]);
      await waitForRunEnd(page);
      assert.deepEqual(await queueStates(page), [['middel.bin', 'delivered']]);
      assert.equal(sha1sum(join(incoming, sub, 'middel.bin')), sha1sum(middel));
      assert.ok(existsSync(join(incoming, sub, 'middel.bin.hash')));
      assert.ok(!existsSync(join(incoming, 'middel.bin')), 'nothing landed in /incoming itself');
      await page.waitForSelector(row('middel.bin'));
      assert.equal(await page.$eval('[data-testid="browse-up"]', (e) => (e as HTMLButtonElement).disabled), false);
    });

    test('a pair is one row with its .hash state; renaming X offers X.hash (ticked) and does both', async () => {
      const rows = await browseRows(page);
      assert.deepEqual(rows, [{ name: 'middel.bin', kind: 'file', sidecar: 'present' }], 'X.hash is part of the row of X');
      await page.locator(`${row('middel.bin')} [data-testid="browse-rename"]`).click();
      await page.waitForSelector('[data-testid="rename-dialog"][open]');
      assert.equal(await page.$eval('[data-testid="rename-dialog-tick"]', (e) => (e as HTMLInputElement).checked), true, 'the partner is ticked by default');
      await page.locator('[data-testid="rename-dialog-text"]').fill('hernoemd.bin');
      await page.locator('[data-testid="rename-dialog-rename"]').click();
      await page.waitForSelector(row('hernoemd.bin'));
      assert.deepEqual(readdirSync(join(incoming, sub)).sort(), ['hernoemd.bin', 'hernoemd.bin.hash']);
      assert.match(await text(page, '[data-testid="browse-status"]'), /hernoemd\.bin\.hash/);
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'browse-status', 'focus moves to the result');
    });

    test('the reverse: renaming and deleting X.hash on its own row offers X', async () => {
      await page.locator('[data-testid="browse-plain"]').click();
      await page.waitForSelector(row('hernoemd.bin.hash'));
      await page.locator(`${row('hernoemd.bin.hash')} [data-testid="browse-rename"]`).click();
      await page.waitForSelector('[data-testid="rename-dialog"][open]');
      await page.locator('[data-testid="rename-dialog-text"]').fill('terug.bin.hash');
      await page.locator('[data-testid="rename-dialog-rename"]').click();
      await page.waitForSelector(row('terug.bin'));
      assert.deepEqual(readdirSync(join(incoming, sub)).sort(), ['terug.bin', 'terug.bin.hash']);
      await page.locator(`${row('terug.bin.hash')} [data-testid="browse-delete"]`).click();
      await page.waitForSelector('[data-testid="delete-dialog"][open]');
      assert.equal(await page.$eval('[data-testid="delete-dialog-tick"]', (e) => (e as HTMLInputElement).checked), true);
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'delete-dialog-cancel', 'focus starts on Cancel');
      await page.locator('[data-testid="delete-dialog-delete"]').click();
      await page.waitForSelector('[data-testid="browse-status"][data-kind="info"]');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="browse-row"]').length === 0);
      assert.deepEqual(readdirSync(join(incoming, sub)), []);
      await page.locator('[data-testid="browse-plain"]').click();
    });

    test('deleting X deletes X.hash too unless unticked; an orphaned .hash says its data file is missing', async () => {
      await page.locator('[data-testid="browse-up"]').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="browse-path"]')?.textContent === '/incoming');
      await startDelivery(page, [klein, ander]);
      await waitForRunEnd(page);
      await page.waitForSelector(row('ander.csv'));
      await page.locator(`${row('klein.csv')} [data-testid="browse-delete"]`).click();
      await page.waitForSelector('[data-testid="delete-dialog"][open]');
      await page.locator('[data-testid="delete-dialog-delete"]').click();
      await page.waitForFunction(() => !document.querySelector('[data-testid="browse-row"][data-name="klein.csv"]'));
      assert.ok(!existsSync(join(incoming, 'klein.csv')) && !existsSync(join(incoming, 'klein.csv.hash')), 'X and X.hash deleted');
      await page.locator(`${row('ander.csv')} [data-testid="browse-delete"]`).click();
      await page.waitForSelector('[data-testid="delete-dialog"][open]');
      await page.locator('[data-testid="delete-dialog-tick"]').click();
      await page.locator('[data-testid="delete-dialog-delete"]').click();
      await page.waitForSelector(`${row('ander.csv.hash')}[data-kind="sidecar"]`);
      assert.ok(!existsSync(join(incoming, 'ander.csv')) && existsSync(join(incoming, 'ander.csv.hash')), 'only X deleted');
      await page.locator(`${row('ander.csv.hash')} [data-testid="browse-delete"]`).click();
      await page.waitForSelector('[data-testid="delete-dialog"][open]');
      await page.locator('[data-testid="delete-dialog-delete"]').click();
      await page.waitForFunction(() => !document.querySelector('[data-testid="browse-row"][data-name="ander.csv.hash"]'));
    });

    test('our own temporary is an unfinished upload, not a file to download or rename', async () => {
      writeFileSync(join(incoming, '.onvolledig.dat.courier-part'), randomBytes(5000));
      await page.locator(`[data-testid="browse-panel"] .actions button:nth-of-type(2)`).click(); // refresh
      const sel = `${row('.onvolledig.dat.courier-part')}[data-kind="unfinished"]`;
      await page.waitForSelector(sel);
      assert.match(await text(page, `${sel} td.name`), /^onvolledig\.dat$/);
      assert.equal(await page.$(`${sel} [data-testid="browse-download"]`), null);
      assert.equal(await page.$(`${sel} [data-testid="browse-rename"]`), null);
      assert.ok(await page.$(`${sel} [data-testid="browse-resume"]`));
      await page.locator(`${sel} [data-testid="browse-delete"]`).click();
      await page.waitForSelector('[data-testid="delete-dialog"][open]');
      await page.locator('[data-testid="delete-dialog-delete"]').click();
      await page.waitForFunction((s) => !document.querySelector(s), {}, sel);
      assert.ok(!existsSync(join(incoming, '.onvolledig.dat.courier-part')));
    });

    test('honest outcomes: a pair stopped by its local .hash is failed with the reason, not on the server, and not retried', async () => {
      const goed = local('goed.csv', 500);
      const fout = local('fout.csv', 600);
      writeFileSync(`${fout}.hash`, sha1sum(goed)); // the .hash of another file
      await startDelivery(page, [goed, fout, `${fout}.hash`]);
      await waitForRunEnd(page);
      assert.deepEqual(await queueStates(page), [['goed.csv', 'delivered'], ['fout.csv', 'failed']]);
      const failed = '[data-testid="queue-row"][data-name="fout.csv"]';
      assert.equal(await page.$eval(`${failed} [data-testid="queue-error"]`, (e) => e.getAttribute('data-code')), 'local-sidecar-mismatch');
      assert.equal(await page.$(`${failed} [data-testid="queue-retry"]`), null, 'a retry cannot help: none is offered');
      assert.ok(!existsSync(join(incoming, 'fout.csv')) && !existsSync(join(incoming, 'fout.csv.hash')), 'nothing of it was sent');
      const receiptRow = '[data-testid="receipt-row"][data-name="fout.csv"]';
      assert.equal(await page.$eval(receiptRow, (e) => e.getAttribute('data-status')), 'failed');
      assert.equal(await text(page, `${receiptRow} [data-testid="receipt-remote"]`), '—', 'not listed as on the server');
      assert.match(await text(page, '[data-testid="receipt-row"][data-name="goed.csv"] [data-testid="receipt-remote"]'), /\/incoming\/goed\.csv/);
      const counts = kind === 'firefox' ? 'Terminé : 1 livré, 0 ignoré, 1 en échec, 0 annulé.' : 'Klaar: 1 afgeleverd, 0 overgeslagen, 1 mislukt, 0 geannuleerd.';
      assert.equal(await text(page, '[data-testid="queue-summary"]'), counts, 'the summary counts each kind');
      assert.equal(await text(page, '[data-testid="receipt-counts"]'), counts);
    });

    test('existing files: "do this for all" asks once for the whole delivery; keep both gives new names', async () => {
      const a = local('a.csv', 100);
      const c = local('c.csv', 200);
      await startDelivery(page, [a, c]);
      await waitForRunEnd(page);
      await page.waitForSelector(row('c.csv'));
      await startDelivery(page, [a, c]);
      await page.waitForSelector('[data-testid="existing-dialog"][open]');
      await page.locator('[data-testid="existing-for-all"]').click();
      await page.locator('[data-testid="existing-keep-both"]').click();
      // A second question would hold the run: it ends without one.
      await waitForRunEnd(page, 20_000);
      assert.equal(await page.$('[data-testid="existing-dialog"][open]'), null);
      assert.deepEqual(await queueStates(page), [['a.csv', 'delivered'], ['c.csv', 'delivered']]);
      assert.equal(sha1sum(join(incoming, 'a (2).csv')), sha1sum(a));
      assert.equal(sha1sum(join(incoming, 'c (2).csv')), sha1sum(c));
      assert.ok(existsSync(join(incoming, 'c (2).csv.hash')));
      // a.csv and "a (2).csv" are both taken: one question, and keep both finds "a (3).csv" itself.
      await startDelivery(page, [a]);
      await page.waitForSelector('[data-testid="existing-dialog"][open]');
      await page.locator('[data-testid="existing-keep-both"]').click();
      await waitForRunEnd(page, 20_000);
      assert.equal(await page.$('[data-testid="existing-dialog"][open]'), null, 'not asked again for "a (2).csv"');
      assert.equal(sha1sum(join(incoming, 'a (3).csv')), sha1sum(a));
    });

    test('existing files: skip for all leaves the server as it was; asked per file, replace writes the new bytes and their .hash', async () => {
      const was = { a: sha1sum(join(incoming, 'a.csv')), c: sha1sum(join(incoming, 'c.csv')) };
      const a = local('a.csv', 150); // new contents under the names already on the server
      const c = local('c.csv', 250);
      await startDelivery(page, [a, c]);
      await page.waitForSelector('[data-testid="existing-dialog"][open]');
      await page.locator('[data-testid="existing-for-all"]').click();
      await page.locator('[data-testid="existing-skip"]').click();
      await waitForRunEnd(page, 20_000);
      assert.equal(await page.$('[data-testid="existing-dialog"][open]'), null, 'asked once');
      assert.deepEqual(await queueStates(page), [['a.csv', 'skipped'], ['c.csv', 'skipped']]);
      assert.deepEqual([sha1sum(join(incoming, 'a.csv')), sha1sum(join(incoming, 'c.csv'))], [was.a, was.c], 'nothing replaced');
      assert.deepEqual([readFileSync(join(incoming, 'a.csv.hash'), 'utf8'), readFileSync(join(incoming, 'c.csv.hash'), 'utf8')], [was.a, was.c]);

      // Without "do this for all" each file is asked about (in whatever order the channels reach them).
      await startDelivery(page, [a, c]);
      const answered: string[] = [];
      for (let i = 0; i < 2; i++) {
        const handle = await page.waitForFunction((done: string[]) => {
          const m = /\b([ac])\.csv\b/.exec(document.querySelector('[data-testid="existing-dialog"][open]')?.textContent ?? '');
          return m && !done.includes(m[1]!) ? m[1] : false;
        }, { timeout: 20_000 }, answered);
        const which = String(await handle.jsonValue());
        answered.push(which);
        assert.equal(await page.$eval('[data-testid="existing-for-all"]', (e) => (e as HTMLInputElement).checked), false, 'each question starts without "for all"');
        await page.locator(which === 'a' ? '[data-testid="existing-overwrite"]' : '[data-testid="existing-skip"]').click();
      }
      await waitForRunEnd(page, 20_000);
      assert.deepEqual(await queueStates(page), [['a.csv', 'delivered'], ['c.csv', 'skipped']]);
      assert.equal(sha1sum(join(incoming, 'a.csv')), sha1sum(a), 'replaced with the new bytes');
      assert.equal(readFileSync(join(incoming, 'a.csv.hash'), 'utf8'), sha1sum(a), 'and their .hash');
      assert.equal(sha1sum(join(incoming, 'c.csv')), was.c);
    });
  });
}
