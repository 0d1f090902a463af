// The keys kept in this browser, as a signal for the Keys screen.
import { signal } from '@preact/signals';
import { KeyStore, type StoredKeyInfo } from '../../../core/keys/index.ts';

export const storedKeys = signal<StoredKeyInfo[]>([]);
export const storeAvailable = signal(true);

let store: Promise<KeyStore> | undefined;

function keyStore(): Promise<KeyStore> {
  store ??= KeyStore.open();
  return store;
}

export async function refreshKeys(): Promise<void> {
  try {
    storedKeys.value = await (await keyStore()).list();
    storeAvailable.value = true;
  } catch {
    store = undefined;
    storeAvailable.value = false;
  }
}

export async function renameKey(id: string, name: string): Promise<void> {
  await (await keyStore()).rename(id, name);
  await refreshKeys();
}

export async function deleteKey(id: string): Promise<void> {
  await (await keyStore()).delete(id);
  await refreshKeys();
}
