// An SSH channel as the SshChannelStream that SFTP uses: ordered reads with flow control (the
// window is only re-opened once the reader took the bytes, so a slow consumer slows the server).
import { Buffer } from 'buffer';
import type { SshChannel } from '@microsoft/dev-tunnels-ssh';
import type { SshChannelStream } from './channel.ts';
import type { SshError } from './errors.ts';

export class SshChannelAdapter implements SshChannelStream {
  private readonly chunks: Uint8Array[] = [];
  private waiting: { resolve: (c: Uint8Array | null) => void; reject: (e: Error) => void } | null = null;
  private ended = false;
  private failure: Error | null = null;
  /** Settles when the channel ends, so a send stuck waiting for window on a dead connection is released. */
  private readonly endedSignal: Promise<never>;
  private signalEnd!: (error: Error) => void;

  /** `connectionError` gives the session's typed error when the whole connection broke. */
  constructor(private readonly channel: SshChannel, private readonly connectionError: () => SshError | null) {
    this.endedSignal = new Promise<never>((_, reject) => (this.signalEnd = reject));
    this.endedSignal.catch(() => undefined);
    channel.onDataReceived((data: Buffer) => {
      // The library reuses its receive buffer: copy before the next packet overwrites it.
      this.push(new Uint8Array(data));
    });
    channel.onEof(() => this.finish(null));
    channel.onClosed(() => this.finish(this.connectionError()));
  }

  private push(chunk: Uint8Array): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      this.channel.adjustWindow(chunk.length);
      w.resolve(chunk);
    } else this.chunks.push(chunk);
  }

  private finish(error: Error | null): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    this.signalEnd(error ?? new Error('the SSH channel is closed'));
    if (this.waiting && this.chunks.length === 0) {
      const w = this.waiting;
      this.waiting = null;
      if (error) w.reject(error);
      else w.resolve(null);
    }
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.ended || this.channel.isClosed) throw this.connectionError() ?? new Error('the SSH channel is closed');
    try {
      // The library's send waits for the peer's window; on a connection that died it would wait for ever.
      await Promise.race([this.channel.send(Buffer.from(data.buffer, data.byteOffset, data.length)), this.endedSignal]);
    } catch (e) {
      throw this.connectionError() ?? e;
    }
  }

  read(): Promise<Uint8Array | null> {
    const chunk = this.chunks.shift();
    if (chunk) {
      this.channel.adjustWindow(chunk.length);
      return Promise.resolve(chunk);
    }
    if (this.ended) return this.failure ? Promise.reject(this.failure) : Promise.resolve(null);
    if (this.waiting) return Promise.reject(new Error('SshChannelStream.read: one read at a time'));
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  async close(): Promise<void> {
    this.finish(null);
    if (!this.channel.isClosed) {
      try {
        await this.channel.close();
      } catch {
        // Closing a channel of a broken connection: nothing left to tell the peer.
      }
    }
  }
}
