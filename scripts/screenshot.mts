// Takes the README's screenshots from the real app: the built PWA served by the real gateway,
// the embedded demo SFTP server, and a second demo server whose host key nobody pinned (so the
// first-connection question appears). Needs a build: `npx vite build`, then
//   node --import tsx scripts/screenshot.mts            -> docs/screenshots/*.png
//   node --import tsx scripts/screenshot.mts --review   -> every scene in nl/fr/en at 1280 and
//                                                          1024 px, into a temp folder (design review)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startDemoServer } from '../gateway/demo/demo-server.ts';
import { launchChromium } from '../test/support/chromium.ts';
import { startAppServer, type AppServer } from '../test/support/app-server.ts';
import { foreignOnPage, formatEnglish } from '../test/support/language-text.ts';

type Lang = 'nl' | 'fr' | 'en';
interface Scene {
  name: string;
  lang: Lang;
  fullPage: boolean;
  /** Only for the design review, not a README picture. */
  reviewOnly?: boolean;
  run: (page: Page, app: AppServer) => Promise<void>;
}

const review = process.argv.includes('--review');
const work = mkdtempSync(join(tmpdir(), 'courier-shot-'));
const outDir = review ? mkdtempSync(join(tmpdir(), 'courier-review-')) : resolve('docs/screenshots');
mkdirSync(outDir, { recursive: true });

function file(name: string, bytes: number, fill = 'x'): string {
  const path = join(work, name);
  writeFileSync(path, fill.repeat(bytes));
  return path;
}

const sha1 = async (path: string) => {
  const { createHash } = await import('node:crypto');
  const { readFileSync } = await import('node:fs');
  return createHash('sha1').update(readFileSync(path)).digest('hex');
};

async function settle(page: Page): Promise<void> {
  await page.waitForTimeout(600); // let progress bars finish their transition
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

const hashTool: Scene['run'] = async (page) => {
  await page.goto(`${page.url().split('#')[0]}#/hash`);
  const names = ['gegevens_2026Q3.dat', 'indicatoren ziekenhuis.csv', 'bijlage-é.xml'];
  const paths = names.map((n, i) => file(n, 1000 * (i + 1) * 997));
  await page.setInputFiles('[data-testid="hash-files"]', paths);
  await page.waitForSelector('[data-testid="hash-overall"][data-finished="true"]');
  await settle(page);
};

const verify: Scene['run'] = async (page) => {
  await page.goto(`${page.url().split('#')[0]}#/verify`);
  const good = file('indicateurs_2026.csv', 48_213, 'a');
  writeFileSync(`${good}.hash`, await sha1(good));
  const bad = file('sejours_T3.dat', 1_204_331, 'b');
  // The .hash of an earlier version of the file: what a real mismatch looks like.
  const older = file('sejours_T3.previous', 1_204_330, 'b');
  writeFileSync(`${bad}.hash`, await sha1(older));
  const lonely = file('annexe-qualité.xml', 9_120, 'c');
  await page.setInputFiles('[data-testid="verify-files"]', [good, `${good}.hash`, bad, `${bad}.hash`, lonely]);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="verify-row"][data-result="checking"]').length === 0
    && document.querySelectorAll('[data-testid="verify-row"]').length === 3);
  await settle(page);
};

const keys: Scene['run'] = async (page) => {
  await page.goto(`${page.url().split('#')[0]}#/keys`);
  await page.fill('[data-testid="keys-ident"]', 'Z12345');
  await page.fill('[data-testid="keys-pass"]', 'correct horse battery staple');
  await page.fill('[data-testid="keys-pass2"]', 'correct horse battery staple');
  await page.click('[data-testid="keys-generate"]');
  await page.waitForSelector('[data-testid="keys-result"]', { timeout: 180_000 });
  await settle(page);
};

async function openDeliver(page: Page, profile: string, user: string): Promise<void> {
  await page.goto(`${page.url().split('#')[0]}#/deliver`);
  await page.selectOption('[data-testid="profile"]', profile);
  await page.waitForTimeout(200); // the panel recalls the last user name of this profile first
  await page.fill('[data-testid="username"]', user);
}

