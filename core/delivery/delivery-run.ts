// A delivery run: a queue of X + X.hash pairs sent over one SFTP session, in order. When the
// connection drops it reconnects with backoff and continues each partial upload from the size of
// its temporary file — only partials this run wrote itself, so a stale file is never continued.
import type { SidecarStyle } from '../hash/sidecar.ts';
import { joinRemotePath } from '../sftp/remote-path.ts';
import type { SftpSession } from '../sftp/session.ts';
import { deliverPair, type ExistingChoice, type PairSource } from './deliver-pair.ts';
import { newReceipt, type DeliveryReceipt, type ReceiptFile } from './receipt.ts';
import type { SessionLog } from './session-log.ts';

export interface DeliverySession {
  sftp: SftpSession;
  hostKeyFingerprint: string;
  hostKeyAlgorithm?: string;
  close(): Promise<void>;
}

export type ItemState = 'queued' | 'sending' | 'reconnecting' | 'delivered' | 'skipped' | 'failed' | 'cancelled';

export interface DeliveryItem {
  id: number;
  pair: PairSource;
  state: ItemState;
  bytesDone: number;
  attempts: number;
  startedAt?: number;
  receipt?: ReceiptFile;
  error?: { code: string; message: string };
}

export interface DeliveryRunOptions {
  receiptId: string;
  profile: { id: string; label: string; targetId: string; uploadFolder: string; sidecar: { required: boolean; style: SidecarStyle }; tempRename: boolean };
  user: string;
  connect: () => Promise<DeliverySession>;
  onExisting: (remotePath: string) => Promise<ExistingChoice>;
  verifyReadBack?: boolean;
  /** Reconnects after a dropped connection before an item fails (default 5). */
  maxReconnects?: number;
  /** Wait before reconnect attempt n (1-based); default 1 s, 2 s, 4 s … up to 30 s. */
  backoffMs?: (attempt: number) => number;
  log?: SessionLog;
  onChange?: (items: readonly DeliveryItem[]) => void;
  onDirectFallback?: (remotePath: string) => void;
  now?: () => Date;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const CONNECTION_CODES = new Set(['connection-lost', 'session-closed', 'no-connection', 'timeout', 'connection-refused']);

export function isConnectionError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && CONNECTION_CODES.has(String((err as { code?: unknown }).code));
}

function describe(err: unknown): { code: string; message: string } {
  const code = typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'error';
  return { code, message: err instanceof Error ? err.message : String(err) };
}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((ok, fail) => {
    const timer = setTimeout(ok, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      fail(Object.assign(new Error('cancelled'), { code: 'cancelled' }));
    }, { once: true });
  });

export class DeliveryRun {
  readonly items: DeliveryItem[];
  private session: DeliverySession | null = null;
  private readonly controller = new AbortController();
  private readonly itemControllers = new Map<number, AbortController>();
  private receipt: DeliveryReceipt | null = null;
  /** A connect failure no retry can fix (host key, authentication): the run stops. */
  private fatal: { code: string; message: string } | null = null;

  constructor(pairs: PairSource[], private readonly options: DeliveryRunOptions) {
    this.items = pairs.map((pair, i) => ({ id: i + 1, pair, state: 'queued', bytesDone: 0, attempts: 0 }));
  }

  private changed(): void {
    this.options.onChange?.(this.items);
  }

  private now(): Date {
    return (this.options.now ?? (() => new Date()))();
  }

  /** Cancel one item, or the whole run. */
  cancel(itemId?: number): void {
    if (itemId === undefined) {
      this.controller.abort();
      for (const c of this.itemControllers.values()) c.abort();
      for (const item of this.items) if (item.state === 'queued') item.state = 'cancelled';
      this.changed();
      return;
    }
    const item = this.items.find((i) => i.id === itemId);
    if (!item) return;
    if (item.state === 'queued') item.state = 'cancelled';
    this.itemControllers.get(itemId)?.abort();
    this.changed();
  }

  private async ensureSession(): Promise<DeliverySession> {
    if (this.session) return this.session;
    this.session = await this.options.connect();
    this.options.log?.info(`connected; host key ${this.session.hostKeyFingerprint}`);
    if (!this.receipt) {
      this.receipt = newReceipt({
        id: this.options.receiptId, profileId: this.options.profile.id, label: this.options.profile.label, targetId: this.options.profile.targetId,
        hostKeyFingerprint: this.session.hostKeyFingerprint, user: this.options.user, now: this.now(),
        ...(this.session.hostKeyAlgorithm ? { hostKeyAlgorithm: this.session.hostKeyAlgorithm } : {}),
      });
    } else if (this.receipt.server.hostKeyFingerprint !== this.session.hostKeyFingerprint) {
      // The host-key policy already refuses a changed key; this is a second guard for the receipt's truth.
      throw Object.assign(new Error('the server presented another host key after reconnecting'), { code: 'host-key-changed' });
    }
    return this.session;
  }

  private async dropSession(): Promise<void> {
    const s = this.session;
    this.session = null;
    await s?.close().catch(() => undefined);
  }

