// Messages between the Keys screen and the key worker. Private key material only ever exists
// inside the worker: the page receives file contents (encrypted unless the user chose none),
// public data and the key-store entry. Key files to import are posted as the File the user
// picked and read here, so their text never sits in the page.
import type { KeyErrorCode, KeyFileFormat, KeyFileOutput, KeyGenSpec, KeySummary, StoredKeyInfo } from '../../../core/keys/index.ts';

/** How the kept copy of a key is protected: its passphrase, or none after the user's explicit consent. */
export interface KeepOptions {
  /** Name in the list of kept keys. */
  name?: string;
  /** Locks the kept key; for an encrypted file the file's own passphrase is used when absent. */
  passphrase?: string;
  allowUnprotected?: boolean;
}

export type KeyWorkerRequest =
  | { type: 'generate'; jobId: number; spec: KeyGenSpec; comment: string; ident: string; passphrase: string; keep: KeepOptions | null }
  | { type: 'probe'; jobId: number; file: Blob }
  | { type: 'import'; jobId: number; file: Blob; passphrase?: string; keep: KeepOptions };

export type KeyJobStage = 'generating' | 'writing' | 'reading';

/** Public parts of a key summary that cross to the page. */
export type KeyWorkerReply =
  | { type: 'stage'; jobId: number; stage: KeyJobStage }
  | { type: 'generated'; jobId: number; files: KeyFileOutput[]; summary: KeySummary; stored?: StoredKeyInfo }
  | { type: 'probed'; jobId: number; format?: KeyFileFormat; encrypted: boolean }
  | { type: 'imported'; jobId: number; summary: KeySummary; stored: StoredKeyInfo }
  | { type: 'error'; jobId: number; code: KeyErrorCode | 'public' | 'other'; message: string };
