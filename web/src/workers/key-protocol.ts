// Messages between the Keys screen and the key worker. Private key material only ever exists
// inside the worker: the page receives file contents (encrypted unless the user chose none),
// public data and the key-store entry.
import type { KeyErrorCode, KeyFileOutput, KeyGenSpec, KeySummary, StoredKeyInfo } from '../../../core/keys/index.ts';

export type KeyWorkerRequest =
  | { type: 'generate'; jobId: number; spec: KeyGenSpec; comment: string; ident: string; passphrase: string; keep: boolean }
  | { type: 'import'; jobId: number; data: Uint8Array; passphrase?: string };

export type KeyJobStage = 'generating' | 'writing' | 'reading';

/** Public parts of a key summary that cross to the page. */
export type KeyWorkerReply =
  | { type: 'stage'; jobId: number; stage: KeyJobStage }
  | { type: 'generated'; jobId: number; files: KeyFileOutput[]; summary: KeySummary; stored?: StoredKeyInfo }
  | { type: 'imported'; jobId: number; summary: KeySummary; stored: StoredKeyInfo }
  | { type: 'error'; jobId: number; code: KeyErrorCode | 'public' | 'other'; message: string };
