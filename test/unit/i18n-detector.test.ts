// The wrong-language detector of the e2e tests (test/support/language-text.ts), checked against
// the catalogues themselves: no nl or fr text of ours looks English or like the other language,
// while English texts and core's English sentences are caught.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOGUES } from '../../web/src/i18n/catalogue/index.ts';
import { wordsOf } from '../../web/src/i18n/glossary.ts';
import { markersOf } from '../support/language-text.ts';

const all = (lang: 'en' | 'nl' | 'fr') => Object.values(CATALOGUES).flatMap((c) => Object.entries(c[lang] as Record<string, string>));
const foreign = (lang: 'nl' | 'fr', text: string) =>
  (['en', 'nl', 'fr'] as const).filter((o) => o !== lang).some((o) => markersOf(o, text).length >= 2 && markersOf(lang, text).length < markersOf(o, text).length);

test('no Dutch or French catalogue text is taken for another language', () => {
  const flagged: string[] = [];
  for (const lang of ['nl', 'fr'] as const) for (const [key, text] of all(lang)) if (foreign(lang, wordsOf(text))) flagged.push(`${lang} ${key}: ${text}`);
  assert.deepEqual(flagged, []);
});

test('English sentences are caught: most English catalogue texts, and core’s own messages', () => {
  const sentences = all('en').map(([, text]) => wordsOf(text)).filter((s) => s.split(/\s+/).length >= 8);
  const caught = sentences.filter((s) => markersOf('en', s).length >= 2);
  assert.ok(caught.length / sentences.length > 0.9, `${caught.length} of ${sentences.length}`);
  for (const s of [
    "controle_modifie.txt.hash says 5607… but the file's SHA-1 is 1211…: nothing was sent.",
    'profiles[0].targetId: must be a non-empty text; profiles[0].authMethods: a non-empty list of publickey, password',
    'The server refused: permission denied. (/incoming/x.csv)',
    'this is a public key; choose the private key file (.ppk, id_rsa, ...)',
  ]) {
    assert.ok(foreign('nl', s) && foreign('fr', s), s);
  }
});
