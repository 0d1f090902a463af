// The browser's byte transport: a WebSocket to the gateway's /relay?target=<id>, binary frames
// both ways (standard WebSocket API only, so it also runs in workers and Node 22+). The gateway
// sees only SSH ciphertext. Its close codes (gateway/close-codes.ts, 4xxx + a reason string) are
// mapped by reason here without importing the gateway: core never depends on it.
import { SshConnectionError } from './errors.ts';
import type { ByteTransport } from './transport.ts';
import { concatBytes } from './wire.ts';

export interface WebSocketOptions {
  url: string;
  /** For messages, e.g. `gateway target rivm`. */
  description?: string;
  timeoutMs?: number;
  /** Pause writing while this many bytes wait in the socket (backpressure), default 4 MiB. */
  highWaterMark?: number;
  /** For tests in Node < 22: a WebSocket constructor (e.g. from `ws`). */
  WebSocketImpl?: typeof WebSocket;
}

/** A gateway close, as a typed error (undefined for an orderly end we asked for). */
export function gatewayCloseError(code: number, reason: string, where: string, opened: boolean): SshConnectionError {
  const details = { where, closeCode: code, reason };
  switch (reason) {
    case 'target-unreachable':
    case 'target-unresolvable':
      return new SshConnectionError('connection-refused', `the SFTP server behind ${where} could not be reached (${reason})`, details);
    case 'connect-timeout':
      return new SshConnectionError('timeout', `the SFTP server behind ${where} did not answer in time`, details);
    case 'target-lost':
    case 'target-closed':
      return new SshConnectionError('connection-lost', `the connection to the SFTP server behind ${where} was cut (${reason})`, details);
  }
  if (code >= 4000 || (code >= 1008 && code <= 1011) || code === 1001) {
    return new SshConnectionError('gateway-refused', `the gateway ended the connection to ${where}: ${reason || `code ${code}`}`, details);
  }
  if (!opened) return new SshConnectionError('connection-refused', `could not reach the gateway for ${where} (WebSocket code ${code})`, details);
  return new SshConnectionError('connection-lost', `the connection to ${where} was cut (WebSocket code ${code}${reason ? `, ${reason}` : ''})`, details);
}

export function connectWebSocket(options: WebSocketOptions): Promise<ByteTransport> {
  const where = options.description ?? options.url;
  const Impl = options.WebSocketImpl ?? globalThis.WebSocket;
  return new Promise((resolve, reject) => {
    const ws = new Impl(options.url);
    ws.binaryType = 'arraybuffer';
    const timer = setTimeout(() => {
      ws.close();
      reject(new SshConnectionError('timeout', `the gateway for ${where} did not answer within ${Math.round((options.timeoutMs ?? 15_000) / 1000)} s`, { where }));
    }, options.timeoutMs ?? 15_000);
    ws.onopen = () => {
      clearTimeout(timer);
      resolve(new WebSocketTransport(ws, where, options.highWaterMark ?? 4 * 1024 * 1024));
    };
    ws.onclose = (e) => {
      clearTimeout(timer);
      reject(gatewayCloseError(e.code, e.reason, where, false));
    };
    ws.onerror = () => {};
  });
}

/** Below the gateway's 1 MiB message limit, large enough to amortise per-message costs. */
const FRAME_BYTES = 256 * 1024;
/** A piece this large is a message of its own; smaller ones of different buffers are joined. */
const SEND_AS_IS = 32 * 1024;

const channel = typeof MessageChannel === 'function' ? new MessageChannel() : null;
const queued: (() => void)[] = [];
if (channel) {
  channel.port1.onmessage = () => queued.shift()?.();
  // In Node a listening port would keep the process alive.
  (channel.port1 as unknown as { unref?: () => void }).unref?.();
}
function nextMacrotask(fn: () => void): void {
  if (!channel) return void setTimeout(fn, 0);
  queued.push(fn);
  channel.port2.postMessage(0);
}

