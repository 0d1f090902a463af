export type Language = 'en' | 'nl' | 'fr';
export const LANGUAGES: readonly Language[] = ['nl', 'fr', 'en'];

/** A translation must carry exactly the keys of the English reference. */
export type Translations<T> = { [K in keyof T]: string };

export interface Catalogue<T> {
  en: T;
  nl: Translations<T>;
  fr: Translations<T>;
}
