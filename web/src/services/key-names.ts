// What a new key and its files are called: by the user's account name (the "id", e.g. Z12345)
// and the date, and for the public key by the server profile's attachment-name template.
import { fillTemplate, type ServerProfile } from '../../../core/delivery/profile.ts';
import { keyFileName, safeIdent, type KeyFileRole } from '../../../core/keys/index.ts';
import { matchesUsernamePattern } from '../../../core/delivery/username-pattern.ts';

/** Any text made safe as one file name on every platform (no path parts, no reserved characters). */
function safeFileName(name: string, fallback: string): string {
  const clean = [...name].map((c) => (c < ' ' || '\\/:*?"<>|'.includes(c) ? '_' : c)).join('').replace(/^[.\s]+|[.\s]+$/g, '').slice(0, 120);
  return clean || fallback;
}

/** The name a file of a new key is saved under; the .asc follows the profile's template when it has one. */
export function resultFileName(role: KeyFileRole, type: string, ident: string, profile?: ServerProfile): string {
  const fallback = keyFileName(role, type, ident);
  const template = profile?.mail?.attachmentName;
  if (role !== 'rfc4716' || !template || !safeIdent(ident)) return fallback;
  return safeFileName(fillTemplate(template, safeIdent(ident)), fallback);
}

/** ISO date (YYYY-MM-DD) in local time: the same in every language, sorts well. */
export function isoDate(date = new Date()): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** Default name of a kept key: the account name and the date (`Z12345 2026-12-01`), else the comment. */
export function keptKeyName(ident: string, comment: string, date = new Date()): string {
  const id = ident.trim();
  return id ? `${id} ${isoDate(date)}` : comment.trim();
}

export type IdentCheck = 'ok' | 'invalid';

/**
 * Does the account name fit the profile's pattern? Run by the bounded matcher of
 * core/delivery/username-pattern.ts, never as a RegExp: a pattern from an imported profile file
 * could otherwise freeze the page.
 */
export function checkIdent(profile: ServerProfile | undefined, ident: string): IdentCheck {
  if (ident.trim() === '') return 'ok';
  return matchesUsernamePattern(profile?.username?.pattern, ident.trim()) ? 'ok' : 'invalid';
}
