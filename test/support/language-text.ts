// Finds sentences in the wrong language on a page that is meant to be in Dutch or French:
// English, or the other of the two (a text worded before a language switch and never again).
// Every visible text node counts, plus what assistive technology reads (aria-label, title,
// placeholder, alt, the document title) and what is only for screen readers (visually hidden
// text). A piece of text is in a language when it holds two or more distinct function words of
// that language that are not words of the others ("the", "must", "nothing" …; "het", "niet" …;
// "vous", "pas" …). Technical details (`.technical`, labelled as such in the UI) and the help-desk
// session log are exempt by design; so are the quoted messages of other programs listed below.
import type { Page } from 'playwright-core';

export type PageLanguage = 'nl' | 'fr' | 'en';

/** English words that are not also Dutch or French words (so "in", "is", "was", "of", "or", "but", "file" are out). */
const ENGLISH_MARKERS = [
  'the', 'and', 'to', 'not', 'must', 'be', 'has', 'have', 'this', 'that', 'these', 'those', 'with', 'from', 'says',
  'said', 'nothing', 'could', 'cannot', 'can’t', 'don’t', 'does', 'did', 'should', 'would', 'which', 'there', 'their', 'when',
  'what', 'will', 'your', 'you', 'been', 'being', 'than', 'into', 'before', 'after', 'again', 'please', 'failed', 'refused',
  'denied', 'expected', 'invalid', 'missing', 'unknown', 'connection', 'closed', 'key', 'text', 'non-empty', 'such',
  'server’s', 'file’s', 'were', 'it’s', 'only', 'too', 'here', 'any', 'every', 'our',
  'while', 'yet', 'why', 'how', 'who', 'also', 'because', 'then',
];
/** Dutch words that are not English or French words ("de", "en", "in", "te", "op" are out). */
const DUTCH_MARKERS = [
  'het', 'een', 'niet', 'werd', 'worden', 'wordt', 'van', 'voor', 'naar', 'uw', 'geen', 'deze', 'dit', 'bij', 'zijn',
  'ook', 'nog', 'hier', 'maar', 'als', 'moet', 'kunt', 'heeft', 'hebben', 'bestand', 'bestanden', 'sleutel', 'verbinding',
  'opnieuw', 'klaar', 'u', 'wij', 'kon', 'staat', 'dat', 'wachtwoord', 'gebruikersnaam',
];
/** French words that are not English or Dutch words ("de", "en", "a", "or", "but" are out). */
const FRENCH_MARKERS = [
  'le', 'les', 'des', 'une', 'est', 'pas', 'vous', 'votre', 'vos', 'sur', 'avec', 'dans', 'pour', 'été', 'n’a', 'n’est',
  'aucun', 'aucune', 'être', 'cette', 'ce', 'ces', 'sont', 'fichier', 'fichiers', 'clé', 'serveur', 'connexion', 'puis', 'à',
  'au', 'aux', 'du', 'qui', 'que', 'mot', 'passe', 'l’opérateur', 'n’y',
];
const MARKERS = new Set(ENGLISH_MARKERS);
const BY_LANGUAGE: Record<PageLanguage, Set<string>> = { en: MARKERS, nl: new Set(DUTCH_MARKERS), fr: new Set(FRENCH_MARKERS) };

/** Names and quoted messages of other programs, which are the same in every language. */
const ALLOWED_PHRASES = ['key format too new', 'Microsoft File Checksum Integrity Verifier', 'SFTP Courier', 'keyboard-interactive'];

export interface EnglishFinding {
  text: string;
  where: string;
  markers: string[];
  /** The language the text seems to be in. */
  language?: PageLanguage;
}

