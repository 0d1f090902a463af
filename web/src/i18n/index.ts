// The i18n catalogue: every user-facing string goes through `t`.
import { signal } from '@preact/signals';
import { CATALOGUES } from './catalogue/index.ts';
import { formatMessage, type MessageParams } from './message-format.ts';
import { LANGUAGES, type Language } from './types.ts';

type Catalogues = typeof CATALOGUES;
type KeysOf<C> = C extends { en: infer E } ? keyof E : never;
export type MessageKey = { [F in keyof Catalogues]: KeysOf<Catalogues[F]> }[keyof Catalogues] & string;

export { LANGUAGES, type Language };

function merge(lang: Language): Record<string, string> {
  const out: Record<string, string> = {};
  for (const feature of Object.values(CATALOGUES)) Object.assign(out, feature[lang]);
  return out;
}

const MESSAGES: Record<Language, Record<string, string>> = { en: merge('en'), nl: merge('nl'), fr: merge('fr') };

const STORAGE_KEY = 'courier.lang';

/** Language from the user's earlier choice, else the browser's preference, else English. */
export function detectLanguage(preferred: readonly string[], stored: string | null): Language {
  if (stored && (LANGUAGES as readonly string[]).includes(stored)) return stored as Language;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (base && (LANGUAGES as readonly string[]).includes(base)) return base as Language;
  }
  return 'en';
}

function storedLanguage(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

export const language = signal<Language>(
  detectLanguage(typeof navigator === 'undefined' ? [] : navigator.languages ?? [navigator.language], storedLanguage()),
);

export function setLanguage(lang: Language): void {
  language.value = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // private mode: the choice lasts for this visit only
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

/** Belgian conventions for nl and fr; British (day first, 24 h) for English. */
export function localeOf(lang: Language): string {
  return lang === 'en' ? 'en-GB' : `${lang}-BE`;
}

function localeTag(): string {
  return localeOf(language.value);
}

/** A catalogue text in `lang`, its plurals chosen and numbers written by that language's rules. */
export function translate(lang: Language, key: MessageKey, params?: MessageParams): string {
  const template = MESSAGES[lang][key] ?? MESSAGES.en[key] ?? key;
  return formatMessage(template, localeOf(lang), params);
}

/** Translate in the current language; reading `language.value` makes components re-render on a switch. */
export function t(key: MessageKey, params?: MessageParams): string {
  return translate(language.value, key, params);
}

export function formatDateTime(date: Date): string {
  return date.toLocaleString(localeTag());
}

export function formatDate(date: Date): string {
  return date.toLocaleDateString(localeTag());
}

/** Time left or taken: `42 s`, `3 min 5 s`, `1 h 4 min` (the same units in nl, fr and en); a dash when it cannot be known yet. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.ceil(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

/** One formatter per locale and digits: making an Intl.NumberFormat per call was most of the hash tool's page time with 512 rows. */
const numberFormats = new Map<string, Intl.NumberFormat>();

export function formatNumber(n: number, digits = 1): string {
  const locale = localeTag();
  const key = `${locale}:${digits}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits });
    numberFormats.set(key, format);
  }
  return format.format(n);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${formatNumber(value, unit === 0 ? 0 : 1)} ${units[unit]}`;
}
