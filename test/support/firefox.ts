// Real headless browsers driven by puppeteer-core, one API for both: Debian's Firefox ESR over
// WebDriver BiDi (playwright-core cannot drive it) and Debian's Chromium over CDP. A test body
// written against `Page` runs in either, so a point that is about the browser is tested in both.
// No browser download; downloads land in a folder the test names.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { CHROMIUM_PATH } from './chromium.ts';

export type { Browser, Page };
export type BrowserKind = 'chromium' | 'firefox';
export const BROWSER_KINDS: readonly BrowserKind[] = ['chromium', 'firefox'];
export const FIREFOX_PATH = '/usr/bin/firefox-esr';

export interface LaunchedBrowser {
  kind: BrowserKind;
  browser: Browser;
  page: Page;
  /** Where the browser saves downloads without asking. */
  downloads: string;
  /** Process id of the browser's main process (its children are found through /proc). */
  pid: number;
  close(): Promise<void>;
}

function firefoxPrefs(downloads: string): Record<string, unknown> {
  return {
    'browser.download.dir': downloads,
    'browser.download.folderList': 2,
    'browser.download.useDownloadDir': true,
    'browser.download.always_ask_before_handling_new_types': false,
    'browser.download.start_downloads_in_tmp_dir': false,
    'browser.helperApps.neverAsk.saveToDisk': 'application/octet-stream',
    'browser.download.manager.showWhenStarting': false,
    'browser.download.alwaysOpenPanel': false,
    // Nothing may leave 127.0.0.1: no update checks, telemetry, captive-portal or safe-browsing calls.
    'app.update.enabled': false,
    'browser.safebrowsing.malware.enabled': false,
    'browser.safebrowsing.phishing.enabled': false,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'datareporting.healthreport.uploadEnabled': false,
    'toolkit.telemetry.enabled': false,
    'browser.safebrowsing.downloads.enabled': false,
    'browser.safebrowsing.downloads.remote.enabled': false,
  };
}

/** Launches `kind` headless with a fresh profile; `close()` ends it and removes its download folder. */
export async function launchBrowser(kind: BrowserKind): Promise<LaunchedBrowser> {
  const executablePath = kind === 'firefox' ? FIREFOX_PATH : CHROMIUM_PATH;
  if (!existsSync(executablePath)) throw new Error(`Debian package "${kind === 'firefox' ? 'firefox-esr' : 'chromium'}" is missing: run npm test as root (scripts/system-deps.mjs installs it)`);
  const downloads = mkdtempSync(join(tmpdir(), `courier-${kind}-downloads-`));
  // No network monitoring by the driver: over BiDi it makes Firefox keep every response body it
  // streams (a 768 MiB download grew the parent process by 777 MiB; without it, by 17 MiB), and over
  // CDP it reports every WebSocket frame (shared/docs/measurements.md): artefacts no user has.
  const browser = kind === 'firefox'
    ? await puppeteer.launch({ browser: 'firefox', executablePath, headless: true, extraPrefsFirefox: firefoxPrefs(downloads), protocolTimeout: 300_000, networkEnabled: false })
    : await puppeteer.launch({
        browser: 'chrome', executablePath, headless: true, protocolTimeout: 300_000, networkEnabled: false,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync'],
        downloadBehavior: { policy: 'allow', downloadPath: downloads },
      });
  const pid = browser.process()?.pid ?? 0;
  const page = (await browser.pages())[0] ?? (await browser.newPage());
  return {
    kind, browser, page, downloads, pid,
    async close() {
      await browser.close().catch(() => browser.process()?.kill('SIGKILL'));
      rmSync(downloads, { recursive: true, force: true });
    },
  };
}

/** Every process of the browser: the main one and its descendants (content, GPU, network…). */
export function browserProcesses(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/** Resident memory of the browser and all its processes, in MiB (from /proc/<pid>/status VmRSS). */
export function browserRssMiB(pid: number): number {
  let kib = 0;
  for (const p of browserProcesses(pid)) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      kib += Number(m?.[1] ?? 0);
    } catch {
      // ended meanwhile
    }
  }
  return kib / 1024;
}

/** Waits until `dir` holds a finished download (no partial-file suffix) and returns its path. */
export async function waitForDownload(dir: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = readdirSync(dir).filter((n) => !/\.(part|crdownload)$/.test(n) && !n.startsWith('.'));
    const partial = readdirSync(dir).some((n) => /\.(part|crdownload)$/.test(n));
    if (done.length > 0 && !partial) return join(dir, done[0]!);
    if (Date.now() > deadline) throw new Error(`no finished download in ${dir} after ${timeoutMs} ms: ${readdirSync(dir).join(', ') || 'empty'}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