class WebSocketTransport implements ByteTransport {
  private closeHandler: ((e?: SshConnectionError) => void) | null = null;
  private dataHandler: ((chunk: Uint8Array) => void) | null = null;
  private early: Uint8Array[] = [];
  private ended = false;
  private closing = false;
  private closeError: SshConnectionError | undefined;
  private drainWaiters: (() => void)[] = [];
  private drainTimer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly ws: WebSocket, readonly description: string, private readonly highWaterMark: number) {
    ws.onmessage = (e: MessageEvent) => {
      const chunk = new Uint8Array(e.data as ArrayBuffer);
      if (this.dataHandler) this.dataHandler(chunk);
      else this.early.push(chunk);
    };
    ws.onclose = (e: CloseEvent) => {
      if (this.ended) return;
      this.ended = true;
      this.closeError = this.closing ? undefined : gatewayCloseError(e.code, e.reason, description, true);
      this.wakeWriters();
      this.closeHandler?.(this.closeError);
    };
  }

  private wakeWriters(): void {
    if (this.drainTimer) clearInterval(this.drainTimer);
    this.drainTimer = null;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * SSH packets written in one turn of the event loop go out as one WebSocket message (up to
   * FRAME_BYTES): one send() per 32 KiB packet costs an IPC hop in the browser and a frame in
   * the gateway each; measured, coalescing them lifts throughput noticeably. The packet encoder
   * hands over consecutive views of its large frame buffers (never reused), so a write that
   * continues the previous one in the same buffer just widens it: one view per message, never
   * a copy (send() copies the bytes itself). Only small pieces of different buffers are joined.
   */
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;

  private flush = (): void => {
    this.flushScheduled = false;
    if (this.pendingBytes === 0 || this.ended) return;
    const pieces = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    let small: Uint8Array[] = [];
    const sendSmall = () => {
      if (small.length === 0) return;
      this.send(small.length === 1 ? small[0]! : concatBytes(...small));
      small = [];
    };
    for (const p of pieces) {
      if (p.length >= SEND_AS_IS) {
        sendSmall();
        this.send(p);
      } else small.push(p);
    }
    sendSmall();
  };

  private send(bytes: Uint8Array): void {
    this.ws.send(bytes as Uint8Array<ArrayBuffer>);
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.ended) throw this.closeError ?? new SshConnectionError('connection-lost', `the connection to ${this.description} is closed`);
    const last = this.pending[this.pending.length - 1];
    if (last && last.buffer === data.buffer && last.byteOffset + last.length === data.byteOffset && last.length + data.length <= FRAME_BYTES) {
      this.pending[this.pending.length - 1] = new Uint8Array(last.buffer, last.byteOffset, last.length + data.length);
    } else this.pending.push(data);
    this.pendingBytes += data.length;
    if (this.pendingBytes >= FRAME_BYTES) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      // After the current chain of promise callbacks, before timers (no 4 ms clamping).
      nextMacrotask(this.flush);
    }
    if (this.ws.bufferedAmount + this.pendingBytes <= this.highWaterMark) return;
    // WebSocket has no drain event: poll bufferedAmount until it falls below half the mark.
    await new Promise<void>((resolve) => {
      this.drainWaiters.push(resolve);
      this.drainTimer ??= setInterval(() => {
        if (this.ws.bufferedAmount <= this.highWaterMark / 2) this.wakeWriters();
      }, 5);
    });
    if (this.ended && this.closeError) throw this.closeError;
  }

  onData(handler: (chunk: Uint8Array) => void): void {
    this.dataHandler = handler;
    for (const c of this.early) handler(c);
    this.early = [];
  }

  onClose(handler: (error?: SshConnectionError) => void): void {
    this.closeHandler = handler;
  }

  close(): void {
    if (this.ended) return;
    this.flush();
    this.closing = true;
    this.ws.close(1000, 'client-closed');
  }
}
