// One SSH channel as the SshChannelStream that SFTP uses: ordered reads with flow control (the
// window is only re-opened once the reader took the bytes, so a slow consumer slows the
// server), writes that wait for the peer's window. Fed by the driver's events.
import type { SshChannelStream } from './channel.ts';
import { SshError } from './errors.ts';

/** What a channel needs from its connection's driver. */
export interface ChannelHost {
  /** Sends what the window allows; returns the bytes taken. */
  write(channel: number, data: Uint8Array): number;
  consumed(channel: number, n: number): void;
  closeChannel(channel: number): void;
  /** Resolves when the transport can take more bytes. */
  drained(): Promise<void>;
  /** The connection's failure, if it broke. */
  failure(): SshError | null;
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

export class DriverChannel implements SshChannelStream {
  private readonly chunks: Uint8Array[] = [];
  private reader: Waiter<Uint8Array | null> | null = null;
  private writer: Waiter<void> | null = null;
  private closedWaiter: (() => void) | null = null;
  private eof = false;
  private ended = false;
  private endError: SshError | null = null;
  exitStatus: number | null = null;

  constructor(readonly id: number, private readonly host: ChannelHost) {}

  // ---- from the driver ----

  data(chunk: Uint8Array): void {
    if (this.reader) {
      const r = this.reader;
      this.reader = null;
      this.host.consumed(this.id, chunk.length);
      r.resolve(chunk);
    } else this.chunks.push(chunk);
  }

  endOfData(): void {
    this.eof = true;
    this.wakeReader();
  }

  writable(): void {
    const w = this.writer;
    this.writer = null;
    w?.resolve();
  }

  /** The channel is gone (closed by the server, by us, or with the connection). */
  closed(error: SshError | null): void {
    if (this.ended) return;
    this.ended = true;
    this.endError = error;
    this.eof = true;
    this.wakeReader();
    const w = this.writer;
    this.writer = null;
    w?.reject(error ?? this.closedError());
    this.closedWaiter?.();
  }

  private wakeReader(): void {
    if (!this.reader || this.chunks.length > 0) return;
    const r = this.reader;
    this.reader = null;
    if (this.endError) r.reject(this.endError);
    else r.resolve(null);
  }

  private closedError(): SshError {
    return this.host.failure() ?? new SshError('channel-refused', 'the SSH channel is closed', {});
  }

  // ---- SshChannelStream ----

  async write(data: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      if (this.ended) throw this.endError ?? this.closedError();
      await this.host.drained();
      if (this.ended) throw this.endError ?? this.closedError();
      offset += this.host.write(this.id, offset === 0 ? data : data.subarray(offset));
      if (offset < data.length) await new Promise<void>((resolve, reject) => (this.writer = { resolve, reject }));
    }
  }

  read(): Promise<Uint8Array | null> {
    const chunk = this.chunks.shift();
    if (chunk) {
      this.host.consumed(this.id, chunk.length);
      return Promise.resolve(chunk);
    }
    if (this.eof) return this.endError ? Promise.reject(this.endError) : Promise.resolve(null);
    if (this.reader) return Promise.reject(new Error('SshChannelStream.read: one read at a time'));
    return new Promise((resolve, reject) => (this.reader = { resolve, reject }));
  }

  /** Sends EOF and CLOSE; resolves when the server closed its side too (or after `waitMs`). */
  async close(waitMs = 10_000): Promise<void> {
    if (this.ended) return;
    this.eof = true;
    this.wakeReader();
    const done = new Promise<void>((resolve) => (this.closedWaiter = resolve));
    this.host.closeChannel(this.id);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
  }
}
