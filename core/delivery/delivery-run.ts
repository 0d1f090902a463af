// A delivery run: a queue of X + X.hash pairs sent in order, several side by side when the
// connection can open more SFTP channels (each with its own window: `parallel`, default 3), a large
// file alone split over the idle channels. A transient failure (connection lost, timeout)
// reconnects with backoff and continues each partial upload, never past the bytes the server
// confirmed; a permanent one (no common algorithm, host key, authentication, permission, a missing
// folder) ends the run at once with its own cause.
import type { SidecarStyle } from '../hash/sidecar.ts';
import { joinRemotePath } from '../sftp/remote-path.ts';
import type { SftpSession } from '../sftp/session.ts';
import { deliverPair, newPairMemo, type ExistingChoice, type PairEvent, type PairMemo, type PairSource, type ResumePolicy } from './deliver-pair.ts';
import { DeliveryError } from './delivery-error.ts';
import { classifyFailure, type DeliveryFailure } from './failure.ts';
import { newReceipt, type DeliveryReceipt, type ReceiptFile } from './receipt.ts';
import type { SessionLog } from './session-log.ts';
import { SftpLanes } from './sftp-lanes.ts';

export interface DeliverySession {
  sftp: SftpSession;
  hostKeyFingerprint: string;
  hostKeyAlgorithm?: string;
  /** Another SFTP session on the same connection (another SSH channel): files then go side by side. */
  openSftp?: () => Promise<SftpSession>;
  close(): Promise<void>;
}

/** SFTP channels a run uses at once by default. */
export const DEFAULT_PARALLEL = 3;
/** A file this large may be split over several channels when they would otherwise be idle. */
export const SPLIT_MIN_BYTES = 8 * 1024 * 1024;

export type ItemState = 'queued' | 'sending' | 'reconnecting' | 'delivered' | 'skipped' | 'failed' | 'cancelled';

export interface DeliveryItem {
  id: number;
  pair: PairSource;
  state: ItemState;
  /** Bytes of X the server confirmed. */
  bytesDone: number;
  attempts: number;
  startedAt?: number;
  receipt?: ReceiptFile;
  error?: DeliveryFailure;
  /** Decisions and progress carried from one attempt to the next. */
  memo: PairMemo;
}

export interface DeliveryRunOptions {
  receiptId: string;
  profile: { id: string; label: string; targetId: string; uploadFolder: string; sidecar: { required: boolean; style: SidecarStyle }; tempRename: boolean };
  user: string;
  connect: () => Promise<DeliverySession>;
  onExisting: (remotePath: string) => Promise<ExistingChoice>;
  verifyReadBack?: boolean;
  /**
   * A temporary file found at the first attempt (left by a crash, a closed tab, another run) is
   * continued only once proven to be a prefix of the local file (default), or never ('fresh').
   */
  firstAttempt?: Extract<ResumePolicy, 'fresh' | 'verify-prefix'>;
  /** Reconnects after a dropped connection before an item fails (default 5). */
  maxReconnects?: number;
  /** Wait before reconnect attempt n (1-based); default 1 s, 2 s, 4 s … up to 30 s. */
  backoffMs?: (attempt: number) => number;
  /**
   * SFTP channels at once (default 3): files go side by side, a large file is split over idle
   * channels. Only over a connection that offers `openSftp` (or with `connectExtra`); 1: one file
   * after the other over one channel.
   */
  parallel?: number;
  /** A separate connection for a channel the server would not open on the first (a server that allows one channel). */
  connectExtra?: () => Promise<DeliverySession>;
  log?: SessionLog;
  onChange?: (items: readonly DeliveryItem[]) => void;
  onEvent?: (item: DeliveryItem, event: PairEvent) => void;
  now?: () => Date;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((ok, fail) => {
    const timer = setTimeout(ok, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      fail(new Error('cancelled'));
    }, { once: true });
  });

function describeEvent(name: string, e: PairEvent): { level: 'info' | 'warn'; text: string } {
  switch (e.kind) {
    case 'direct-fallback':
      return { level: 'warn', text: `the folder does not allow renaming: ${e.path} is written directly under its final name` };
    case 'resume':
      return { level: 'info', text: `continuing ${e.path} at byte ${e.from} (${e.proof === 'read-back' ? 'read back and compared with the local file' : 'confirmed by the server'})` };
    case 'resume-refused':
      return { level: 'warn', text: `not continuing ${e.path}: ${e.reason === 'not-a-prefix' ? 'it is not the start of the local file' : e.reason === 'larger' ? 'it is larger than the local file' : 'it cannot be read back to check it'}; sending ${name} from the start` };
    case 'restarted':
      return { level: 'warn', text: `the server cannot continue ${e.path} at an offset${e.serverMessage ? ` ("${e.serverMessage}")` : ''}; sending ${name} again from the start` };
    case 'partial-removed':
      return { level: 'info', text: `removed the unfinished ${e.path}` };
  }
}

