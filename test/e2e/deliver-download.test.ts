// Issue 11, point 7: downloads like uploads. In Firefox (no showSaveFilePicker) a 1 GiB file from
// OpenSSH is streamed to disk through the service worker while the browser's memory stays flat (RSS
// of all its processes, from /proc); in Chromium and Firefox a server that lies about a file's size
// (the ssh2 hostile server) gets a clear refusal and leaves nothing on disk: more bytes than
// announced stop the download at once, fewer fail it; a running download's row shows bytes of
// total, speed and time left; its cancel stops it, never leaves a complete-looking file, and says
// that a browser may keep the part it received (Firefox does, as .part). One OpenSSH server (with
// the 1 GiB file), one hostile server and one app server serve every test of the file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { startAppServer, type AppServer } from '../support/app-server.ts';
import { BROWSER_KINDS, browserRssMiB, launchBrowser, waitForDownload, type LaunchedBrowser, type Page } from '../support/firefox.ts';
import { HOSTILE_NAMES, startHostileServer, type HostileServer } from '../support/hostile-sftp-server.ts';
import { startSshd, type RunningSshd } from '../support/sshd.ts';
import { openApp, row, sha1sum, text } from './deliver-steps.ts';

const MiB = 1024 * 1024;

/** Takes the plain download path in Chromium too: headless Chromium cannot answer a save dialog. */
async function withoutSavePicker(page: Page): Promise<void> {
  await page.evaluateOnNewDocument(() => {
    delete (window as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker;
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Logs in through the gateway's own profile of a target (no built-in profile describes it). */
async function connectTarget(page: Page, target: string, user: string, password: string): Promise<void> {
  await page.waitForSelector(`option[value="gateway-${target}"]`);
  await page.select('[data-testid="profile"]', `gateway-${target}`);
  await page.locator('[data-testid="username"]').fill(user);
  await page.select('[data-testid="auth-method"]', 'password');
  await page.locator('[data-testid="password"]').fill(password);
  await page.locator('[data-testid="connect"]').click();
  await page.waitForSelector('[data-testid="session-bar"]', { timeout: 30_000 });
}

let sshd: RunningSshd;
let hostile: HostileServer;
let app: AppServer;
let huge: string;

before(async () => {
  [sshd, hostile] = await Promise.all([startSshd({}), startHostileServer()]);
  app = await startAppServer({
    targets: {
      sshd: { label: 'OpenSSH (test)', host: '127.0.0.1', port: sshd.port, hostKeyFingerprints: Object.values(sshd.hostKeyFingerprints), local: true },
      hostile: { label: 'Hostile test server', host: '127.0.0.1', port: hostile.port, hostKeyFingerprints: [hostile.hostKeyFingerprint], local: true },
    },
  });
  huge = join(sshd.sftpRoot, 'groot-1GiB.bin');
  const block = randomBytes(16 * MiB);
  const fd = openSync(huge, 'w');
  for (let i = 0; i < 64; i++) writeSync(fd, block, 0, block.length, i * block.length);
  writeSync(fd, randomBytes(4321), 0, 4321, 64 * block.length);
  closeSync(fd);
  writeFileSync(join(sshd.sftpRoot, 'middel-32MiB.bin'), randomBytes(32 * MiB + 7));
});
after(async () => {
  await app?.close();
  await Promise.all([sshd?.stop(), hostile?.stop()]);
});

describe('a 1 GiB download in Firefox is streamed to disk: memory stays flat', () => {
  let b: LaunchedBrowser;

  before(async () => {
    b = await launchBrowser('firefox');
    await openApp(b.page, app, 'deliver', 'nl');
    await connectTarget(b.page, 'sshd', sshd.user, sshd.password);
  });
  after(async () => {
    await b?.close();
  });

  test('bar, bytes of total, then the whole file on disk; RSS of all Firefox processes stays flat', { timeout: 600_000 }, async () => {
    const page = b.page;
    assert.equal(await page.evaluate(() => typeof (window as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker), 'undefined', 'Firefox has no save-file picker');
    await page.waitForSelector(row('groot-1GiB.bin'));
    const idle: number[] = [];
    for (let i = 0; i < 8; i++) {
      idle.push(browserRssMiB(b.pid));
      await new Promise((r) => setTimeout(r, 250));
    }
    const samples: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push(browserRssMiB(b.pid));
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const started = Date.now();
    await page.locator(`${row('groot-1GiB.bin')} [data-testid="browse-download"]`).click();
    await page.waitForSelector('[data-testid="download-row"][data-state="running"]');
    const file = await waitForDownload(b.downloads, 540_000);
    await page.waitForSelector('[data-testid="download-row"][data-state="done"]', { timeout: 60_000 });
    const seconds = (Date.now() - started) / 1000;
    sampling = false;
    await sampler;
    assert.equal(statSync(file).size, statSync(huge).size);
    assert.equal(sha1sum(file), sha1sum(huge));
    assert.match(await text(page, '[data-testid="download-progress"]'), /1,1 GB van 1,1 GB/);
    const base = median(idle);
    const peak = Math.max(...samples);
    console.log(`Firefox RSS (all processes) during a ${statSync(huge).size}-byte download in ${seconds.toFixed(1)} s: idle ${base.toFixed(0)} MiB, median ${median(samples).toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB (+${(peak - base).toFixed(0)} MiB), ${samples.length} samples`);
    // Holding the file in memory (a Blob of the whole download) would add at least 1024 MiB.
    assert.ok(peak - base < 300, `memory grew by ${(peak - base).toFixed(0)} MiB`);
  });
});

for (const kind of BROWSER_KINDS) {
  describe(`download rows in ${kind}: a server that lies about a file's size, a whole download, a download cancelled`, () => {
    let b: LaunchedBrowser;
    let page: Page;

    before(async () => {
      b = await launchBrowser(kind);
      page = b.page;
      await withoutSavePicker(page);
      await openApp(page, app, 'deliver', 'fr');
      await connectTarget(page, 'hostile', hostile.user, hostile.password);
    });
    after(async () => {
      await b?.close();
    });

    const download = async (name: string) => {
      await page.locator(`${row(name)} [data-testid="browse-download"]`).click();
      await page.waitForSelector(`[data-testid="download-row"][data-name="${name}"][data-state="failed"]`, { timeout: 30_000 });
      return page.$eval(`[data-testid="download-row"][data-name="${name}"] [data-testid="download-error"]`, (e) => [e.getAttribute('data-code') ?? '', e.textContent ?? ''] as const);
    };
    /**
     * What a failed download left with any content. (Firefox keeps an empty placeholder of the final
     * name after a failed download; Chromium removes its .crdownload.) The last chunk is held back
     * until the download proved whole, so not even the announced bytes of a liar reach the disk.
     */
    const leftovers = () => readdirSync(b.downloads).map((n) => [n, statSync(join(b.downloads, n)).size] as const).filter(([, size]) => size > 0);

    test('more bytes than announced: stopped at once, nothing kept, the reason in the user’s language', async () => {
      await page.waitForSelector(row(HOSTILE_NAMES.liesize));
      const [code, message] = await download(HOSTILE_NAMES.liesize);
      assert.equal(code, 'download-oversize');
      assert.match(String(message), /plus d’octets que la taille annoncée/);
      assert.ok(hostile.liesizeBytesSent() < 2 * MiB, `the client stopped asking: ${hostile.liesizeBytesSent()} bytes sent`);
      await new Promise((r) => setTimeout(r, 1000)); // let the browser drop a partial download
      assert.deepEqual(leftovers(), [], 'no byte of it on disk');
    });

    test('fewer bytes than announced: the download fails and no complete-looking file is left', async () => {
      const [code] = await download(HOSTILE_NAMES.shortsize);
      assert.equal(code, 'download-short');
      await new Promise((r) => setTimeout(r, 1000));
      assert.deepEqual(leftovers(), [], 'no byte of it on disk');
    });

    test('a whole download streamed through the service worker arrives equal (sha1sum) and the row says done', { timeout: 120_000 }, async () => {
      await page.locator('[data-testid="logout"]').click();
      await page.waitForSelector('[data-testid="connect-panel"]');
      await connectTarget(page, 'sshd', sshd.user, sshd.password);
      assert.equal(await page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.active) && typeof (window as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker === 'undefined'), true, 'no save-file picker, an active service worker: it streams');
      await page.locator(`${row('middel-32MiB.bin')} [data-testid="browse-download"]`).click();
      await page.waitForSelector('[data-testid="download-row"][data-name="middel-32MiB.bin"][data-state="done"]', { timeout: 90_000 });
      // The folder also holds the empty placeholders of the liar's downloads: wait for this file by name.
      const file = join(b.downloads, 'middel-32MiB.bin');
      const want = statSync(join(sshd.sftpRoot, 'middel-32MiB.bin')).size;
      const deadline = Date.now() + 30_000;
      while (!(existsSync(file) && statSync(file).size === want) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      try {
        assert.equal(sha1sum(file), sha1sum(join(sshd.sftpRoot, 'middel-32MiB.bin')));
        assert.match(await text(page, '[data-testid="download-row"][data-name="middel-32MiB.bin"] [data-testid="download-progress"]'), /33,6 MB sur 33,6 MB/);
        assert.equal(await page.$('[data-testid="download-row"][data-name="middel-32MiB.bin"] [data-testid="download-partial"]'), null, 'nothing to warn about');
      } finally {
        rmSync(file, { force: true }); // the next test counts what is left in the folder
      }
    });

    test('a running download shows bytes of total, speed and time left; cancel stops it, leaves no complete-looking file and says what the browser may keep', { timeout: 120_000 }, async () => {
      await page.locator(`${row('groot-1GiB.bin')} [data-testid="browse-download"]`).click();
      const running = '[data-testid="download-row"][data-name="groot-1GiB.bin"][data-state="running"]';
      await page.waitForSelector(running);
      // Speed after a second, time left after three: "Téléchargement · 52,4 MB sur 1,1 GB · 17,3 MB/s · reste 59 s".
      await page.waitForFunction((sel) => /sur 1,1 GB · \S+ \S+\/s · reste \d/.test(document.querySelector(`${sel} [data-testid="download-progress"]`)?.textContent ?? ''), { timeout: 60_000 }, running);
      const shown = await text(page, `${running} [data-testid="download-progress"]`);
      const bar = Number(await page.$eval(`${running} [role="progressbar"]`, (e) => e.getAttribute('aria-valuenow')));
      assert.ok(bar > 0 && bar < 100, `the bar is part way: ${bar} %`);
      await page.locator(`${running} [data-testid="download-cancel"]`).click();
      await page.waitForSelector('[data-testid="download-row"][data-name="groot-1GiB.bin"][data-state="cancelled"]', { timeout: 30_000 });
      // Let the browser settle its partial download (Chromium deletes its .crdownload a moment later).
      for (let waited = 0; waited < 10_000 && leftovers().some(([n]) => n.endsWith('.crdownload')); waited += 250) await new Promise((r) => setTimeout(r, 250));
      await new Promise((r) => setTimeout(r, 1000));
      const kept = leftovers();
      // Chromium removes its .crdownload; Firefox keeps what it received of a failed download as
      // name.XXXX.part (for its own Retry) and a page cannot remove it: the row says so.
      if (kind === 'chromium') assert.deepEqual(kept, [], `no byte of it on disk (was at: ${shown})`);
      else assert.ok(kept.length === 1 && kept[0]![0].endsWith('.part'), `only Firefox's .part, never a complete-looking file: ${JSON.stringify(kept)} (was at: ${shown})`);
      assert.match(await text(page, '[data-testid="download-row"][data-name="groot-1GiB.bin"] [data-testid="download-partial"]'), /a peut-être gardé la partie déjà reçue.*\.part/);
      assert.equal(await page.$('[data-testid="download-row"][data-name="groot-1GiB.bin"] [data-testid="download-cancel"]'), null, 'nothing left to cancel');
    });
  });
}