function wordsIn(text: string): string[] {
  let rest = text;
  for (const p of ALLOWED_PHRASES) rest = rest.split(p).join(' ');
  // File names (key.ppk, publicKey_Z12345.asc) are names, not words.
  rest = rest.replace(/[\p{L}\d_.-]+\.[A-Za-z0-9]{1,8}\b/gu, ' ');
  return rest.toLowerCase().replace(/'/g, '’').match(/[\p{L}’-]+/gu) ?? [];
}

/** The markers of `lang` in one piece of text (distinct, lower case). */
export function markersOf(lang: PageLanguage, text: string): string[] {
  const set = BY_LANGUAGE[lang];
  return [...new Set(wordsIn(text).filter((w) => set.has(w)))];
}

/** The English markers in one piece of text (distinct, lower case). */
export function englishMarkers(text: string): string[] {
  return markersOf('en', text);
}

export function looksEnglish(text: string): boolean {
  return englishMarkers(text).length >= 2;
}

interface Piece {
  text: string;
  where: string;
}

/**
 * Runs in the page (plain JavaScript: functions compiled by tsx would carry its `__name` helper).
 * Visually hidden text is read by screen readers, so it counts; only what nobody meets is skipped:
 * closed <details> (but their summary), closed dialogs, hidden or display:none subtrees.
 */
const COLLECT_TEXT = `(() => {
  const out = [];
  const exempt = (el) => !!el.closest('.technical, pre.log, script, style, noscript, template');
  const hidden = (el) => {
    const closed = el.closest('details:not([open])');
    if (closed && !el.closest('summary')) return true;
    const dialog = el.closest('dialog');
    if (dialog && !dialog.open) return true;
    for (let e = el; e; e = e.parentElement) {
      if (e.hasAttribute('hidden') || e.getAttribute('aria-hidden') === 'true') return true;
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden') return true;
    }
    return false;
  };
  const describe = (el) => {
    const id = el.closest('[data-testid]')?.getAttribute('data-testid');
    return el.tagName.toLowerCase() + (id ? ' in [data-testid=' + id + ']' : '');
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    const text = (n.textContent || '').trim();
    if (!el || !text || exempt(el) || hidden(el)) continue;
    out.push({ text, where: describe(el) });
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt], [aria-description]')) {
    if (exempt(el) || hidden(el)) continue;
    for (const a of ['aria-label', 'title', 'placeholder', 'alt', 'aria-description']) {
      const v = (el.getAttribute(a) || '').trim();
      if (v) out.push({ text: v, where: describe(el) + ' @' + a });
    }
  }
  out.push({ text: document.title, where: 'document.title' });
  return out;
})()`;

/** Every piece of text a user or a screen reader meets on the page now, with a hint where it is. */
export async function textPieces(page: Page): Promise<Piece[]> {
  return page.evaluate(COLLECT_TEXT) as Promise<Piece[]>;
}

/** English sentences on the page (none expected when the app is in Dutch or French). */
export async function englishOnPage(page: Page): Promise<EnglishFinding[]> {
  return (await textPieces(page)).flatMap((p) => {
    const markers = englishMarkers(p.text);
    return markers.length >= 2 ? [{ text: p.text, where: p.where, markers }] : [];
  });
}

/** Sentences in another language than `lang` (English always counts as one when lang is nl or fr). */
export async function foreignOnPage(page: Page, lang: PageLanguage): Promise<EnglishFinding[]> {
  const others = (['en', 'nl', 'fr'] as const).filter((l) => l !== lang);
  return (await textPieces(page)).flatMap((p) => {
    for (const other of others) {
      const markers = markersOf(other, p.text);
      // A sentence of the page's own language may borrow one foreign function word; two and more
      // of the other language's, and fewer of its own, is a sentence in the other language.
      if (markers.length >= 2 && markersOf(lang, p.text).length < markers.length) return [{ text: p.text, where: p.where, markers, language: other }];
    }
    return [];
  });
}

export function formatEnglish(findings: EnglishFinding[]): string {
  return findings.map((f) => `${f.language ?? 'en'}: “${f.text}” (${f.where}; ${f.markers.join(', ')})`).join('\n');
}
