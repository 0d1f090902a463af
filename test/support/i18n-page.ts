// Shared steps of the i18n, a11y and keyboard e2e tests: switch the app's language the way the
// user does (the header's select), and check a page state for words in the wrong language.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { foreignOnPage, formatEnglish, type PageLanguage } from './language-text.ts';

/** The header's language select; works while a modal dialog is open (the change event is dispatched). */
export async function switchLanguage(page: Page, lang: PageLanguage): Promise<void> {
  await page.$eval('[data-testid="language"]', (el, l) => {
    const select = el as HTMLSelectElement;
    select.value = l;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  }, lang);
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
  // Effects of the re-render (the document title, focus) run after the next frames.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

/** Fails with the offending texts when the page holds a sentence in another language than `lang`. */
export async function assertAllIn(page: Page, lang: PageLanguage, what: string): Promise<void> {
  const found = await foreignOnPage(page, lang);
  assert.equal(found.length, 0, `${what} (${lang}):\n${formatEnglish(found)}`);
}

/** The same page state checked in Dutch and in French, switching as the user would. */
export async function assertDutchAndFrench(page: Page, what: string): Promise<void> {
  for (const lang of ['nl', 'fr'] as const) {
    await switchLanguage(page, lang);
    await assertAllIn(page, lang, what);
  }
}
