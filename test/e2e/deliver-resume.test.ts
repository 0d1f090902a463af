// Issue 11, points 3 and 4, in Chromium and in Firefox against the demo server: a reload in the
// middle of a delivery leaves a record that says what happened; after logging in again and picking
// the same files, the run continues the server's partial upload only once it is proven to be the
// start of the local file, and the file on the server equals the original (sha1sum). Cancel removes
// the unfinished upload unless the user keeps it (then it can be continued from the file list).
// The Deliveries history survives a log-out and a reload; a receipt is reopened, saved and deleted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppServer, type AppServer } from '../support/app-server.ts';
import { BROWSER_KINDS, launchBrowser, waitForDownload, type LaunchedBrowser, type Page } from '../support/firefox.ts';
import { connectDemo, logOut, openApp, pickFiles, queueStates, row, sha1sum, startDelivery, storedRuns, text, waitForPartial, waitForRunEnd } from './deliver-steps.ts';

const MiB = 1024 * 1024;

function bigFile(path: string, mib: number): string {
  const fd = openSync(path, 'w');
  for (let i = 0; i < mib / 16; i++) writeSync(fd, randomBytes(16 * MiB));
  closeSync(fd);
  return path;
}

for (const kind of BROWSER_KINDS) {
  describe(`interrupted and cancelled deliveries, and the history, in ${kind}`, () => {
    const dir = mkdtempSync(join(tmpdir(), `courier-e2e-resume-${kind}-`));
    const small = join(dir, 'indicatoren.csv');
    writeFileSync(small, 'patient;indicator\n1;0.93\n');
    const big = bigFile(join(dir, 'herlaad_test.dat'), 192);
    const cancelMe = bigFile(join(dir, 'annuleer_test.dat'), 128);
    let app: AppServer;
    let b: LaunchedBrowser;
    let page: Page;
    let incoming: string;

    before(async () => {
      app = await startAppServer({ demo: true });
      incoming = join(app.demo!.sandbox, 'incoming');
      b = await launchBrowser(kind);
      page = b.page;
      // "Leave the page? A transfer is running": the user says yes.
      page.on('dialog', (d) => void d.accept().catch(() => undefined));
      await openApp(page, app, 'deliver', kind === 'firefox' ? 'nl' : 'fr');
      await connectDemo(page);
    });
    after(async () => {
      await b?.close();
      await app?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('a reload mid-delivery leaves an interrupted run; picking the same files continues it after checking the partial', { timeout: 300_000 }, async () => {
      await startDelivery(page, [small, big]);
      const partial = join(incoming, '.herlaad_test.dat.courier-part');
      await waitForPartial(partial, 32 * MiB);
      await page.waitForSelector('[data-testid="queue-row"][data-name="indicatoren.csv"][data-state="delivered"]');
      await page.reload();
      await page.waitForSelector('[data-testid="unfinished-run"]', { timeout: 30_000 });
      assert.ok(existsSync(partial), 'the partial upload is still on the server');
      const before = statSync(partial).size;
      assert.ok(!existsSync(join(incoming, 'herlaad_test.dat')), 'no final name for an unfinished file');
      const [record] = await storedRuns(page);
      assert.equal(record?.state, 'running', 'the record was written as the run went on');
      // Under way when the page went (a browser may close the socket first: then it was reconnecting).
      assert.equal(record?.items[0]?.state, 'delivered');
      assert.match(record?.items[1]?.state ?? '', /^(sending|reconnecting)$/);
      assert.equal(await page.$('[data-testid="resume-pick"]'), null, 'not connected yet: nothing to continue with');

      await connectDemo(page);
      await pickFiles(page, 'resume-files', [small, big]);
      await page.waitForSelector('[data-testid="resume-start"]');
      await page.locator('[data-testid="resume-start"]').click();
      await waitForRunEnd(page, 240_000);
      assert.deepEqual(await queueStates(page), [['herlaad_test.dat', 'delivered']], 'only the unfinished file is sent again');
      assert.equal(sha1sum(join(incoming, 'herlaad_test.dat')), sha1sum(big));
      assert.equal(readFileSync(join(incoming, 'herlaad_test.dat.hash'), 'utf8'), sha1sum(big));
      assert.ok(!existsSync(partial), 'the temporary file became the delivered file');
      const runs = await storedRuns(page);
      assert.equal(runs.length, 1, 'the continued run carries on the same record');
      const files = runs[0]!.receipt!.files;
      assert.deepEqual(files.map((f) => [f.name, f.status]), [['indicatoren.csv', 'delivered'], ['herlaad_test.dat', 'delivered']]);
      const resumed = files[1]!;
      assert.equal(resumed.resumeProof, 'read-back', 'the partial was read back and compared before it was continued');
      assert.ok((resumed.resumedFrom ?? 0) > 0 && (resumed.resumedFrom ?? 0) <= before, `continued at ${resumed.resumedFrom} (partial was ${before})`);
      assert.equal(await page.$('[data-testid="unfinished-run"]'), null, 'nothing left unfinished');
    });

    test('cancel removes the unfinished upload; "keep" leaves it, and the file list continues it', { timeout: 300_000 }, async () => {
      const partial = join(incoming, '.annuleer_test.dat.courier-part');
      await startDelivery(page, [cancelMe]);
      await waitForPartial(partial, 16 * MiB);
      await page.locator('[data-testid="queue-row"][data-name="annuleer_test.dat"] [data-testid="queue-cancel"]').click();
      await page.waitForSelector('[data-testid="cancel-dialog"][open]');
      await page.locator('[data-testid="cancel-dialog-remove"]').click();
      await waitForRunEnd(page);
      assert.deepEqual(await queueStates(page), [['annuleer_test.dat', 'cancelled']]);
      assert.match(await text(page, '[data-testid="queue-summary"]'), kind === 'firefox' ? /0 mislukt, 1 geannuleerd\.$/ : /0 en échec, 1 annulé\.$/, 'a cancelled file is counted as cancelled, not failed');
      assert.deepEqual(readdirSync(incoming).filter((n) => n.includes('annuleer')), [], 'nothing left behind on the server');

      await startDelivery(page, [cancelMe]);
      await waitForPartial(partial, 16 * MiB);
      await page.locator('[data-testid="send-cancel-all"]').click();
      await page.waitForSelector('[data-testid="cancel-dialog"][open]');
      await page.locator('[data-testid="cancel-dialog-keep"]').click();
      await waitForRunEnd(page);
      assert.ok(existsSync(partial), 'kept for later');
      const unfinished = `${row('.annuleer_test.dat.courier-part')}[data-kind="unfinished"]`;
      await page.waitForSelector(unfinished);
      await page.locator(`${unfinished} [data-testid="browse-resume"]`).click();
      await pickFiles(page, 'browse-resume-file', [cancelMe]);
      await page.waitForSelector('[data-testid="queue-row"][data-name="annuleer_test.dat"][data-state="delivered"]', { timeout: 240_000 });
      assert.equal(sha1sum(join(incoming, 'annuleer_test.dat')), sha1sum(cancelMe));
      assert.ok(!existsSync(partial));
      const last = (await storedRuns(page)).at(-1)!;
      assert.ok((last.receipt!.files[0]!.resumedFrom ?? 0) > 0, 'continued, not sent again from 0');
    });

    test('the history survives log-out and reload; a receipt is reopened, saved as JSON and deleted', async () => {
      await logOut(page);
      await page.locator('[data-testid="nav-deliveries"]').click();
      await page.waitForSelector('[data-testid="history-row"]');
      const count = async () => (await page.$$('[data-testid="history-row"]')).length;
      assert.equal(await count(), 4);
      await page.reload();
      await page.waitForSelector('[data-testid="history-row"]');
      assert.equal(await count(), 4, 'all four runs are still there after a reload');
      const statuses = await page.$$eval('[data-testid="history-row"]', (rows) => rows.map((r) => r.getAttribute('data-status')));
      assert.deepEqual(statuses, ['ended', 'ended', 'ended', 'ended']);
      const first = (await storedRuns(page))[0]!;
      const sel = `[data-testid="history-row"][data-run="${first.id}"]`;
      await page.locator(`${sel} [data-testid="history-open"]`).click();
      await page.waitForSelector('[data-testid="history-receipt"] [data-testid="receipt-row"][data-name="herlaad_test.dat"][data-status="delivered"]');
      await page.locator(`${sel} [data-testid="history-json"]`).click();
      const saved = JSON.parse(readFileSync(await waitForDownload(b.downloads), 'utf8'));
      assert.equal(saved.format, 'sftp-courier-receipt');
      assert.equal(saved.id, first.id);
      assert.deepEqual(saved.files.map((f: { sha1: string }) => f.sha1), [sha1sum(small), sha1sum(big)]);
      await page.locator(`${sel} [data-testid="history-delete"]`).click();
      await page.waitForSelector('[data-testid="history-delete-dialog"][open]');
      await page.locator('[data-testid="history-delete-dialog-delete"]').click();
      await page.waitForFunction((s) => !document.querySelector(s), {}, sel);
      await page.reload();
      await page.waitForSelector('[data-testid="history-row"]');
      assert.equal(await count(), 3);
    });
  });
}
