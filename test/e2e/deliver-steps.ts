// Steps shared by the Deliver e2e tests that run one body in Chromium and in Firefox (puppeteer,
// see test/support/firefox.ts): open the app in a language, log in to the demo server, pick files,
// deliver, read the file list and the queue.
import { execFileSync } from 'node:child_process';
import type { ElementHandle } from 'puppeteer-core';
import type { AppServer } from '../support/app-server.ts';
import type { Page } from '../support/firefox.ts';

export const sha1sum = (path: string) => execFileSync('sha1sum', [path]).toString().split(' ')[0]!;

/** Opens `#/screen` with the app in `lang` (the stored choice, as the language menu keeps it). */
export async function openApp(page: Page, app: AppServer, screen: string, lang: 'nl' | 'fr' | 'en' = 'en'): Promise<void> {
  await page.goto(`${app.url}#/${screen}`);
  await page.evaluate((l) => localStorage.setItem('courier.lang', l), lang);
  await page.reload();
  await page.waitForSelector(`[data-testid="nav-${screen}"]`);
  // The service worker streams downloads where there is no save-file picker: let it be active.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
}

export async function connectDemo(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="connect-panel"]');
  await page.select('[data-testid="profile"]', 'demo');
  await page.locator('[data-testid="username"]').fill('demo');
  await page.select('[data-testid="auth-method"]', 'password');
  await page.locator('[data-testid="password"]').fill('demo-password');
  await page.locator('[data-testid="connect"]').click();
  await page.waitForSelector('[data-testid="session-bar"], [data-testid="connect-error"]', { timeout: 30_000 });
  const error = await page.$('[data-testid="connect-error"]');
  if (error) throw new Error(`connect failed: ${await error.evaluate((e) => e.textContent)}`);
}

export async function logOut(page: Page): Promise<void> {
  await page.locator('[data-testid="logout"]').click();
  await page.waitForSelector('[data-testid="connect-panel"]');
}

export async function pickFiles(page: Page, testId: string, paths: string[]): Promise<void> {
  const input = (await page.waitForSelector(`[data-testid="${testId}"]`)) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(...paths);
}

/** Picks `paths` and starts the delivery (does not wait for its end). */
export async function startDelivery(page: Page, paths: string[]): Promise<void> {
  await pickFiles(page, 'send-files', paths);
  await page.locator('[data-testid="send-start"]').click();
}

export async function waitForRunEnd(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForSelector('[data-testid="queue-overall"][data-finished="true"]', { timeout });
}

export async function queueStates(page: Page): Promise<[string, string][]> {
  return page.$$eval('[data-testid="queue-row"]', (rows) => rows.map((r) => [r.getAttribute('data-name') ?? '', r.getAttribute('data-state') ?? ''] as [string, string]));
}

/** The file list's rows: name, kind (file, sidecar, folder, unfinished) and .hash state. */
export async function browseRows(page: Page): Promise<{ name: string; kind: string; sidecar: string }[]> {
  return page.$$eval('[data-testid="browse-row"]', (rows) => rows.map((r) => ({ name: r.getAttribute('data-name') ?? '', kind: r.getAttribute('data-kind') ?? '', sidecar: r.getAttribute('data-sidecar') ?? '' })));
}

export const row = (name: string) => `[data-testid="browse-row"][data-name="${name.replace(/"/g, '\\"')}"]`;

export async function text(page: Page, selector: string): Promise<string> {
  return (await page.$eval(selector, (e) => e.textContent ?? '')).trim();
}

/** The Deliveries history as the page's IndexedDB holds it (newest last). */
export interface StoredRun {
  id: string;
  state: string;
  folder: string;
  files: { name: string }[];
  items: { name: string; state: string }[];
  receipt: { files: { name: string; status: string; sha1: string; resumedFrom?: number; resumeProof?: string }[] } | null;
}

export async function storedRuns(page: Page): Promise<StoredRun[]> {
  return page.evaluate(() => new Promise<StoredRun[]>((resolve, reject) => {
    const open = indexedDB.open('courier-deliveries');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('runs')) return resolve([]);
      const all = db.transaction('runs').objectStore('runs').index('startedAt').getAll();
      all.onsuccess = () => {
        resolve(all.result as StoredRun[]);
        db.close();
      };
      all.onerror = () => reject(all.error);
    };
  }));
}

/** Waits until `path` on the server side exists and holds more than `bytes`. */
export async function waitForPartial(path: string, bytes: number, timeoutMs = 120_000): Promise<number> {
  const { existsSync, statSync } = await import('node:fs');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(path)) {
      const size = statSync(path).size;
      if (size > bytes) return size;
    }
    if (Date.now() > deadline) throw new Error(`${path} did not grow past ${bytes} bytes in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
