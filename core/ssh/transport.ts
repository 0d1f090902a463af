// The byte pipe under SSH: a TCP socket in Node, a WebSocket to the gateway in the browser.
// SSH only needs ordered bytes with backpressure and a way to learn why the pipe ended.
import type { SshError } from './errors.ts';

export interface ByteTransport {
  /** For messages: `127.0.0.1:22`, `gateway target rivm`. */
  readonly description: string;
  /**
   * Sends bytes; resolves once the transport can take more (backpressure). The caller never
   * reuses `data` afterwards, so it may be sent without a copy.
   */
  write(data: Uint8Array): Promise<void>;
  /** Registers the single receiver of incoming bytes; each chunk is handed over (the receiver may change it). */
  onData(handler: (chunk: Uint8Array) => void): void;
  /** Called once when the pipe ends: no error for an orderly close, a typed error otherwise. */
  onClose(handler: (error?: SshError) => void): void;
  close(): void;
}