const connectPanel: Scene['run'] = async (page) => {
  await openDeliver(page, 'demo', 'demo');
  await page.selectOption('[data-testid="auth-method"]', 'password');
  await page.fill('[data-testid="password"]', 'demo-password');
  await settle(page);
};

const hostKey: Scene['run'] = async (page) => {
  await page.goto(`${page.url().split('#')[0]}#/deliver`);
  const profiles = join(work, 'profiles.json');
  writeFileSync(profiles, JSON.stringify({
    format: 'sftp-courier-profiles', version: 1,
    profiles: [{
      id: 'lab', label: 'Registry test server', targetId: 'lab', authMethods: ['password'], hostKeyFingerprints: [],
      uploadFolder: 'incoming', sidecar: { required: true, style: 'hex' }, tempRename: true, help: {},
    }],
  }));
  await page.setInputFiles('[data-testid="profile-import"]', profiles);
  await page.waitForSelector('option[value="lab"]', { state: 'attached' });
  await openDeliver(page, 'lab', 'demo');
  await page.fill('[data-testid="password"]', 'demo-password');
  await page.click('[data-testid="connect"]');
  await page.waitForSelector('[data-testid="hostkey-dialog"][open]', { timeout: 30_000 });
  if (review) console.log('focus in the host-key dialog:', await page.evaluate(() => document.activeElement?.getAttribute('data-testid')));
  await settle(page);
};

async function connectDemo(page: Page): Promise<void> {
  await openDeliver(page, 'demo', 'demo');
  await page.selectOption('[data-testid="auth-method"]', 'password');
  await page.fill('[data-testid="password"]', 'demo-password');
  await page.click('[data-testid="connect"]');
  await page.waitForSelector('[data-testid="session-bar"]', { timeout: 30_000 });
}

async function deliverFiles(page: Page, files: string[]): Promise<void> {
  await page.setInputFiles('[data-testid="send-files"]', files);
  await page.click('[data-testid="send-start"]');
  await page.waitForSelector('[data-testid="queue-overall"][data-finished="true"]', { timeout: 60_000 });
}

/** A finished delivery of three files (name, size, fill) with its receipt. */
const deliveredOf = (files: [string, number, string][]): Scene['run'] => async (page) => {
  await connectDemo(page);
  // A fresh demo server per README run; the review run reuses it, so names must differ there.
  const stamp = review ? `_${Date.now().toString(36)}` : '';
  const paths = files.map(([name, bytes, fill]) => file(name.replace(/(\.[a-z]+)$/, `${stamp}$1`), bytes, fill));
  lastDelivered = paths;
  await page.setInputFiles('[data-testid="send-files"]', paths);
  await page.click('[data-testid="send-start"]');
  await page.waitForSelector('[data-testid="queue-overall"][data-finished="true"]', { timeout: 60_000 });
  await page.waitForSelector('[data-testid="browse-row"]');
  await settle(page);
};
const delivered = deliveredOf([['sejours_2026T3.dat', 2_400_000, 's'], ['indicateurs_qualite.csv', 84_000, 'i'], ['annexe_methodologie.xml', 12_500, 'a']]);
const deliveredNl = deliveredOf([['opnames_2026K3.dat', 2_300_000, 'o'], ['kwaliteitsindicatoren.csv', 79_000, 'k'], ['toelichting_methode.xml', 11_800, 't']]);
let lastDelivered: string[] = [];

const existing: Scene['run'] = async (page) => {
  await delivered(page, {} as AppServer);
  await page.setInputFiles('[data-testid="send-files"]', lastDelivered.slice(0, 1));
  await page.click('[data-testid="send-start"]');
  await page.waitForSelector('[data-testid="existing-dialog"][open]', { timeout: 30_000 });
  await settle(page);
};

