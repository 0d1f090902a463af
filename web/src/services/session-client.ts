// The UI side of the session worker: requests as promises, and the worker's news as signals the
// screens draw (connection state, prompts to answer, queue progress, the session log).
import { signal } from '@preact/signals';
import type { DeliveryReceipt } from '../../../core/delivery/receipt.ts';
import type { LogEntry } from '../../../core/delivery/session-log.ts';
import { isUnderWay } from '../workers/session-protocol.ts';
import type {
  ConnectedInfo, ConnectRequest, DeliverRequest, DownloadSink, DownloadView, FromWorker, PromptAnswer, QueueItemView, RemoteEntry, SessionReplyValue, SessionRequest, ToWorker,
  WireError,
} from '../workers/session-protocol.ts';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'lost' | 'closed';

export class SessionRequestError extends Error {
  constructor(readonly wire: WireError) {
    super(wire.message);
    this.name = 'SessionRequestError';
  }
  get code(): string {
    return this.wire.code;
  }
}

export const connectionState = signal<ConnectionState>('idle');
export const connectionError = signal<WireError | null>(null);
export const connectedInfo = signal<ConnectedInfo | null>(null);
/** The gateway target of the session (connected or connecting), null once logged out. */
export const sessionTarget = signal<string | null>(null);
export const pendingPrompt = signal<{ promptId: number; prompt: Extract<FromWorker, { type: 'prompt' }>['prompt'] } | null>(null);
export const queues = signal<Record<string, QueueItemView[]>>({});
export const sessionLog = signal<LogEntry[]>([]);
/** Downloads of this session, oldest first, as the worker reports them. */
export const downloads = signal<DownloadView[]>([]);

/** A delivery is queued, sending or reconnecting, or a download runs: no idle logout, and closing the tab asks first. */
export function transferRunning(): boolean {
  return Object.values(queues.value).some((items) => items.some((i) => isUnderWay(i.state)))
    || downloads.value.some((d) => d.state === 'running');
}

let worker: Worker | null = null;
let nextId = 1;
const waiting = new Map<number, { resolve: (v: SessionReplyValue) => void; reject: (e: Error) => void }>();

function onMessage(msg: FromWorker): void {
  switch (msg.type) {
    case 'reply': {
      const w = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (!w) return;
      if (msg.ok) w.resolve(msg.value);
      else w.reject(new SessionRequestError(msg.error));
      return;
    }
    case 'prompt':
      pendingPrompt.value = { promptId: msg.promptId, prompt: msg.prompt };
      return;
    case 'queue':
      queues.value = { ...queues.value, [msg.runId]: msg.items };
      return;
    case 'download': {
      const others = downloads.value.filter((d) => d.downloadId !== msg.download.downloadId);
      downloads.value = [...others, msg.download].sort((a, b) => a.startedAt - b.startedAt);
      return;
    }
    case 'log':
      sessionLog.value = [...sessionLog.value.slice(-1999), msg.entry];
      return;
    case 'connection':
      if (msg.state === 'restored') {
        connectionState.value = 'connected';
        connectionError.value = null;
      } else {
        connectionState.value = msg.state;
        connectionError.value = msg.error ?? null;
        if (msg.state === 'closed') {
          connectedInfo.value = null;
          sessionTarget.value = null;
        }
      }
      return;
  }
}

function ensureWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('../workers/session-worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  worker.onerror = (e) => {
    connectionState.value = 'closed';
    connectionError.value = { code: 'worker-failed', message: e.message || 'the session worker stopped' };
    for (const w of waiting.values()) w.reject(new SessionRequestError({ code: 'worker-failed', message: e.message }));
    waiting.clear();
    worker = null;
  };
  return worker;
}

/** Start the worker early (its script is fetched now, not mid-session). */
export function warmUpSession(): void {
  ensureWorker();
}

function call<T extends SessionReplyValue>(request: SessionRequest, transfer: Transferable[] = []): Promise<T> {
  const w = ensureWorker();
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (v: SessionReplyValue) => void, reject });
    w.postMessage({ type: 'request', id, request } satisfies ToWorker, transfer);
  });
}

export function answerPrompt(promptId: number, answer: PromptAnswer): void {
  pendingPrompt.value = null;
  ensureWorker().postMessage({ type: 'answer', promptId, answer } satisfies ToWorker);
}

export async function connect(req: ConnectRequest): Promise<ConnectedInfo> {
  connectionState.value = 'connecting';
  connectionError.value = null;
  sessionTarget.value = req.targetId;
  try {
    const info = await call<ConnectedInfo>({ op: 'connect', req });
    connectedInfo.value = info;
    connectionState.value = 'connected';
    return info;
  } catch (err) {
    connectionState.value = 'closed';
    connectionError.value = err instanceof SessionRequestError ? err.wire : { code: 'error', message: String(err) };
    throw err;
  }
}

export const listFolder = (path: string) => call<RemoteEntry[]>({ op: 'list', path });
export const realpath = (path: string) => call<string>({ op: 'realpath', path });
export const makeFolder = (path: string) => call<null>({ op: 'mkdir', path });
export const removeFile = (path: string) => call<null>({ op: 'remove', path });
export const removeFolder = (path: string) => call<null>({ op: 'rmdir', path });
export const renamePath = (from: string, to: string) => call<null>({ op: 'rename', from, to });
/** Streams `path` into `sink` (a port is handed over to the worker). */
export const download = (downloadId: string, path: string, size: number | undefined, sink: DownloadSink) =>
  call<{ bytes: number; blob?: Blob }>({ op: 'download', downloadId, path, ...(size !== undefined ? { size } : {}), sink }, sink.kind === 'stream' ? [sink.port] : []);
export const cancelDownload = (downloadId: string) => call<null>({ op: 'cancel-download', downloadId });
export const deliver = (run: DeliverRequest) => call<DeliveryReceipt>({ op: 'deliver', run });
/** Stops one file (or the run); its temporary file on the server is removed unless `keepPartial`. */
export const cancelDelivery = (runId: string, itemId?: number, keepPartial = false) =>
  call<null>({ op: 'cancel', runId, ...(itemId !== undefined ? { itemId } : {}), keepPartial });
export const retryDelivery = (runId: string, itemId: number) => call<DeliveryReceipt>({ op: 'retry', runId, itemId });

export async function disconnect(): Promise<void> {
  if (!worker) return;
  await call<null>({ op: 'disconnect' }).catch(() => undefined);
  connectedInfo.value = null;
  sessionTarget.value = null;
  connectionState.value = 'idle';
}
