// The three catalogues (nl, fr, en) carry the same keys, no empty text, the same parameters, and
// every plural has a branch for each plural form the language has; counts come out in words of
// that language ("1 fichier", never "1 fichiers" or "fichier(s)").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOGUES } from '../../web/src/i18n/catalogue/index.ts';
import { detectLanguage, formatDuration, localeOf, setLanguage, translate, type MessageKey } from '../../web/src/i18n/index.ts';
import { formatMessage, messageArguments, PLURAL_CATEGORIES } from '../../web/src/i18n/message-format.ts';
import { rateParts, speedText, timeLeftText } from '../../web/src/i18n/progress-text.ts';
import { LANGUAGES, type Language } from '../../web/src/i18n/types.ts';

/** The plural forms whole numbers take in a language (fr: one, other — "many" only from a million on). */
function formsOf(lang: Language): Set<string> {
  const rules = new Intl.PluralRules(localeOf(lang));
  const forms = new Set<string>(['other']);
  for (let n = 0; n <= 10_000; n++) forms.add(rules.select(n));
  return forms;
}

const sorted = (s: Iterable<string>) => [...s].sort();

test('every catalogue has the same keys in nl, fr and en, all non-empty, same parameters', () => {
  const seen = new Set<string>();
  for (const [feature, catalogue] of Object.entries(CATALOGUES)) {
    const en = catalogue.en as Record<string, string>;
    for (const lang of ['nl', 'fr'] as const) {
      const other = catalogue[lang] as Record<string, string>;
      assert.deepEqual(Object.keys(other).sort(), Object.keys(en).sort(), `${feature}.${lang} keys`);
      for (const key of Object.keys(en)) {
        assert.ok(other[key]?.trim(), `${feature}.${lang}: ${key} is empty`);
        assert.deepEqual(sorted(messageArguments(other[key]!).names), sorted(messageArguments(en[key]!).names), `${feature}.${lang}: ${key} parameters`);
      }
    }
    for (const key of Object.keys(en)) {
      assert.ok(en[key]?.trim(), `${feature}.en: ${key} is empty`);
      assert.ok(!seen.has(key), `key ${key} is defined by two features`);
      seen.add(key);
    }
  }
});

test('every plural has a branch for each form of its language, and only known forms', () => {
  for (const lang of LANGUAGES) {
    const forms = formsOf(lang);
    for (const [feature, catalogue] of Object.entries(CATALOGUES)) {
      for (const [key, text] of Object.entries(catalogue[lang] as Record<string, string>)) {
        for (const plural of messageArguments(text).plurals) {
          for (const form of forms) assert.ok(plural.branches.includes(form), `${feature}.${lang}: ${key} {${plural.name}} lacks "${form}"`);
          for (const b of plural.branches) assert.ok(b.startsWith('=') || (PLURAL_CATEGORIES as readonly string[]).includes(b), `${feature}.${lang}: ${key} has an unknown plural form "${b}"`);
        }
      }
    }
  }
});

test('no plural by brackets: "bestand(en)", "fichier(s)", "importé(s)" are written out as plurals', () => {
  const bracketPlural = /\p{L}\((?:s|en|e|es|x|n)\)/u;
  for (const [feature, catalogue] of Object.entries(CATALOGUES)) {
    for (const lang of LANGUAGES) {
      for (const [key, text] of Object.entries(catalogue[lang] as Record<string, string>)) {
        assert.ok(!bracketPlural.test(text), `${feature}.${lang}: ${key}: ${text}`);
      }
    }
  }
});

