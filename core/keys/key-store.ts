// Keys kept for connecting later, in IndexedDB, locked at rest: the private key is kept only
// wrapped with a key derived from the user's passphrase (key-wrap.ts) and unlocked, into
// non-extractable CryptoKeys, by whoever connects (the session worker), once per session.
// A key kept without a passphrase (only after the explicit warning) is kept as non-extractable
// CryptoKeys and marked so. Nothing here can give the private key back: the files saved when
// the key was made are the user's backup.
//
// Version 1 of this database (before keys were locked) kept every key as non-extractable
// CryptoKeys. Those cannot be wrapped — nothing, by design, can read them out again — so the
// upgrade keeps them and marks them unprotected ('legacy'); the Keys screen says so and asks the
// user to import the key file again with a passphrase, which replaces the entry in place.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { CryptoSshUserKey, importSigningKeys, type SigningKeys } from './crypto-key.ts';
import { KeyError, StoredKeyLockedError } from './errors.ts';
import type { PrivateKeyFile, SshKeyType } from './key-material.ts';
import { unwrapSigningKeys, wrapPrivateKey, type WrapKdf, type WrappedPrivateKey } from './key-wrap.ts';
import { summarize } from './read-key.ts';
import type { SshUserKey } from './ssh-user-key.ts';

/** 'passphrase': locked at rest; 'none': the user chose no passphrase; 'legacy': kept before keys were locked. */
export type KeyProtection = 'passphrase' | 'none' | 'legacy';

export interface StoredKeyInfo {
  id: string;
  /** User-chosen label. */
  name: string;
  type: SshKeyType;
  bits: number;
  publicBlob: Uint8Array;
  sha256: string;
  md5: string;
  /** ISO 8601. */
  created: string;
  protection: KeyProtection;
}

interface StoredKeyRecord extends StoredKeyInfo {
  /** Locked keys: the wrapped PKCS#8. */
  wrapped?: WrappedPrivateKey;
  /** Unprotected keys: signature algorithm -> non-extractable CryptoKey (structured-cloned by IndexedDB). */
  signingKeys?: SigningKeys;
}

interface KeyDb extends DBSchema {
  keys: { key: string; value: StoredKeyRecord; indexes: { sha256: string } };
}

const DB_NAME = 'courier-keys';
const DB_VERSION = 2;

export interface AddKeyOptions {
  /** Label in the list; default the key comment, made unique with " (2)", " (3)"… */
  name?: string;
  /** Locks the kept key. Without it the key is kept unprotected, only if `allowUnprotected`. */
  passphrase?: string;
  /** The user confirmed the warning that anyone at this browser profile can then use the key. */
  allowUnprotected?: boolean;
  /** Argon2id cost (tests use less than the default). */
  kdf?: Partial<Omit<WrapKdf, 'algorithm' | 'salt'>>;
}

/** Raised when a key would be kept with neither a passphrase nor the user's explicit consent. */
export class KeyNotProtectedError extends KeyError {
  constructor() {
    super('passphrase-required', 'a key is kept only with a passphrase, or after the user accepted keeping it without one');
    this.name = 'KeyNotProtectedError';
  }
}

function infoOf(r: StoredKeyRecord): StoredKeyInfo {
  const { signingKeys: _keys, wrapped: _wrapped, ...info } = r;
  return info;
}

function uniqueName(wanted: string, taken: string[]): string {
  if (!taken.includes(wanted)) return wanted;
  for (let i = 2; ; i++) if (!taken.includes(`${wanted} (${i})`)) return `${wanted} (${i})`;
}

export class KeyStore {
  private constructor(private readonly db: IDBPDatabase<KeyDb>) {}

  /** Opens (creating or upgrading) the store in the global IndexedDB (fake-indexeddb in Node tests). */
  static async open(options: { name?: string } = {}): Promise<KeyStore> {
    const db = await openDB<KeyDb>(options.name ?? DB_NAME, DB_VERSION, {
      async upgrade(database, oldVersion, _newVersion, tx) {
        if (oldVersion < 1) {
          const store = database.createObjectStore('keys', { keyPath: 'id' });
          store.createIndex('sha256', 'sha256', { unique: true });
          return;
        }
        if (oldVersion < 2) {
          for (let cursor = await tx.objectStore('keys').openCursor(); cursor; cursor = await cursor.continue()) {
            if (!cursor.value.protection) await cursor.update({ ...cursor.value, protection: 'legacy' });
          }
        }
      },
    });
    return new KeyStore(db);
  }

  /**
   * Keeps a private key: wrapped with `passphrase`, or (with `allowUnprotected`) as plain
   * non-extractable keys. The same key (same SHA256 fingerprint) is kept once: adding it again
   * returns the stored entry — except that adding it with a passphrase locks an unprotected one.
   */
  async add(file: PrivateKeyFile, options: AddKeyOptions = {}): Promise<StoredKeyInfo> {
    const passphrase = options.passphrase || undefined;
    if (!passphrase && !options.allowUnprotected) throw new KeyNotProtectedError();
    const s = summarize(file);
    const existing = await this.db.getFromIndex('keys', 'sha256', s.sha256);
    if (existing && (existing.protection === 'passphrase' || !passphrase)) return infoOf(existing);
    const secret: Pick<StoredKeyRecord, 'wrapped' | 'signingKeys' | 'protection'> = passphrase
      ? { wrapped: await wrapPrivateKey(file.key, passphrase, options.kdf), protection: 'passphrase' }
      : { signingKeys: await importSigningKeys(file.key), protection: 'none' };
    if (existing) {
      // An unprotected entry of this key is locked in place: same id, name and date.
      const { signingKeys: _old, ...rest } = existing;
      const record: StoredKeyRecord = { ...rest, ...secret };
      await this.db.put('keys', record);
      return infoOf(record);
    }
    const taken = (await this.db.getAll('keys')).map((r) => r.name);
    const record: StoredKeyRecord = {
      id: globalThis.crypto.randomUUID(),
      name: uniqueName((options.name ?? file.comment).trim() || s.sha256, taken),
      type: s.type,
      bits: s.bits,
      publicBlob: s.publicBlob,
      sha256: s.sha256,
      md5: s.md5,
      created: new Date().toISOString(),
      ...secret,
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

  /**
   * The key ready for SSH publickey authentication. A locked key needs its passphrase
   * (StoredKeyLockedError without, StoredKeyWrongPassphraseError for a wrong one: nothing changes).
   */
  async unlock(id: string, passphrase?: string): Promise<SshUserKey> {
    const r = await this.db.get('keys', id);
    if (!r) throw new Error('no such key');
    if (r.protection !== 'passphrase') return new CryptoSshUserKey(r.publicBlob, r.signingKeys!);
    if (!passphrase) throw new StoredKeyLockedError();
    return new CryptoSshUserKey(r.publicBlob, await unwrapSigningKeys(r.type, r.publicBlob, r.wrapped!, passphrase));
  }

  close(): void {
    this.db.close();
  }
}
