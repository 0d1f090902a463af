// The hash tool in real headless Chromium: hashes real files (empty, 1 byte, 100 MiB, a name with
// spaces and accents) exactly as sha1sum does, makes no request while hashing, offers the .hash
// files one by one and as a zip, works offline after the first visit, and verifies pairs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { startAppServer } from '../support/app-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'courier-hash-e2e-'));
const files = {
  empty: join(dir, 'empty.dat'),
  one: join(dir, 'one.bin'),
  big: join(dir, 'big-100MiB.bin'),
  accents: join(dir, 'données médicales été 2026.csv'),
};

function sum(tool: 'sha1sum' | 'sha256sum', path: string): string {
  return execFileSync(tool, [path]).toString().split(' ')[0]!;
}

let browser: Browser;
let context: BrowserContext;
let page: Page;
let app: { url: string; close(): Promise<void> };

async function hashedRows(p: Page): Promise<Record<string, string>> {
  await p.waitForSelector('[data-testid="hash-overall"][data-finished="true"]', { timeout: 120_000 });
  return p.$$eval('[data-testid="hash-row"]', (trs) =>
    Object.fromEntries(trs.map((tr) => [tr.getAttribute('data-name') ?? '', tr.querySelector('[data-testid="hash-hex"]')?.textContent ?? ''])),
  );
}