interface Running {
  ctl: AbortController;
  keepPartial: boolean;
  /** Stopped because another file's permanent failure ended the run (not by the user). */
  stoppedByRun?: boolean;
}

export class DeliveryRun {
  readonly items: DeliveryItem[];
  private session: DeliverySession | null = null;
  private lanes: SftpLanes | null = null;
  private connecting: Promise<DeliverySession> | null = null;
  private sessionWaiters: (() => void)[] = [];
  /** onExisting questions, one at a time even when files go side by side. */
  private questions: Promise<unknown> = Promise.resolve();
  private readonly controller = new AbortController();
  private readonly itemControllers = new Map<number, Running>();
  private receipt: DeliveryReceipt | null = null;
  /** A permanent failure: the run stops, every item not yet done fails with it. */
  private fatal: DeliveryFailure | null = null;

  constructor(pairs: PairSource[], private readonly options: DeliveryRunOptions) {
    this.items = pairs.map((pair, i) => ({ id: i + 1, pair, state: 'queued', bytesDone: 0, attempts: 0, memo: newPairMemo() }));
  }

  private changed(): void {
    this.options.onChange?.(this.items);
  }

  private now(): Date {
    return (this.options.now ?? (() => new Date()))();
  }

  /** Cancel one item, or the whole run. Its temporary file is removed unless `keepPartial`. */
  cancel(itemId?: number, options: { keepPartial?: boolean } = {}): void {
    const keep = options.keepPartial ?? false;
    if (itemId === undefined) {
      this.controller.abort();
      for (const c of this.itemControllers.values()) {
        c.keepPartial = keep;
        c.ctl.abort();
      }
      for (const item of this.items) if (item.state === 'queued') item.state = 'cancelled';
      this.changed();
      return;
    }
    const item = this.items.find((i) => i.id === itemId);
    if (!item) return;
    if (item.state === 'queued') item.state = 'cancelled';
    const running = this.itemControllers.get(itemId);
    if (running) {
      running.keepPartial = keep;
      running.ctl.abort();
    }
    this.changed();
  }

  private get parallel(): number {
    return Math.max(1, Math.floor(this.options.parallel ?? DEFAULT_PARALLEL));
  }

