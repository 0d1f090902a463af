// Messages between the UI and the session worker, which holds the SSH connection, the SFTP
// session and the delivery queue, so that crypto and packets never run on the UI thread.
import type { DeliveryReceipt } from '../../../core/delivery/receipt.ts';
import type { ItemState } from '../../../core/delivery/delivery-run.ts';
import type { ExistingChoice } from '../../../core/delivery/deliver-pair.ts';
import type { SidecarStyle } from '../../../core/hash/sidecar.ts';
import type { LogEntry } from '../../../core/delivery/session-log.ts';
import type { SshWarning } from '../../../core/ssh/connection.ts';

/** A failure as the UI needs it: a stable code to translate, details for the message, English text for the log. */
export interface WireError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
  /** Another attempt on a new connection may succeed (decided where the error was made). */
  transient?: boolean;
}

export interface HostKeyView {
  target: string;
  keyAlgorithm: string;
  sha256: string;
  md5: string;
}

export type SessionAuth =
  /**
   * A key of the browser's key store: the worker opens the store itself; no key material is
   * posted. `passphrase` unlocks a locked key (once per session; see key-session.ts).
   */
  | { kind: 'key'; keyId: string; passphrase?: string }
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
  /** The profile allows RSA signatures with SHA-1 (ssh-rsa) where the server accepts nothing better. */
  allowSshRsa: boolean;
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
  /** What the SSH layer warned about while connecting (e.g. a SHA-1 signature was used). */
  warnings: SshWarning['code'][];
}

export interface RemoteEntry {
  name: string;
  size?: number;
  mtime?: number;
  isDir: boolean;
}

/** A file of a run that has not ended: waiting, being sent, or waiting for a reconnect. */
export function isUnderWay(state: ItemState): boolean {
  return state === 'queued' || state === 'sending' || state === 'reconnecting';
}

/** A file being sent now: part of it may already be on the server. */
export function isSending(state: ItemState): boolean {
  return state === 'sending' || state === 'reconnecting';
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
  /** A retry of this very file can help (a failure the user need not fix first). */
  retryable?: boolean;
}

export interface DeliverFile {
  file: File;
  /** Local path for display. */
  path: string;
  /** Contents of a local X.hash the user picked with X, to check before sending. */
  localSidecarText?: string;
}

export interface DeliverRequest {
  runId: string;
  files: DeliverFile[];
  /** The folder on screen: where the files go (an absolute path on the server). */
  folder: string;
  verifyReadBack: boolean;
  /** An interrupted run (from the history) this one continues: its record is carried on, not replaced. */
  continues?: string;
}

/** Where a download's bytes go: a file the user chose, the service worker's download stream, or memory. */
export type DownloadSink =
  | { kind: 'file'; handle: FileSystemFileHandle }
  | { kind: 'stream'; port: MessagePort }
  | { kind: 'memory' };

export type DownloadState = 'running' | 'done' | 'failed' | 'cancelled';

export interface DownloadView {
  downloadId: string;
  path: string;
  name: string;
  bytes: number;
  /** The size the server announced; absent when it would not tell. */
  total?: number;
  state: DownloadState;
  startedAt: number;
  error?: WireError;
  /**
   * The download stopped after part of it reached the browser's own download (service worker):
   * Firefox keeps that part in its downloads folder as a .part file, which the app cannot remove.
   */
  partialInBrowser?: boolean;
}

export type SessionRequest =
  | { op: 'connect'; req: ConnectRequest }
  | { op: 'list'; path: string }
  | { op: 'realpath'; path: string }
  | { op: 'mkdir'; path: string }
  | { op: 'remove'; path: string }
  | { op: 'rmdir'; path: string }
  | { op: 'rename'; from: string; to: string }
  | { op: 'download'; downloadId: string; path: string; size?: number; sink: DownloadSink }
  | { op: 'cancel-download'; downloadId: string }
  | { op: 'deliver'; run: DeliverRequest }
  /** Stops one file or the whole run; its temporary file is removed unless `keepPartial`. */
  | { op: 'cancel'; runId: string; itemId?: number; keepPartial?: boolean }
  | { op: 'retry'; runId: string; itemId: number }
  | { op: 'disconnect' };

export type SessionReplyValue =
  | ConnectedInfo
  | RemoteEntry[]
  | string
  | DeliveryReceipt
  | { bytes: number; blob?: Blob }
  | null;

/** `forAll`: the same answer for every other existing file of this run (not asked again). */
export type PromptAnswer = { kind: 'host-key'; decision: 'trust-once' | 'trust-always' | 'reject' } | { kind: 'existing'; choice: ExistingChoice; forAll: boolean };

export type ToWorker =
  | { type: 'request'; id: number; request: SessionRequest }
  | { type: 'answer'; promptId: number; answer: PromptAnswer };

export type FromWorker =
  | { type: 'reply'; id: number; ok: true; value: SessionReplyValue }
  | { type: 'reply'; id: number; ok: false; error: WireError }
  | { type: 'prompt'; promptId: number; prompt: { kind: 'host-key'; hostKey: HostKeyView; published: string[] } | { kind: 'existing'; path: string; runId: string } }
  | { type: 'queue'; runId: string; items: QueueItemView[] }
  | { type: 'download'; download: DownloadView }
  | { type: 'log'; entry: LogEntry }
  /** lost: dropped, the worker is reconnecting for a delivery; restored: back; closed: over. */
  | { type: 'connection'; state: 'lost' | 'restored' | 'closed'; error?: WireError };