  private async deliverItem(item: DeliveryItem): Promise<void> {
    const maxReconnects = this.options.maxReconnects ?? 5;
    const backoff = this.options.backoffMs ?? ((n: number) => Math.min(30_000, 1000 * 2 ** (n - 1)));
    const sleep = this.options.sleep ?? defaultSleep;
    const ctl = new AbortController();
    this.itemControllers.set(item.id, ctl);
    const onRunAbort = () => ctl.abort();
    this.controller.signal.addEventListener('abort', onRunAbort, { once: true });
    item.startedAt = Date.now();
    let reconnects = 0;
    let resume = false;
    try {
      for (;;) {
        item.state = 'sending';
        item.attempts++;
        this.changed();
        try {
          let session: DeliverySession;
          try {
            session = await this.ensureSession();
          } catch (err) {
            if (!isConnectionError(err)) this.fatal = describe(err);
            throw err;
          }
          const receipt = await deliverPair(session.sftp, item.pair, {
            folder: this.options.profile.uploadFolder,
            sidecar: this.options.profile.sidecar,
            tempRename: this.options.profile.tempRename,
            resume,
            verifyReadBack: this.options.verifyReadBack ?? false,
            onExisting: this.options.onExisting,
            onProgress: (bytes) => {
              item.bytesDone = bytes;
              this.changed();
            },
            signal: ctl.signal,
            ...(this.options.onDirectFallback ? { onDirectFallback: this.options.onDirectFallback } : {}),
            now: () => this.now(),
          });
          item.receipt = receipt;
          item.state = receipt.status === 'skipped' ? 'skipped' : 'delivered';
          if (item.state === 'delivered') item.bytesDone = item.pair.data.size;
          this.options.log?.info(`${item.state}: ${receipt.remotePath}${receipt.sidecarPath ? ` + ${receipt.sidecarPath}` : ''} sha1 ${receipt.sha1}${receipt.resumedFrom ? ` (resumed at ${receipt.resumedFrom})` : ''}`);
          this.changed();
          return;
        } catch (err) {
          if (ctl.signal.aborted) {
            item.state = 'cancelled';
            item.error = { code: 'cancelled', message: 'cancelled' };
            this.options.log?.warn(`cancelled: ${item.pair.name}`);
            this.changed();
            return;
          }
          if (!isConnectionError(err) || reconnects >= maxReconnects) {
            item.state = 'failed';
            item.error = describe(err);
            this.options.log?.error(`failed: ${item.pair.name}: ${item.error.message}`);
            if (isConnectionError(err)) await this.dropSession();
            this.changed();
            return;
          }
          reconnects++;
          resume = true;
          item.state = 'reconnecting';
          this.options.log?.warn(`connection lost while sending ${item.pair.name}; reconnecting (${reconnects}/${maxReconnects})`);
          this.changed();
          await this.dropSession();
          await sleep(backoff(reconnects), ctl.signal).catch(() => undefined);
        }
      }
    } finally {
      this.controller.signal.removeEventListener('abort', onRunAbort);
      this.itemControllers.delete(item.id);
    }
  }

  /** Why the run stopped early, when a connection could not be made at all. */
  get fatalError(): { code: string; message: string } | null {
    return this.fatal;
  }

  /** Sends every queued item in order and returns the receipt (also when some failed). */
  async run(): Promise<DeliveryReceipt> {
    try {
      for (const item of this.items) {
        if (this.controller.signal.aborted) break;
        if (item.state !== 'queued') continue;
        if (this.fatal) {
          item.state = 'failed';
          item.error = this.fatal;
          continue;
        }
        await this.deliverItem(item);
      }
      this.changed();
    } finally {
      await this.dropSession();
    }
    return this.finishReceipt();
  }

  /** Put a failed or cancelled item back in the queue and run it (on a fresh connection if needed). */
  async retry(itemId: number): Promise<DeliveryReceipt> {
    const item = this.items.find((i) => i.id === itemId);
    if (item && (item.state === 'failed' || item.state === 'cancelled')) {
      this.fatal = null;
      item.state = 'queued';
      delete item.error;
      item.bytesDone = 0;
      this.changed();
      try {
        await this.deliverItem(item);
      } finally {
        await this.dropSession();
      }
    }
    return this.finishReceipt();
  }

  private finishReceipt(): DeliveryReceipt {
    const receipt = this.receipt ?? newReceipt({
      id: this.options.receiptId, profileId: this.options.profile.id, label: this.options.profile.label, targetId: this.options.profile.targetId,
      hostKeyFingerprint: '', user: this.options.user, now: this.now(),
    });
    receipt.files = this.items.map((item) => item.receipt ?? {
      name: item.pair.name, size: item.pair.data.size, sha1: '',
      remotePath: joinRemotePath(this.options.profile.uploadFolder, item.pair.name),
      status: item.state === 'cancelled' || item.state === 'queued' ? 'cancelled' : 'failed',
      startedAt: receipt.startedAt,
      ...(item.error ? { error: item.error.message } : {}),
    });
    receipt.finishedAt = this.now().toISOString();
    this.receipt = receipt;
    return receipt;
  }
}