const askDelete: Scene['run'] = async (page) => {
  await delivered(page, {} as AppServer);
  const before = await page.locator('[data-testid="browse-row"]').count();
  // Deleting X offers its .hash too (ticked); focus starts on Cancel.
  await page.locator('[data-testid="browse-delete"]').first().click();
  await page.waitForSelector('[data-testid="delete-dialog"][open]');
  await settle(page);
  await page.screenshot({ path: join(outDir, `ask-dialog-cancel-focused-${Date.now()}.png`) });
  await page.click('[data-testid="delete-dialog-delete"]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="browse-row"]').length === n - 1, before);
  // The text question: a new folder, typed and confirmed with Enter.
  await page.click('[data-testid="browse-mkdir"]');
  await page.waitForSelector('[data-testid="mkdir-dialog"][open]');
  await page.keyboard.type('archief-2026');
  await page.screenshot({ path: join(outDir, `ask-dialog-text-${Date.now()}.png`) });
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="browse-row"][data-name="archief-2026"]');
  // Renaming a pair: the new name, and its .hash follows (ticked).
  await page.locator('[data-testid="browse-row"][data-kind="file"] [data-testid="browse-rename"]').first().click();
  await page.waitForSelector('[data-testid="rename-dialog"][open]');
};

/**
 * The pair-aware file list: data files with their .hash state (present, missing), a .hash whose
 * data file is gone, and an unfinished upload of ours — in a folder opened inside incoming/.
 */
const pairBrowser: Scene['run'] = async (page, app) => {
  await connectDemo(page);
  const stamp = review ? `_${Date.now().toString(36)}` : '';
  const folder = `Aanlevering 2026 Q3${stamp}`;
  await page.click('[data-testid="browse-mkdir"]');
  await page.waitForSelector('[data-testid="mkdir-dialog"][open]');
  await page.keyboard.type(folder);
  await page.keyboard.press('Enter');
  await page.click(`[data-testid="browse-row"][data-name="${folder}"] button.link`);
  await page.waitForFunction((f) => document.querySelector('[data-testid="browse-path"]')?.textContent?.endsWith(f), folder);
  await deliverFiles(page, [file('verblijven_2026Q3.dat', 1_800_000, 'v'), file('kwaliteitsindicatoren.csv', 64_000, 'k')]);
  // What a folder on a real server also holds: a file someone put there without its .hash, a .hash
  // left behind, and an upload of ours that a closed laptop interrupted.
  const onServer = join(app.demo!.sandbox, 'incoming', folder);
  writeFileSync(join(onServer, 'bijlage_methodologie.pdf'), 'p'.repeat(310_000));
  writeFileSync(join(onServer, 'oude_levering.csv.hash'), '0c9f6a4b1e5d2a7c8b3f4e6d9a1b2c3d4e5f6a7b');
  writeFileSync(join(onServer, '.opnames_2026Q3.dat.courier-part'), 'o'.repeat(4_200_000));
  await page.click('[data-testid="browse-panel"] .actions button:nth-of-type(2)'); // Refresh
  await page.waitForSelector('[data-testid="browse-row"][data-kind="unfinished"]');
  await page.evaluate(() => document.querySelector('[data-testid="browse-panel"]')?.scrollIntoView({ block: 'start' }));
  await settle(page);
};

/** The Deliveries history: every run kept as it went, one reopened with its receipt. */
const history: Scene['run'] = async (page) => {
  await connectDemo(page);
  // Names of their own: the scenes share one demo server, where a name taken asks a question.
  const stamp = review ? `_${Date.now().toString(36)}` : '';
  await deliverFiles(page, [file(`hospitalisations_2026T2${stamp}.dat`, 1_900_000, 'h'), file(`indicateurs_qualite_T2${stamp}.csv`, 71_000, 'q')]);
  // A second run with one file stopped by a .hash that does not match it: failed, not on the server.
  const ok = file(`indicateurs_urgences${stamp}.csv`, 23_000, 'u');
  const bad = file(`sejours_psy_T3${stamp}.dat`, 410_000, 'p');
  writeFileSync(`${bad}.hash`, await sha1(ok));
  await deliverFiles(page, [ok, bad, `${bad}.hash`]);
  await page.click('[data-testid="logout"]');
  await page.waitForSelector('[data-testid="connect-panel"]');
  await page.click('[data-testid="nav-deliveries"]');
  await page.waitForSelector('[data-testid="history-row"]');
  await page.locator('[data-testid="history-row"] [data-testid="history-open"]').first().click();
  await page.waitForSelector('[data-testid="history-receipt"] [data-testid="receipt"]');
  await page.evaluate(() => window.scrollTo(0, 0));
  await settle(page);
};

