// Node-only: a TCP socket as the SSH byte transport (CLI and tests). Never bundled for the browser.
import { connect, type Socket } from 'node:net';
import { SshConnectionError } from './errors.ts';
import type { ByteTransport } from './transport.ts';

export interface TcpOptions {
  host: string;
  port: number;
  /** TCP connect timeout, default 15 s. */
  timeoutMs?: number;
}

export function connectTcp({ host, port, timeoutMs = 15_000 }: TcpOptions): Promise<ByteTransport> {
  const where = `${host}:${port}`;
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host, port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new SshConnectionError('timeout', `could not reach ${where} within ${Math.round(timeoutMs / 1000)} s`, { where }));
    }, timeoutMs);
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new SshConnectionError(
          'connection-refused',
          e.code === 'ECONNREFUSED' ? `${where} refused the connection (nothing listens on that port, or a firewall rejects us)` : `could not connect to ${where}: ${e.code ?? e.message}`,
          { where, errno: e.code },
          { cause: e },
        ),
      );
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(new TcpTransport(socket, where));
    });
  });
}

class TcpTransport implements ByteTransport {
  private closeHandler: ((e?: SshConnectionError) => void) | null = null;
  private ended = false;
  private error: SshConnectionError | undefined;
  private closing = false;
  private drained: Promise<void> | null = null;

  constructor(private readonly socket: Socket, readonly description: string) {
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (!this.closing) this.error ??= new SshConnectionError('connection-lost', `the connection to ${description} was cut (${e.code ?? e.message})`, { where: description, errno: e.code }, { cause: e });
    });
    socket.on('close', () => this.finish());
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    // The server hanging up while we did not ask is a cut connection for us.
    const error = this.closing ? undefined : (this.error ?? new SshConnectionError('connection-lost', `${this.description} closed the connection`, { where: this.description }));
    this.closeHandler?.(error);
  }

  write(data: Uint8Array): Promise<void> {
    if (this.ended) return Promise.reject(this.error ?? new SshConnectionError('connection-lost', `the connection to ${this.description} is closed`));
    const flushed = this.socket.write(data);
    if (flushed && !this.drained) return Promise.resolve();
    // Writes made while the socket's buffer is full share one wait for 'drain' (or the end): one
    // listener pair however many writes the driver has in flight.
    this.drained ??= new Promise<void>((resolve, reject) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        this.drained = null;
        if (this.ended && !this.closing) reject(this.error ?? new SshConnectionError('connection-lost', `the connection to ${this.description} was cut`));
        else resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
    return this.drained;
  }

  onData(handler: (chunk: Uint8Array) => void): void {
    // A plain Uint8Array view (no copy): what the SSH core hands on never turns out to be a Buffer.
    this.socket.on('data', (chunk: Buffer) => handler(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
  }

  onClose(handler: (error?: SshConnectionError) => void): void {
    this.closeHandler = handler;
  }

  close(): void {
    this.closing = true;
    this.socket.destroy();
  }
}