describe('hash tool in Chromium', () => {
  before(async () => {
    writeFileSync(files.empty, '');
    writeFileSync(files.one, 'x');
    writeFileSync(files.accents, 'patient;waarde\n1;42\n');
    const fd = openSync(files.big, 'w');
    for (let i = 0; i < 100; i++) writeSync(fd, randomBytes(1024 * 1024));
    closeSync(fd);
    app = await startAppServer();
    browser = await launchChromium();
    context = await browser.newContext({ acceptDownloads: true, locale: 'en-GB' });
    page = await context.newPage();
    await page.goto(app.url);
    // The service worker has precached everything once this shows.
    await page.waitForSelector('[data-testid="offline-state"]:not(:empty)', { timeout: 30_000 });
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('SHA-1 of each file equals sha1sum, with no request while hashing', async () => {
    const requests: string[] = [];
    const onRequest = (req: { url(): string }) => requests.push(req.url());
    context.on('request', onRequest);
    await page.setInputFiles('[data-testid="hash-files"]', Object.values(files));
    const got = await hashedRows(page);
    context.off('request', onRequest);
    assert.deepEqual(requests, [], 'no request may be made while hashing');
    for (const path of Object.values(files)) {
      const name = path.split('/').pop()!;
      assert.equal(got[name], sum('sha1sum', path), name);
    }
    assert.equal(got['empty.dat'], 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });

  test('the .hash files download one by one and as one zip, holding the bare hex digest', async () => {
    const [one] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="hash-row"][data-name="one.bin"] [data-testid="download-one"]').click()]);
    assert.equal(one.suggestedFilename(), 'one.bin.hash');
    assert.equal(readFileSync(await one.path()).toString(), sum('sha1sum', files.one));
    const [zip] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="download-zip"]')]);
    const entries = unzipSync(new Uint8Array(readFileSync(await zip.path())));
    const names = Object.keys(entries).sort();
    assert.deepEqual(names, Object.values(files).map((p) => `${p.split('/').pop()}.hash`).sort());
    for (const path of Object.values(files)) {
      assert.equal(strFromU8(entries[`${path.split('/').pop()}.hash`]!), sum('sha1sum', path));
    }
  });

  test('SHA-256 in sha1sum style', async () => {
    await page.click('text=Start again');
    await page.selectOption('[data-testid="hash-algorithm"]', 'sha256');
    await page.selectOption('[data-testid="hash-format"]', 'sha1sum');
    await page.setInputFiles('[data-testid="hash-files"]', [files.accents]);
    const got = await hashedRows(page);
    const name = files.accents.split('/').pop()!;
    assert.equal(got[name], sum('sha256sum', files.accents));
    const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="download-one"]').click()]);
    assert.equal(readFileSync(await dl.path()).toString(), `${sum('sha256sum', files.accents)}  ${name}\n`);
  });

  test('a folder of many files on both sides of the one-shot limit (16 MiB) gives each file its sha1sum', async () => {
    // Small files are read whole and digested by WebCrypto, larger ones streamed through hash-wasm;
    // the pool queues the next small file behind a busy worker. Every file must still get its own digest.
    const fdir = mkdtempSync(join(tmpdir(), 'courier-hash-many-'));
    const paths: string[] = [];
    const put = (name: string, size: number) => {
      const path = join(fdir, name);
      writeFileSync(path, randomBytes(size));
      paths.push(path);
    };
    for (let i = 0; i < 60; i++) put(`small-${i}.bin`, (i * 7919) % (200 * 1024));
    put('limit.bin', 16 * 1024 * 1024);
    put('limit-plus-one.bin', 16 * 1024 * 1024 + 1);
    put('larger.bin', 40 * 1024 * 1024 + 5);
    try {
      await page.click('text=Start again');
      await page.selectOption('[data-testid="hash-algorithm"]', 'sha1');
      await page.selectOption('[data-testid="hash-format"]', 'hex');
      await page.setInputFiles('[data-testid="hash-files"]', paths);
      const got = await hashedRows(page);
      assert.equal(Object.keys(got).length, paths.length);
      for (const path of paths) assert.equal(got[path.split('/').pop()!], sum('sha1sum', path), path);
    } finally {
      rmSync(fdir, { recursive: true, force: true });
    }
  });

  test('Cancel ends the run: every file is done (with its right digest) or cancelled, none left waiting', async () => {
    const cdir = mkdtempSync(join(tmpdir(), 'courier-hash-cancel-'));
    const paths: string[] = [];
    for (let i = 0; i < 4; i++) {
      const path = join(cdir, `big-${i}.bin`);
      execFileSync('cp', [files.big, path]);
      paths.push(path);
    }
    for (let i = 0; i < 20; i++) {
      const path = join(cdir, `small-${i}.bin`);
      writeFileSync(path, randomBytes(1000 + i));
      paths.push(path);
    }
    try {
      await page.click('text=Start again');
      await page.setInputFiles('[data-testid="hash-files"]', paths);
      await page.click('[data-testid="hash-cancel"]');
      await page.waitForSelector('[data-testid="hash-overall"][data-finished="true"]', { timeout: 60_000 });
      const rowsNow = await page.$$eval('[data-testid="hash-row"]', (trs) =>
        trs.map((tr): [string, string, string] => [tr.getAttribute('data-name') ?? '', tr.getAttribute('data-status') ?? '', tr.querySelector('[data-testid="hash-hex"]')?.textContent ?? '']),
      );
      assert.equal(rowsNow.length, paths.length);
      const statuses = new Set(rowsNow.map(([, status]) => status));
      assert.ok([...statuses].every((s) => s === 'done' || s === 'cancelled'), `statuses: ${[...statuses].join(', ')}`);
      assert.ok(statuses.has('cancelled'), 'the cancel came before 400 MiB were hashed');
      for (const [name, status, hex] of rowsNow) if (status === 'done') assert.equal(hex, sum('sha1sum', join(cdir, name)), name);
      assert.equal(await page.locator('[data-testid="hash-cancel"]').count(), 0, 'no Cancel button once the run ended');
      // The pool is free again: the next run hashes.
      await page.click('text=Start again');
      await page.setInputFiles('[data-testid="hash-files"]', [files.one]);
      assert.equal((await hashedRows(page))['one.bin'], sum('sha1sum', files.one));
    } finally {
      rmSync(cdir, { recursive: true, force: true });
    }
  });

  test('works with the network off after the first visit', async () => {
    await context.setOffline(true);
    try {
      await page.reload();
      await page.waitForSelector('[data-testid="hash-screen"]');
      await page.setInputFiles('[data-testid="hash-files"]', [files.one, files.accents]);
      const got = await hashedRows(page);
      assert.equal(got['one.bin'], sum('sha1sum', files.one));
    } finally {
      await context.setOffline(false);
    }
  });

  test('verify: OK, MISMATCH and MISSING per pair, tolerant of FCIV style, upper case, CRLF and BOM', async () => {
    const vdir = mkdtempSync(join(tmpdir(), 'courier-verify-'));
    const good = join(vdir, 'Gegevens.dat');
    const bad = join(vdir, 'bad.csv');
    const lone = join(vdir, 'lone.txt');
    writeFileSync(good, 'good data\n');
    writeFileSync(bad, 'changed after hashing\n');
    writeFileSync(lone, 'no hash file\n');
    writeFileSync(`${good}.hash`, `\uFEFF//\r\n// File Checksum Integrity Verifier version 2.05.\r\n//\r\n${sum('sha1sum', good).toUpperCase()} gegevens.dat\r\n`);
    writeFileSync(`${bad}.hash`, `${'0'.repeat(40)}\n`);
    await page.click('[data-testid="nav-verify"]');
    await page.setInputFiles('[data-testid="verify-files"]', [good, `${good}.hash`, bad, `${bad}.hash`, lone]);
    await page.waitForFunction(() => !document.querySelector('[data-testid="verify-row"][data-result="checking"]'));
    const results = await page.$$eval('[data-testid="verify-row"]', (trs) => Object.fromEntries(trs.map((tr) => [tr.getAttribute('data-path'), tr.getAttribute('data-result')])));
    assert.deepEqual(results, { 'Gegevens.dat': 'ok', 'bad.csv': 'mismatch', 'lone.txt': 'missing-sidecar' });
    rmSync(vdir, { recursive: true, force: true });
  });

  test('verify: a data file that cannot be read any more ends UNREADABLE, naming it, instead of "checking" for good', async () => {
    const vdir = mkdtempSync(join(tmpdir(), 'courier-verify-gone-'));
    const gone = join(vdir, 'verdwenen.dat');
    const fine = join(vdir, 'fine.csv');
    // 256 MiB, sparse: cheap to make, still far too long to be hashed before it changes below.
    closeSync(openSync(gone, 'w'));
    truncateSync(gone, 256 * 1024 * 1024);
    writeFileSync(`${gone}.hash`, `${'1'.repeat(40)}\n`);
    writeFileSync(fine, 'fine data\n');
    writeFileSync(`${fine}.hash`, sum('sha1sum', fine));
    await page.click('[data-testid="nav-verify"]');
    await page.setInputFiles('[data-testid="verify-files"]', [gone, `${gone}.hash`, fine, `${fine}.hash`]);
    // Changed on disk after it was chosen (another program, a sync client): the browser refuses to read it.
    truncateSync(gone, 1000);
    await page.waitForFunction(() => !document.querySelector('[data-testid="verify-row"][data-result="checking"]'), undefined, { timeout: 30_000 });
    const results = await page.$$eval('[data-testid="verify-row"]', (trs) => Object.fromEntries(trs.map((tr) => [tr.getAttribute('data-path'), tr.getAttribute('data-result')])));
    assert.deepEqual(results, { 'verdwenen.dat': 'read-failed', 'fine.csv': 'ok' });
    const text = await page.textContent('[data-testid="verify-row"][data-path="verdwenen.dat"]');
    assert.match(text ?? '', /UNREADABLE.*verdwenen\.dat.*Choose it again/s);
    rmSync(vdir, { recursive: true, force: true });
  });

  test('the UI switches to Dutch and French', async () => {
    await page.selectOption('[data-testid="language"]', 'nl');
    assert.equal(await page.textContent('[data-testid="nav-hash"]'), '.hash-bestanden maken');
    await page.selectOption('[data-testid="language"]', 'fr');
    assert.equal(await page.textContent('[data-testid="nav-hash"]'), 'Créer les fichiers .hash');
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    await page.selectOption('[data-testid="language"]', 'en');
  });
});