const printedReceipt: Scene['run'] = async (page) => {
  await delivered(page, {} as AppServer);
  await page.emulateMedia({ media: 'print' });
};

const keyboard: Scene['run'] = async (page) => {
  await openDeliver(page, 'demo', 'demo');
  await page.focus('[data-testid="username"]');
  for (let i = 0; i < 2; i++) await page.keyboard.press('Tab');
};

const SCENES: Scene[] = [
  { name: 'hash-tool', lang: 'nl', fullPage: true, run: hashTool },
  { name: 'verify', lang: 'fr', fullPage: true, run: verify },
  { name: 'keys-generated', lang: 'nl', fullPage: true, run: keys },
  { name: 'keys-generated-fr', lang: 'fr', fullPage: true, run: keys },
  { name: 'deliver-connect', lang: 'nl', fullPage: false, run: connectPanel },
  { name: 'host-key-dialog', lang: 'en', fullPage: false, run: hostKey },
  { name: 'deliver-receipt', lang: 'fr', fullPage: true, run: delivered },
  { name: 'deliver-receipt-nl', lang: 'nl', fullPage: true, run: deliveredNl },
  { name: 'deliver-pairs', lang: 'nl', fullPage: false, run: pairBrowser },
  { name: 'deliveries-history', lang: 'fr', fullPage: true, run: history },
  { name: 'ask-dialog', lang: 'nl', fullPage: false, reviewOnly: true, run: askDelete },
  { name: 'existing-dialog', lang: 'fr', fullPage: false, reviewOnly: true, run: existing },
  { name: 'print-receipt', lang: 'nl', fullPage: true, reviewOnly: true, run: printedReceipt },
  { name: 'keyboard-focus', lang: 'fr', fullPage: false, reviewOnly: true, run: keyboard },
];

async function shoot(browser: Browser, app: AppServer, scene: Scene, lang: Lang, width: number, path: string): Promise<void> {
  const context = await browser.newContext({ viewport: { width, height: 800 }, locale: `${lang}-BE`, acceptDownloads: true });
  // A fresh context per picture: its own key store, profiles and language.
  await context.addInitScript((l) => localStorage.setItem('courier.lang', l), lang);
  const page = await context.newPage();
  try {
    await page.goto(app.url);
    await scene.run(page, app);
    await page.screenshot({ path, fullPage: scene.fullPage });
    console.log(path);
    // A Dutch or French picture with English (or the other language) in it is a bug to fix, not to publish.
    if (lang !== 'en') {
      const findings = await foreignOnPage(page, lang);
      if (findings.length > 0) throw new Error(`${path}: text not in ${lang}:\n${formatEnglish(findings)}`);
    }
  } finally {
    await context.close();
  }
}

const labDir = mkdtempSync(join(tmpdir(), 'courier-lab-'));
const lab = await startDemoServer({ port: 0, dataDir: labDir, username: 'demo', password: 'demo-password' });
// A second target with no fingerprint at the gateway or in the profile: the app must ask.
const app = await startAppServer({ demo: true, targets: { lab: { label: 'Lab server', host: '127.0.0.1', port: lab.port, hostKeyFingerprints: [], local: true } } });
const browser = await launchChromium();
try {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  for (const scene of SCENES.filter((s) => (only.length === 0 ? review || !s.reviewOnly : only.includes(s.name)))) {
    if (!review) {
      await shoot(browser, app, scene, scene.lang, 1280, join(outDir, `${scene.name}.png`));
      continue;
    }
    for (const lang of ['nl', 'fr', 'en'] as const) {
      for (const width of [1280, 1024]) await shoot(browser, app, scene, lang, width, join(outDir, `${scene.name}-${lang}-${width}.png`));
    }
  }
} finally {
  await browser.close();
  await app.close();
  await lab.close();
  rmSync(labDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
}
