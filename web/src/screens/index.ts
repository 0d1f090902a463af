// The app's screens in navigation order. Add one entry per screen.
import type { ComponentType } from 'preact';
import type { MessageKey } from '../i18n/index.ts';
import { DeliverScreen } from './deliver-screen.tsx';
import { DeliveriesScreen } from './deliveries-screen.tsx';
import { HashScreen } from './hash-screen.tsx';
import { KeysScreen } from './keys-screen.tsx';
import { VerifyScreen } from './verify-screen.tsx';

export interface ScreenEntry {
  id: string;
  navKey: MessageKey;
  component: ComponentType;
}

export const SCREENS: ScreenEntry[] = [
  { id: 'hash', navKey: 'nav.hash', component: HashScreen },
  { id: 'verify', navKey: 'nav.verify', component: VerifyScreen },
  { id: 'keys', navKey: 'nav.keys', component: KeysScreen },
  { id: 'deliver', navKey: 'nav.deliver', component: DeliverScreen },
  { id: 'deliveries', navKey: 'nav.deliveries', component: DeliveriesScreen },
];
