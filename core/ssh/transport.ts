// The byte pipe under SSH: a TCP socket in Node, a WebSocket to the gateway in the browser.
// SSH only needs ordered bytes with backpressure and a way to learn why the pipe ended.
import { Buffer } from 'buffer';
import { BaseStream } from '@microsoft/dev-tunnels-ssh';
import type { SshError } from './errors.ts';

export interface ByteTransport {
  /** For messages: `127.0.0.1:22`, `gateway target rivm`. */
  readonly description: string;
  /** Sends bytes; resolves once the transport can take more (backpressure). */
  write(data: Uint8Array): Promise<void>;
  /** Registers the single receiver of incoming bytes. */
  onData(handler: (chunk: Uint8Array) => void): void;
  /** Called once when the pipe ends: no error for an orderly close, a typed error otherwise. */
  onClose(handler: (error?: SshError) => void): void;
  close(): void;
}

/** Adapts a ByteTransport to the stream type dev-tunnels-ssh reads packets from. */
export class TransportStream extends BaseStream {
  /** Why the transport ended, if it was not an orderly close. */
  closeError: SshError | undefined;

  constructor(private readonly transport: ByteTransport) {
    super();
    transport.onData((chunk) => this.onData(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)));
    transport.onClose((error) => {
      this.closeError = error;
      if (error) this.onError(error);
      else this.onEnd();
    });
  }

  async write(data: Buffer): Promise<void> {
    if (this.disposed) throw new Error('transport closed');
    await this.transport.write(data);
  }

  async close(): Promise<void> {
    this.transport.close();
    this.onEnd();
  }

  override dispose(): void {
    this.transport.close();
    super.dispose();
  }
}