test('counts agree with their noun in each language', () => {
  const cases: [MessageKey, Record<string, number | string>, Record<Language, string>][] = [
    ['send.selected', { n: 1, bytes: '10 B' }, { nl: '1 bestand gekozen, 10 B', fr: '1 fichier choisi, 10 B', en: '1 file selected, 10 B' }],
    ['send.selected', { n: 3, bytes: '10 B' }, { nl: '3 bestanden gekozen, 10 B', fr: '3 fichiers choisis, 10 B', en: '3 files selected, 10 B' }],
    ['hash.skippedSidecars', { n: 1 }, { nl: '1 bestaand .hash-bestand werd zelf niet gehasht.', fr: '1 fichier .hash existant n’a pas été haché lui-même.', en: '1 existing .hash file was not hashed itself.' }],
    ['queue.outcome', { delivered: 1, failed: 0, skipped: 2, cancelled: 1 }, { nl: 'Klaar: 1 afgeleverd, 2 overgeslagen, 0 mislukt, 1 geannuleerd.', fr: 'Terminé : 1 livré, 2 ignorés, 0 en échec, 1 annulé.', en: 'Finished: 1 delivered, 2 skipped, 0 failed, 1 cancelled.' }],
  ];
  for (const [key, params, want] of cases) {
    for (const lang of LANGUAGES) assert.equal(translate(lang, key, params), want[lang], `${lang} ${key} ${JSON.stringify(params)}`);
  }
});

test('message format: plural with =N, #, nested parameters, select, numbers by locale', () => {
  const m = '{n, plural, =0 {no file} one {# file of {who}} other {# files of {who}}}';
  assert.equal(formatMessage(m, 'en-GB', { n: 0, who: 'X' }), 'no file');
  assert.equal(formatMessage(m, 'en-GB', { n: 1, who: 'X' }), '1 file of X');
  assert.equal(formatMessage(m, 'en-GB', { n: 12345, who: 'X' }), '12,345 files of X');
  assert.equal(formatMessage('{n} bits', 'nl-BE', { n: 4096 }), '4096 bits');
  assert.equal(formatMessage('{n} bestanden', 'nl-BE', { n: 40960 }), '40.960 bestanden');
  assert.equal(formatMessage('{n, plural, one {# fichier} other {# fichiers}}', 'fr-BE', { n: 0 }), '0 fichier');
  assert.equal(formatMessage('{k, select, zp { (Z- of P-nummer)} other {}}', 'nl-BE', { k: 'zp' }), ' (Z- of P-nummer)');
  assert.equal(formatMessage('{k, select, zp {x} other {y}}', 'nl-BE', { k: 'none' }), 'y');
  assert.equal(formatMessage('{missing} stays', 'en-GB', {}), '{missing} stays');
  assert.throws(() => formatMessage('{n, plural, one {x}}', 'en-GB', { n: 1 }), /no "other" branch/);
  assert.throws(() => formatMessage('{n, plural, one {x} other {y}', 'en-GB', { n: 1 }), /not closed/);
});

test('durations: seconds, minutes, hours', () => {
  assert.equal(formatDuration(41.2), '42 s');
  assert.equal(formatDuration(185), '3 min 5 s');
  assert.equal(formatDuration(3900), '1 h 5 min');
  assert.equal(formatDuration(Infinity), '—');
});

test('no speed under a second, no time left before three seconds of data', () => {
  setLanguage('nl');
  // A tiny file done in 40 ms: no "Klaar · 5,7 kB/s".
  assert.equal(speedText({ since: 0, now: 40, done: 230, total: 230 }), undefined);
  assert.deepEqual(rateParts({ since: 0, now: 40, done: 230, total: 230 }), []);
  // A slow start (a 7-second upload 0,5 s in): no "nog 56 min 8 s" yet.
  assert.equal(timeLeftText({ since: 0, now: 500, done: 1_000, total: 7_000_000 }), 'resterende tijd wordt geschat…');
  assert.equal(timeLeftText({ since: 0, now: 3_000, done: 3_000_000, total: 7_000_000 }), 'nog 4 s');
  assert.deepEqual(rateParts({ since: 0, now: 2_000, done: 2_000_000, total: 7_000_000 }), ['1,0 MB/s', 'resterende tijd wordt geschat…']);
  setLanguage('en');
});

test('language: stored choice, else the browser preference, else English', () => {
  assert.equal(detectLanguage(['fr-BE', 'nl'], null), 'fr');
  assert.equal(detectLanguage(['de-DE', 'nl-NL'], null), 'nl');
  assert.equal(detectLanguage(['de-DE'], null), 'en');
  assert.equal(detectLanguage(['fr-BE'], 'nl'), 'nl');
  assert.equal(detectLanguage(['fr-BE'], 'xx'), 'fr');
});
