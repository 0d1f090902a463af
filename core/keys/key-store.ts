// Keys kept for connecting later, in IndexedDB, as NON-extractable WebCrypto keys: they can sign
// SSH auth requests but no script (ours included) can read the private key out again. The
// files saved when the key was made are the user's only backup; nothing here can re-export it.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { CryptoSshUserKey, importSigningKeys, type SigningKeys } from './crypto-key.ts';
import type { PrivateKeyFile, SshKeyType } from './key-material.ts';
import { summarize } from './read-key.ts';
import type { SshUserKey } from './ssh-user-key.ts';

export interface StoredKeyInfo {
  id: string;
  /** User-chosen label; starts as the key comment. */
  name: string;
  type: SshKeyType;
  bits: number;
  publicBlob: Uint8Array;
  sha256: string;
  md5: string;
  /** ISO 8601. */
  created: string;
}

interface StoredKeyRecord extends StoredKeyInfo {
  /** Signature algorithm -> non-extractable CryptoKey (structured-cloned by IndexedDB). */
  signingKeys: SigningKeys;
}

interface KeyDb extends DBSchema {
  keys: { key: string; value: StoredKeyRecord; indexes: { sha256: string } };
}

const DB_NAME = 'courier-keys';

function infoOf(r: StoredKeyRecord): StoredKeyInfo {
  const { signingKeys: _omit, ...info } = r;
  return info;
}

export class KeyStore {
  private constructor(private readonly db: IDBPDatabase<KeyDb>) {}

  /** Opens (creating if needed) the store in the global IndexedDB (fake-indexeddb in Node tests). */
  static async open(options: { name?: string } = {}): Promise<KeyStore> {
    const db = await openDB<KeyDb>(options.name ?? DB_NAME, 1, {
      upgrade(database) {
        const store = database.createObjectStore('keys', { keyPath: 'id' });
        store.createIndex('sha256', 'sha256', { unique: true });
      },
    });
    return new KeyStore(db);
  }

  /**
   * Imports a private key as non-extractable signing keys and keeps it. The same key (same
   * SHA256 fingerprint) is kept once: adding it again returns the stored entry.
   */
  async add(file: PrivateKeyFile, name?: string): Promise<StoredKeyInfo> {
    const s = summarize(file);
    const existing = await this.db.getFromIndex('keys', 'sha256', s.sha256);
    if (existing) return infoOf(existing);
    const signingKeys = await importSigningKeys(file.key);
    const record: StoredKeyRecord = {
      id: globalThis.crypto.randomUUID(),
      name: (name ?? file.comment).trim() || s.sha256,
      type: s.type,
      bits: s.bits,
      publicBlob: s.publicBlob,
      sha256: s.sha256,
      md5: s.md5,
      created: new Date().toISOString(),
      signingKeys,
    };
    await this.db.add('keys', record);
    return infoOf(record);
  }

  async list(): Promise<StoredKeyInfo[]> {
    const all = await this.db.getAll('keys');
    return all.map(infoOf).sort((a, b) => a.created.localeCompare(b.created));
  }

  async get(id: string): Promise<StoredKeyInfo | undefined> {
    const r = await this.db.get('keys', id);
    return r && infoOf(r);
  }

  async rename(id: string, name: string): Promise<void> {
    const tx = this.db.transaction('keys', 'readwrite');
    const r = await tx.store.get(id);
    if (!r) throw new Error('no such key');
    r.name = name.trim() || r.name;
    await tx.store.put(r);
    await tx.done;
  }

  async delete(id: string): Promise<void> {
    await this.db.delete('keys', id);
  }

  /** The key ready for SSH publickey authentication. */
  async userKey(id: string): Promise<SshUserKey> {
    const r = await this.db.get('keys', id);
    if (!r) throw new Error('no such key');
    return new CryptoSshUserKey(r.publicBlob, r.signingKeys);
  }

  close(): void {
    this.db.close();
  }
}
