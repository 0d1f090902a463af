// A server profile's name and notes as shown. Built-in profiles whose label is plain words (not a
// proper name) get it from the catalogue, so the demo server is not named in English in a Dutch
// UI; built-in notes come from the catalogue too (glossary, no protocol names). A profile's
// ciphers are a technical detail, shown apart.
import type { ServerProfile } from '../../../core/delivery/profile.ts';
import { language, t, type MessageKey } from './index.ts';
import { CATALOGUES } from './catalogue/index.ts';

const TRANSLATED: Record<string, MessageKey> = { demo: 'profile.label.demo' };
const NOTES = new Set(Object.keys(CATALOGUES.profiles.en));

export function profileLabel(profile: Pick<ServerProfile, 'id' | 'label' | 'builtIn'>): string {
  const key = profile.builtIn ? TRANSLATED[profile.id] : undefined;
  return key ? t(key) : profile.label;
}

export function profileNotes(profile: Pick<ServerProfile, 'id' | 'notes' | 'builtIn'>): string | undefined {
  const key = `profile.notes.${profile.id}`;
  if (profile.builtIn && NOTES.has(key)) return t(key as MessageKey);
  return profile.notes?.[language.value];
}

/** The profile's technical facts (restricted ciphers), for a "technical details" line. */
export function profileTechnical(profile: Pick<ServerProfile, 'ciphers'>): string | undefined {
  return profile.ciphers?.length ? t('profile.tech.ciphers', { list: profile.ciphers.join(', ') }) : undefined;
}
