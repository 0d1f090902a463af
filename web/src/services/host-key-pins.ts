// "Always trust" answers, kept in IndexedDB per gateway target: the next connection to that
// target checks the server's key against them, and a different key is a hard stop.
import { openDB, type IDBPDatabase } from 'idb';
import type { HostKeyPinStore } from '../../../core/ssh/host-key-policy.ts';

interface PinRecord {
  target: string;
  fingerprint: string;
  keyAlgorithm: string;
  pinnedAt: string;
}

const DB_NAME = 'courier-host-keys';
let db: Promise<IDBPDatabase> | null = null;

function database(): Promise<IDBPDatabase> {
  db ??= openDB(DB_NAME, 1, {
    upgrade(d) {
      const store = d.createObjectStore('pins', { keyPath: ['target', 'fingerprint'] });
      store.createIndex('target', 'target');
    },
  });
  return db;
}

export const indexedDbPinStore: HostKeyPinStore & { list(): Promise<PinRecord[]>; remove(target: string, fingerprint: string): Promise<void> } = {
  async get(target) {
    const records = (await (await database()).getAllFromIndex('pins', 'target', target)) as PinRecord[];
    return records.map((r) => r.fingerprint);
  },
  async add(target, fingerprint, keyAlgorithm) {
    const record: PinRecord = { target, fingerprint, keyAlgorithm, pinnedAt: new Date().toISOString() };
    await (await database()).put('pins', record);
  },
  async list() {
    return (await (await database()).getAll('pins')) as PinRecord[];
  },
  async remove(target, fingerprint) {
    await (await database()).delete('pins', [target, fingerprint]);
  },
};
