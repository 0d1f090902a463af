// One word per concept and language across every catalogue (web/src/i18n/glossary.ts), and
// typographic apostrophes: French mixed "phrase de passe" and "phrase secrète", "courriel" and
// "e-mail" before this test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOGUES } from '../../web/src/i18n/catalogue/index.ts';
import { GLOSSARY, wordsOf } from '../../web/src/i18n/glossary.ts';
import { LANGUAGES } from '../../web/src/i18n/types.ts';

function texts(lang: (typeof LANGUAGES)[number]): [string, string][] {
  return Object.values(CATALOGUES).flatMap((c) => Object.entries(c[lang] as Record<string, string>));
}

test('the glossary term is used everywhere, never a variant', () => {
  const found: string[] = [];
  for (const lang of LANGUAGES) {
    for (const [key, text] of texts(lang)) {
      const words = wordsOf(text);
      for (const entry of GLOSSARY) {
        const avoid = entry.avoid[lang];
        const m = avoid?.exec(words);
        if (m) found.push(`${lang} ${key}: “${m[0]}” — use “${entry.term[lang]}”`);
      }
    }
  }
  assert.deepEqual(found, []);
});

test('the glossary itself catches what it should', () => {
  const fr = GLOSSARY.flatMap((e) => (e.avoid.fr ? [e.avoid.fr] : []));
  for (const bad of ['votre phrase de passe', 'un courriel', 'par mail']) assert.ok(fr.some((r) => r.test(wordsOf(bad))), bad);
  for (const good of ['votre phrase secrète', 'un e-mail', 'le champ « email »', 'Empreinte : {fingerprint}']) assert.ok(!fr.some((r) => r.test(wordsOf(good))), good);
});

test('apostrophes are typographic (’), never the typewriter one', () => {
  for (const lang of LANGUAGES) for (const [key, text] of texts(lang)) assert.ok(!/\p{L}'\p{L}/u.test(text), `${lang} ${key}: ${text}`);
});
