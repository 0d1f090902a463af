// Messages between the UI and the session worker, which holds the SSH connection, the SFTP
// session and the delivery queue, so that crypto and packets never run on the UI thread.
import type { DeliveryReceipt } from '../../../core/delivery/receipt.ts';
import type { ItemState } from '../../../core/delivery/delivery-run.ts';
import type { ExistingChoice } from '../../../core/delivery/deliver-pair.ts';
import type { SidecarStyle } from '../../../core/hash/sidecar.ts';
import type { LogEntry } from '../../../core/delivery/session-log.ts';

/** A failure as the UI needs it: a stable code to translate, details for the message, English text for the log. */
export interface WireError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export interface HostKeyView {
  target: string;
  keyAlgorithm: string;
  sha256: string;
  md5: string;
}

export type SessionAuth =
  /** A key of the browser's key store: the worker opens the store itself; no key material is posted. */
  | { kind: 'key'; keyId: string }
  | { kind: 'password'; password: string };

export interface ConnectRequest {
  targetId: string;
  username: string;
  auth: SessionAuth;
  /** Fingerprints the profile / gateway target publishes. */
  publishedFingerprints: string[];
  uploadFolder: string;
  sidecar: { required: boolean; style: SidecarStyle };
  tempRename: boolean;
  profileId: string;
  profileLabel: string;
}

export interface ConnectedInfo {
  user: string;
  hostKey: HostKeyView;
  algorithms: { kex: string; hostKey: string; cipher: string; mac: string; strictKex: boolean };
  serverVersion: string;
  home: string;
  extensions: string[];
}

export interface RemoteEntry {
  name: string;
  size?: number;
  mtime?: number;
  isDir: boolean;
}

export interface QueueItemView {
  id: number;
  name: string;
  size: number;
  bytesDone: number;
  state: ItemState;
  attempts: number;
  startedAt?: number;
  sha1?: string;
  remotePath?: string;
  sidecarPath?: string;
  resumedFrom?: number;
  error?: WireError;
}

export interface DeliverFile {
  file: File;
  /** Local path for display. */
  path: string;
  /** Contents of a local X.hash the user picked with X, to check before sending. */
  localSidecarText?: string;
}

export type SessionRequest =
  | { op: 'connect'; req: ConnectRequest }
  | { op: 'list'; path: string }
  | { op: 'realpath'; path: string }
  | { op: 'mkdir'; path: string }
  | { op: 'remove'; path: string }
  | { op: 'rmdir'; path: string }
  | { op: 'rename'; from: string; to: string }
  | { op: 'download'; path: string; target?: FileSystemFileHandle }
  | { op: 'deliver'; runId: string; files: DeliverFile[]; verifyReadBack: boolean }
  | { op: 'cancel'; runId: string; itemId?: number }
  | { op: 'retry'; runId: string; itemId: number }
  | { op: 'disconnect' };

export type SessionReplyValue =
  | ConnectedInfo
  | RemoteEntry[]
  | string
  | DeliveryReceipt
  | { bytes: number; blob?: Blob }
  | null;

export type PromptAnswer = { kind: 'host-key'; decision: 'trust-once' | 'trust-always' | 'reject' } | { kind: 'existing'; choice: ExistingChoice };

export type ToWorker =
  | { type: 'request'; id: number; request: SessionRequest }
  | { type: 'answer'; promptId: number; answer: PromptAnswer };

export type FromWorker =
  | { type: 'reply'; id: number; ok: true; value: SessionReplyValue }
  | { type: 'reply'; id: number; ok: false; error: WireError }
  | { type: 'prompt'; promptId: number; prompt: { kind: 'host-key'; hostKey: HostKeyView; published: string[] } | { kind: 'existing'; path: string } }
  | { type: 'queue'; runId: string; items: QueueItemView[] }
  | { type: 'progress'; transfer: 'download'; path: string; bytes: number; size?: number }
  | { type: 'log'; entry: LogEntry }
  /** lost: dropped, the worker is reconnecting for a delivery; restored: back; closed: over. */
  | { type: 'connection'; state: 'lost' | 'restored' | 'closed'; error?: WireError };
