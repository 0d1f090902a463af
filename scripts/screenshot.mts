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

const delivered: Scene['run'] = async (page) => {
  await openDeliver(page, 'demo', 'demo');
  await page.selectOption('[data-testid="auth-method"]', 'password');
  await page.fill('[data-testid="password"]', 'demo-password');
  await page.click('[data-testid="connect"]');
  await page.waitForSelector('[data-testid="session-bar"]', { timeout: 30_000 });
  // A fresh demo server per README run; the review run reuses it, so names must differ there.
  const stamp = review ? `_${Date.now().toString(36)}` : '';
  const files = [file(`sejours_2026T3${stamp}.dat`, 2_400_000, 's'), file(`indicateurs_qualite${stamp}.csv`, 84_000, 'i'), file(`annexe_methodologie${stamp}.xml`, 12_500, 'a')];
  lastDelivered = files;
  await page.setInputFiles('[data-testid="send-files"]', files);
  await page.click('[data-testid="send-start"]');
  await page.waitForSelector('[data-testid="queue-overall"][data-finished="true"]', { timeout: 60_000 });
  await page.waitForSelector('[data-testid="browse-row"]');
  await settle(page);
};
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
  await page.locator('[data-testid="browse-delete"]').first().click();
  await page.waitForSelector('[data-testid="ask-dialog"][open]');
  await settle(page);
  await page.screenshot({ path: join(outDir, `ask-dialog-cancel-focused-${Date.now()}.png`) });
  await page.click('[data-testid="ask-ok"]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="browse-row"]').length === n - 1, before);
  // The text question: a new folder, typed and confirmed with Enter.
  await page.click('[data-testid="browse-mkdir"]');
  await page.waitForSelector('[data-testid="ask-dialog"][open]');
  await page.keyboard.type('archief-2026');
  await page.screenshot({ path: join(outDir, `ask-dialog-text-${Date.now()}.png`) });
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="browse-row"][data-name="archief-2026"]');
  await page.click('[data-testid="browse-mkdir"]');
  await page.waitForSelector('[data-testid="ask-dialog"][open]');
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
  { name: 'keys-generated', lang: 'en', fullPage: true, run: keys },
  { name: 'deliver-connect', lang: 'nl', fullPage: false, run: connectPanel },
  { name: 'host-key-dialog', lang: 'en', fullPage: false, run: hostKey },
  { name: 'deliver-receipt', lang: 'fr', fullPage: true, run: delivered },
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
