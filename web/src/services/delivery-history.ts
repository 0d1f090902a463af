// The Deliveries history: every run and its receipt, kept in IndexedDB as the run goes on (not
// at its end), so a log-out, a reload, a crash or a closed tab never loses one. Written by the
// session worker, read by the Deliveries screen and the Deliver screen (an interrupted run is
// offered to be continued); every change is announced on a BroadcastChannel.
import { openDB, type IDBPDatabase } from 'idb';
import type { DeliveryReceipt } from '../../../core/delivery/receipt.ts';
import type { QueueItemView } from '../workers/session-protocol.ts';

/** What tells a local file apart when the user picks it again: name, size and last-modified time. */
export interface FileIdentity {
  name: string;
  size: number;
  lastModified: number;
  /** Where it was picked from, for display (relative to what the user picked). */
  path: string;
}

export interface DeliveryRecord {
  id: string;
  server: { profileId: string; label: string; targetId: string };
  user: string;
  /** The server folder the files went into. */
  folder: string;
  startedAt: string;
  updatedAt: string;
  /** `running` until the run ends; a running record that no page holds any more was interrupted. */
  state: 'running' | 'ended';
  files: FileIdentity[];
  /** Each file's latest state, in the order of `files`. */
  items: QueueItemView[];
  /** The receipt as it stands (a snapshot while running, final once ended). */
  receipt: DeliveryReceipt | null;
}

const DB_NAME = 'courier-deliveries';
const CHANNEL = 'courier-deliveries';
let db: Promise<IDBPDatabase> | null = null;

function database(): Promise<IDBPDatabase> {
  db ??= openDB(DB_NAME, 1, {
    upgrade(d) {
      const store = d.createObjectStore('runs', { keyPath: 'id' });
      store.createIndex('startedAt', 'startedAt');
    },
  });
  return db;
}

let channel: BroadcastChannel | null = null;
function announce(id: string): void {
  channel ??= new BroadcastChannel(CHANNEL);
  channel.postMessage({ id });
}

export async function saveRecord(record: DeliveryRecord): Promise<void> {
  await (await database()).put('runs', record);
  announce(record.id);
}

export async function getRecord(id: string): Promise<DeliveryRecord | undefined> {
  return (await (await database()).get('runs', id)) as DeliveryRecord | undefined;
}

/** Every record, newest first. */
export async function listRecords(): Promise<DeliveryRecord[]> {
  const all = (await (await database()).getAllFromIndex('runs', 'startedAt')) as DeliveryRecord[];
  return all.reverse();
}

export async function deleteRecord(id: string): Promise<void> {
  await (await database()).delete('runs', id);
  announce(id);
}

/** Calls `listener` whenever any page or worker of this origin changed a record; returns the unsubscribe. */
export function onRecordsChanged(listener: () => void): () => void {
  const c = new BroadcastChannel(CHANNEL);
  c.onmessage = () => listener();
  return () => c.close();
}
