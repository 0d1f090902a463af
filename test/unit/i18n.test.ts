// The three catalogues (nl, fr, en) carry the same keys, no empty text, and the same {placeholders}.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOGUES } from '../../web/src/i18n/catalogue/index.ts';
import { detectLanguage } from '../../web/src/i18n/index.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('every catalogue has the same keys in nl, fr and en, all non-empty, same placeholders', () => {
  const seen = new Set<string>();
  for (const [feature, catalogue] of Object.entries(CATALOGUES)) {
    const en = catalogue.en as Record<string, string>;
    for (const lang of ['nl', 'fr'] as const) {
      const other = catalogue[lang] as Record<string, string>;
      assert.deepEqual(Object.keys(other).sort(), Object.keys(en).sort(), `${feature}.${lang} keys`);
      for (const key of Object.keys(en)) {
        assert.ok(other[key]?.trim(), `${feature}.${lang}: ${key} is empty`);
        assert.deepEqual(placeholders(other[key]!), placeholders(en[key]!), `${feature}.${lang}: ${key} placeholders`);
      }
    }
    for (const key of Object.keys(en)) {
      assert.ok(en[key]?.trim(), `${feature}.en: ${key} is empty`);
      assert.ok(!seen.has(key), `key ${key} is defined by two features`);
      seen.add(key);
    }
  }
});

test('language: stored choice, else the browser preference, else English', () => {
  assert.equal(detectLanguage(['fr-BE', 'nl'], null), 'fr');
  assert.equal(detectLanguage(['de-DE', 'nl-NL'], null), 'nl');
  assert.equal(detectLanguage(['de-DE'], null), 'en');
  assert.equal(detectLanguage(['fr-BE'], 'nl'), 'nl');
  assert.equal(detectLanguage(['fr-BE'], 'xx'), 'fr');
});
