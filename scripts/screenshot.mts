// Takes the README's screenshots from the real app (npm run screenshots; needs a build).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../test/support/chromium.ts';
import { startAppServer } from '../test/support/app-server.ts';

const app = await startAppServer();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 640 }, locale: 'nl-BE' });
  await page.goto(`${app.url}#/hash`);
  const dir = mkdtempSync(join(tmpdir(), 'courier-shot-'));
  const names = ['gegevens_2026Q3.dat', 'indicatoren ziekenhuis.csv', 'bijlage-é.xml'];
  names.forEach((n, i) => writeFileSync(join(dir, n), 'x'.repeat(1000 * (i + 1) * 997)));
  await page.setInputFiles('[data-testid="hash-files"]', names.map((n) => join(dir, n)));
  await page.waitForSelector('[data-testid="hash-overall"][data-finished="true"]');
  await page.waitForTimeout(600); // let the progress bars finish their transition
  await page.screenshot({ path: 'docs/screenshots/hash-tool.png', fullPage: true });
} finally {
  await browser.close();
  await app.close();
}