  /** One connection at a time, shared by every file under way (several may ask at once). */
  private ensureSession(): Promise<DeliverySession> {
    if (this.session) return Promise.resolve(this.session);
    this.connecting ??= this.connect().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async connect(): Promise<DeliverySession> {
    const session = await this.options.connect();
    this.options.log?.info(`connected; host key ${session.hostKeyFingerprint}`);
    if (!this.receipt) this.receipt = this.emptyReceipt(session);
    else if (this.receipt.server.hostKeyFingerprint !== session.hostKeyFingerprint) {
      await session.close().catch(() => undefined);
      // The host-key policy already refuses a changed key; this is a second guard for the receipt's truth.
      throw new DeliveryError('host-key-changed-on-reconnect', { before: this.receipt.server.hostKeyFingerprint, after: session.hostKeyFingerprint });
    }
    const extra = this.options.connectExtra;
    this.lanes = new SftpLanes(session, {
      size: this.parallel,
      ...(extra ? { connectExtra: extra } : {}),
      onLimited: (why) => this.options.log?.warn(`fewer parallel transfers: ${why}`),
    });
    this.session = session;
    for (const wake of this.sessionWaiters.splice(0)) wake();
    return session;
  }

  /** Files go side by side only over a connection that can open more channels (or more connections). */
  private canRunSideBySide(): boolean {
    return this.parallel > 1 && !!this.session && (!!this.session.openSftp || !!this.options.connectExtra);
  }

  private sessionReady(): Promise<void> {
    return new Promise((ok) => this.sessionWaiters.push(ok));
  }

  private ask(path: string): Promise<ExistingChoice> {
    const answer = this.questions.then(() => this.options.onExisting(path));
    this.questions = answer.catch(() => undefined);
    return answer;
  }

  private emptyReceipt(session: DeliverySession | null): DeliveryReceipt {
    const p = this.options.profile;
    return newReceipt({
      id: this.options.receiptId, profileId: p.id, label: p.label, targetId: p.targetId,
      hostKeyFingerprint: session?.hostKeyFingerprint ?? '', user: this.options.user, now: this.now(),
      ...(session?.hostKeyAlgorithm ? { hostKeyAlgorithm: session.hostKeyAlgorithm } : {}),
    });
  }

  /** Lets the connection go (only `which`, if given: another file may already have made a new one). */
  private async dropSession(which?: DeliverySession): Promise<void> {
    if (which && which !== this.session) return;
    const s = this.session;
    const lanes = this.lanes;
    this.session = null;
    this.lanes = null;
    await lanes?.close();
    await s?.close().catch(() => undefined);
  }

  private fail(item: DeliveryItem, failure: DeliveryFailure, quiet = false): void {
    item.state = 'failed';
    item.error = failure;
    if (!quiet) this.options.log?.error(`failed: ${item.pair.name}: ${failure.message}`);
  }

  private async attempt(item: DeliveryItem, resume: ResumePolicy, keepPartial: () => boolean, signal: AbortSignal, want: number, used: { session?: DeliverySession }): Promise<ReceiptFile> {
    const session = await this.ensureSession();
    used.session = session;
    const pool = this.lanes!;
    const lanes = await pool.acquire(want);
    try {
      return await this.deliverOver(lanes, item, resume, keepPartial, signal);
    } finally {
      pool.release(lanes);
    }
  }

  private deliverOver(lanes: SftpSession[], item: DeliveryItem, resume: ResumePolicy, keepPartial: () => boolean, signal: AbortSignal): Promise<ReceiptFile> {
    return deliverPair(lanes[0]!, item.pair, {
      folder: this.options.profile.uploadFolder,
      sidecar: this.options.profile.sidecar,
      tempRename: this.options.profile.tempRename,
      resume,
      memo: item.memo,
      verifyReadBack: this.options.verifyReadBack ?? false,
      onExisting: (path) => this.ask(path),
      ...(lanes.length > 1 ? { lanes: lanes.slice(1) } : {}),
      onProgress: (bytes) => {
        item.bytesDone = bytes;
        this.changed();
      },
      onEvent: (event) => {
        const { level, text } = describeEvent(item.pair.name, event);
        this.options.log?.[level](text);
        this.options.onEvent?.(item, event);
      },
      get keepPartialOnCancel() {
        return keepPartial();
      },
      signal,
      now: () => this.now(),
    });
  }

  /** Ends the files under way (other than `except`) when one failure ended the run; their partials stay. */
  private stopOthers(except: number): void {
    for (const [id, r] of this.itemControllers) {
      if (id === except) continue;
      r.stoppedByRun = true;
      r.keepPartial = true;
      r.ctl.abort();
    }
  }

  /** Delivers one item over up to `lanes` SFTP channels (more than one splits the file). */
  private async deliverItem(item: DeliveryItem, lanes = 1): Promise<void> {
    const maxReconnects = this.options.maxReconnects ?? 5;
    const backoff = this.options.backoffMs ?? ((n: number) => Math.min(30_000, 1000 * 2 ** (n - 1)));
    const sleep = this.options.sleep ?? defaultSleep;
    const running: Running = { ctl: new AbortController(), keepPartial: false };
    const ctl = running.ctl;
    this.itemControllers.set(item.id, running);
    const onRunAbort = () => ctl.abort();
    this.controller.signal.addEventListener('abort', onRunAbort, { once: true });
    item.startedAt = Date.now();
    let reconnects = 0;
    let resume: ResumePolicy = item.attempts === 0 ? (this.options.firstAttempt ?? 'verify-prefix') : 'own';
    try {
      for (;;) {
        item.state = 'sending';
        item.attempts++;
        this.changed();
        const used: { session?: DeliverySession } = {};
        try {
          const receipt = await this.attempt(item, resume, () => running.keepPartial, ctl.signal, lanes, used);
          item.receipt = receipt;
          item.state = receipt.status === 'skipped' ? 'skipped' : 'delivered';
          if (item.state === 'delivered') item.bytesDone = item.pair.data.size;
          this.options.log?.info(`${item.state}: ${receipt.remotePath}${receipt.sidecarPath ? ` + ${receipt.sidecarPath}` : ''} sha1 ${receipt.sha1}${receipt.resumedFrom ? ` (resumed at ${receipt.resumedFrom})` : ''}`);
          this.changed();
          return;
        } catch (err) {
          if (ctl.signal.aborted && running.stoppedByRun && this.fatal) {
            this.fail(item, this.fatal, true);
            this.changed();
            return;
          }
          if (ctl.signal.aborted) {
            item.state = 'cancelled';
            delete item.error;
            this.options.log?.warn(`cancelled: ${item.pair.name}`);
            this.changed();
            return;
          }
          const failure = classifyFailure(err);
          if (!failure.transient || reconnects >= maxReconnects) {
            this.fail(item, failure);
            // Out of reconnects: the server is gone for now, so the next file would only wait as long.
            if (failure.scope === 'run' || failure.transient) {
              this.fatal = failure;
              const left = this.items.filter((i) => i.state === 'queued').length + this.itemControllers.size - 1;
              if (left > 0) this.options.log?.error(`stopping: no other file can be delivered either (${left} not sent)`);
              this.stopOthers(item.id);
            }
            if (failure.transient || failure.scope === 'run') await this.dropSession(used.session);
            this.changed();
            return;
          }
          reconnects++;
          resume = 'own';
          item.state = 'reconnecting';
          this.options.log?.warn(`connection lost while sending ${item.pair.name} (${failure.message}); reconnecting (${reconnects}/${maxReconnects})`);
          this.changed();
          await this.dropSession(used.session);
          await sleep(backoff(reconnects), ctl.signal).catch(() => undefined);
        }
      }
    } finally {
      this.controller.signal.removeEventListener('abort', onRunAbort);
      this.itemControllers.delete(item.id);
    }
  }

  /** Why the run stopped early: a permanent failure (connect, authentication, permission…). */
  get fatalError(): DeliveryFailure | null {
    return this.fatal;
  }

  /**
   * Sends every queued item, started in order, and returns the receipt (also when some failed).
   * Up to `parallel` channels carry files side by side; a file of at least SPLIT_MIN_BYTES gets
   * its share of the channels the files still queued would leave idle (one large file: all).
   */
  async run(): Promise<DeliveryReceipt> {
    const active = new Set<Promise<void>>();
    let busy = 0;
    try {
      for (const item of this.items) {
        // One file at a time until the connection shows it can open more channels.
        while (active.size > 0 && (busy >= this.parallel || !this.canRunSideBySide())) {
          await Promise.race([...active, ...(this.session ? [] : [this.sessionReady()])]);
        }
        if (this.controller.signal.aborted) break;
        if (item.state !== 'queued') continue;
        if (this.fatal) {
          this.fail(item, this.fatal, true);
          continue;
        }
        const queued = this.items.filter((i) => i.state === 'queued').length;
        const lanes = item.pair.data.size >= SPLIT_MIN_BYTES ? Math.max(1, Math.floor((this.parallel - busy) / queued)) : 1;
        busy += lanes;
        const done: Promise<void> = this.deliverItem(item, lanes).finally(() => {
          busy -= lanes;
          active.delete(done);
        });
        active.add(done);
      }
      await Promise.all(active);
      this.changed();
    } finally {
      await this.dropSession();
    }
    return this.finishReceipt();
  }

  /** Put a failed or cancelled item back in the queue and run it (on a fresh connection if needed). */
  async retry(itemId: number): Promise<DeliveryReceipt> {
    const item = this.items.find((i) => i.id === itemId);
    if (item && (item.state === 'failed' || item.state === 'cancelled') && (item.state === 'cancelled' || item.error?.retryable)) {
      this.fatal = null;
      item.state = 'queued';
      delete item.error;
      item.bytesDone = 0;
      this.changed();
      try {
        await this.deliverItem(item, item.pair.data.size >= SPLIT_MIN_BYTES ? this.parallel : 1);
      } finally {
        await this.dropSession();
      }
    }
    return this.finishReceipt();
  }

  private fileOf(item: DeliveryItem, startedAt: string, final: boolean): ReceiptFile {
    if (item.receipt) return item.receipt;
    const done = item.state === 'failed' || item.state === 'cancelled';
    const status: ReceiptFile['status'] = item.state === 'failed' ? 'failed' : item.state === 'cancelled' || final ? 'cancelled' : 'pending';
    const file: ReceiptFile = {
      name: item.memo.name ?? item.pair.name, size: item.pair.data.size, sha1: '',
      remotePath: joinRemotePath(this.options.profile.uploadFolder, item.memo.name ?? item.pair.name),
      status, startedAt,
    };
    if (!done && !final) file.bytesDone = item.bytesDone;
    if (item.error) {
      file.error = item.error.message;
      file.errorCode = item.error.code;
      file.errorDetails = item.error.details;
    }
    return file;
  }

  /** The receipt as it stands now (items still under way are `pending`), to keep while the run goes on. */
  snapshot(): DeliveryReceipt {
    const receipt = structuredClone(this.receipt ?? this.emptyReceipt(null));
    receipt.files = this.items.map((item) => this.fileOf(item, receipt.startedAt, false));
    return receipt;
  }

  private finishReceipt(): DeliveryReceipt {
    const receipt = this.receipt ?? this.emptyReceipt(null);
    receipt.files = this.items.map((item) => this.fileOf(item, receipt.startedAt, true));
    receipt.finishedAt = this.now().toISOString();
    this.receipt = receipt;
    return receipt;
  }
}
