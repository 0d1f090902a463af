// A server profile's name as shown: built-in profiles whose label is plain words (not a proper
// name) get it from the catalogue, so the demo server is not named in English in a Dutch UI.
import type { ServerProfile } from '../../../core/delivery/profile.ts';
import { t, type MessageKey } from './index.ts';

const TRANSLATED: Record<string, MessageKey> = { demo: 'profile.label.demo' };

export function profileLabel(profile: Pick<ServerProfile, 'id' | 'label' | 'builtIn'>): string {
  const key = profile.builtIn ? TRANSLATED[profile.id] : undefined;
  return key ? t(key) : profile.label;
}
