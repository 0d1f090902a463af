// connectSsh: the async driver around the sans-IO client core. It is the only part that waits:
// it moves bytes between the ByteTransport and the core, keeps the clock (handshake timeout,
// re-key by time), answers the core's questions (host-key policy, the user key's signature,
// keyboard-interactive prompts) and exposes the connection and its channels. Whatever fails
// first is what every caller hears: the core keeps that error, later closes do not replace it.
import type { SshChannelStream } from './channel.ts';
import { SshClientCore, type NegotiatedAlgorithms } from './client-core.ts';
import { DriverChannel, type ChannelHost } from './channel-stream.ts';
import { SshConnectionError, SshError } from './errors.ts';
import type { KeyboardInteractivePrompt, SshEvent, SshWarning } from './events.ts';
import type { HostKeyInfo, HostKeyPolicy } from './host-key-policy.ts';
import type { AlgorithmPreferences } from './offer.ts';
import type { ByteTransport } from './transport.ts';
import type { SshUserKey } from './user-key.ts';

export type { KeyboardInteractivePrompt, NegotiatedAlgorithms, SshWarning };

export interface SshAuthOptions {
  key?: SshUserKey;
  password?: string;
  /** Answers keyboard-interactive prompts. Without it, password prompts get `password`. */
  keyboardInteractive?: (prompts: KeyboardInteractivePrompt[], instruction: string) => Promise<string[]>;
}

export interface ConnectOptions {
  /** What pins are stored under and messages name: `host:port` or the gateway target id. */
  target: string;
  username: string;
  hostKeyPolicy: HostKeyPolicy;
  auth: SshAuthOptions;
  algorithms?: AlgorithmPreferences;
  /** Sign with ssh-rsa (RSA with SHA-1) where a server accepts nothing better; a warning says so. */
  allowSshRsa?: boolean;
  /** Whole handshake (kex + host key + auth), default 30 s. Host-key and password prompts are not counted. */
  timeoutMs?: number;
  /** Re-key after this many bytes either way (default 1 GiB). */
  rekeyBytes?: number;
  /** Re-key after this long (default 1 hour). */
  rekeyIntervalMs?: number;
  /** The server's pre-login notice (SSH_MSG_USERAUTH_BANNER), as it arrives; also kept in `SshConnection.banner`. */
  onBanner?: (text: string) => void;
  /** Risks worth telling the user about (SHA-1 signatures, no strict kex with chacha20). */
  onWarning?: (warning: SshWarning) => void;
  /** Receive window of each channel we open, default 8 MiB (bounds what the server may send ahead). */
  channelWindowBytes?: number;
  /** The largest data packet we accept on a channel, default 32 KiB. */
  channelMaxPacket?: number;
}

export interface SshConnection {
  readonly hostKey: HostKeyInfo;
  readonly algorithms: NegotiatedAlgorithms;
  readonly serverVersion: string;
  /** The server's pre-login notice, '' if none (control characters removed). */
  readonly banner: string;
  /** Completed key exchanges: 1 after connecting, +1 per re-key (either side may start one). */
  readonly keyExchanges: number;
  /** Opens a channel with `name` as subsystem; several may be open at once, each with its own window. */
  openSubsystem(name: string): Promise<SshChannelStream>;
  /** Runs a command (tests and benchmarks use `cat > /dev/null`). */
  exec(command: string): Promise<SshChannelStream>;
  close(): Promise<void>;
  /** Called once when the connection ends; with an error unless we closed it. */
  onClose(handler: (error?: SshError) => void): void;
}

/** How often the clock is given to the core (re-key by time). */
const TICK_MS = 30_000;

class Connection implements SshConnection, ChannelHost {
  private readonly core: SshClientCore;
  private readonly channels = new Map<number, DriverChannel>();
  private readonly opening = new Map<number, { resolve(c: DriverChannel): void; reject(e: SshError): void }>();
  private readonly closeHandlers: ((error?: SshError) => void)[] = [];
  private servicing = false;
  private again = false;
  private watching = false;
  private lastWrite: Promise<void> = Promise.resolve();
  private transportEnded = false;
  private closedByUs = false;
  private ended = false;
  private endError: SshError | null = null;
  private ready: { resolve(): void; reject(e: SshError): void } | null = null;
  private prompting = 0;
  private ticker: ReturnType<typeof setInterval> | null = null;
  banner = '';

  constructor(private readonly transport: ByteTransport, private readonly o: ConnectOptions) {
    this.core = new SshClientCore({
      username: o.username,
      where: o.target,
      ...(o.algorithms ? { algorithms: o.algorithms } : {}),
      ...(o.auth.key ? { key: { publicKeyBlob: o.auth.key.publicKeyBlob, algorithms: o.auth.key.algorithms } } : {}),
      ...(o.auth.password !== undefined ? { password: o.auth.password } : {}),
      keyboardInteractive: !!o.auth.keyboardInteractive,
      allowSshRsa: o.allowSshRsa ?? false,
      ...(o.rekeyBytes ? { rekeyBytes: o.rekeyBytes } : {}),
      ...(o.rekeyIntervalMs ? { rekeyIntervalMs: o.rekeyIntervalMs } : {}),
      ...(o.channelWindowBytes ? { channelWindowBytes: o.channelWindowBytes } : {}),
      ...(o.channelMaxPacket ? { channelMaxPacket: o.channelMaxPacket } : {}),
      now: Date.now(),
    });
    transport.onData((chunk) => {
      this.core.receive(chunk);
      this.service();
    });
    transport.onClose((error) => {
      this.transportEnded = true;
      this.core.transportClosed(error);
      this.service();
    });
  }

  /** Resolves once authenticated; rejects with the first failure. */
  handshake(): Promise<void> {
    const timeoutMs = this.o.timeoutMs ?? 30_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      timer = setTimeout(() => {
        // Waiting for a person (host key, password prompt) is not the server's delay.
        if (this.prompting > 0) return arm();
        this.core.abort(new SshConnectionError('timeout', `no answer from ${this.o.target} within ${Math.round(timeoutMs / 1000)} s`, { where: this.o.target, seconds: timeoutMs / 1000 }));
        this.service();
      }, timeoutMs);
    };
    arm();
    const done = new Promise<void>((resolve, reject) => (this.ready = { resolve, reject }));
    this.service();
    return done.finally(() => clearTimeout(timer));
  }

  // ---- moving bytes and events ----

  private service(): void {
    if (this.servicing) {
      this.again = true;
      return;
    }
    this.servicing = true;
    try {
      do {
        this.again = false;
        for (let e = this.core.nextEvent(); e; e = this.core.nextEvent()) this.onEvent(e);
        this.flush();
        this.watchCrypto();
      } while (this.again);
    } finally {
      this.servicing = false;
    }
  }

  private flush(): void {
    for (let out = this.core.takeOutput(); out; out = this.core.takeOutput()) {
      if (this.transportEnded) continue;
      this.lastWrite = this.transport.write(out).catch(() => undefined);
    }
    if (this.ended && !this.transportEnded) {
      this.transportEnded = true;
      void this.lastWrite.then(() => this.transport.close());
    }
  }

  /** Asynchronous crypto (WebCrypto) in flight: continue when it is done. */
  private watchCrypto(): void {
    if (this.watching) return;
    const pending = this.core.pending();
    if (!pending) return;
    this.watching = true;
    void pending.then(() => {
      this.watching = false;
      this.core.pump();
      this.service();
    });
  }

  private onEvent(e: SshEvent): void {
    switch (e.type) {
      case 'host-key':
        return this.ask(
          this.o.hostKeyPolicy.verify(e.key),
          () => this.core.answerHostKey(null),
          (x) => this.core.answerHostKey(x instanceof SshError ? x : new SshError('host-key-rejected', `the host key of ${this.o.target} could not be checked: ${String(x)}`, { host: this.o.target })),
        );
      case 'sign': {
        const key = this.o.auth.key!;
        void key.sign(e.algorithm, e.data).then(
          (sig) => (this.core.answerSignature(e.id, sig), this.service()),
          (x: unknown) => (this.core.answerSignature(e.id, x instanceof Error ? x : new Error(String(x))), this.service()),
        );
        return;
      }
      case 'prompt': {
        const handler = this.o.auth.keyboardInteractive!;
        return this.ask(
          handler(e.prompts, e.instruction || e.name),
          (answers) => this.core.answerPrompt(e.id, answers),
          () => this.core.answerPrompt(e.id, null),
        );
      }
      case 'banner':
        this.banner += e.text;
        this.o.onBanner?.(e.text);
        return;
      case 'warning':
        this.o.onWarning?.(e.warning);
        return;
      case 'authenticated':
        this.ticker = setInterval(() => (this.core.tick(Date.now()), this.service()), TICK_MS);
        (this.ticker as unknown as { unref?: () => void }).unref?.();
        this.ready?.resolve();
        this.ready = null;
        return;
      case 'kex-done':
        return;
      case 'channel-open': {
        const channel = new DriverChannel(e.channel, this);
        this.channels.set(e.channel, channel);
        this.opening.get(e.channel)?.resolve(channel);
        this.opening.delete(e.channel);
        return;
      }
      case 'channel-refused':
        this.opening.get(e.channel)?.reject(e.error);
        this.opening.delete(e.channel);
        return;
      case 'channel-data':
        return this.channels.get(e.channel)?.data(e.data);
      case 'channel-eof':
        return this.channels.get(e.channel)?.endOfData();
      case 'channel-writable':
        return this.channels.get(e.channel)?.writable();
      case 'exit-status': {
        const c = this.channels.get(e.channel);
        if (c) c.exitStatus = e.status;
        return;
      }
      case 'channel-closed': {
        const error = this.core.closed && !this.closedByUs ? this.core.error : null;
        this.channels.get(e.channel)?.closed(error);
        this.channels.delete(e.channel);
        const opening = this.opening.get(e.channel);
        this.opening.delete(e.channel);
        opening?.reject(error ?? new SshError('channel-refused', `${this.o.target} closed the channel while it was being opened`, { where: this.o.target }));
        return;
      }
      case 'closed':
        return this.onClosed(e.error);
    }
  }

  /** Waits for a person or a policy; the handshake clock stops meanwhile. */
  private ask<T>(question: Promise<T>, yes: (answer: T) => void, no: (e: unknown) => void): void {
    this.prompting++;
    void question.then(
      (answer) => {
        this.prompting--;
        yes(answer);
        this.service();
      },
      (x: unknown) => {
        this.prompting--;
        no(x);
        this.service();
      },
    );
  }

  private onClosed(error: SshError | null): void {
    this.ended = true;
    this.endError = error;
    if (this.ticker) clearInterval(this.ticker);
    const failure = error ?? new SshConnectionError('connection-lost', `the connection to ${this.o.target} is closed`, { where: this.o.target });
    this.ready?.reject(failure);
    this.ready = null;
    for (const [id, waiter] of this.opening) {
      waiter.reject(failure);
      this.opening.delete(id);
    }
    for (const c of this.channels.values()) c.closed(error);
    this.channels.clear();
    for (const h of this.closeHandlers) h(this.closedByUs ? undefined : (error ?? undefined));
  }

  // ---- ChannelHost ----

  write(channel: number, data: Uint8Array): number {
    const n = this.core.write(channel, data);
    this.service();
    return n;
  }

  consumed(channel: number, n: number): void {
    this.core.consumed(channel, n);
    this.service();
  }

  closeChannel(channel: number): void {
    this.core.closeChannel(channel);
    this.service();
  }

  drained(): Promise<void> {
    return this.lastWrite;
  }

  failure(): SshError | null {
    return this.closedByUs ? null : this.core.error;
  }

  // ---- SshConnection ----

  get hostKey(): HostKeyInfo {
    return this.core.hostKey!;
  }

  get algorithms(): NegotiatedAlgorithms {
    return this.core.algorithms!;
  }

  get serverVersion(): string {
    return this.core.serverVersion;
  }

  get keyExchanges(): number {
    return this.core.keyExchanges;
  }

  openSubsystem(name: string): Promise<SshChannelStream> {
    return this.openChannel({ type: 'subsystem', name });
  }

  exec(command: string): Promise<SshChannelStream> {
    return this.openChannel({ type: 'exec', command });
  }

  private openChannel(request: Parameters<SshClientCore['openChannel']>[0]): Promise<SshChannelStream> {
    if (this.ended) return Promise.reject(this.endError ?? new SshConnectionError('connection-lost', `the connection to ${this.o.target} is closed`, { where: this.o.target }));
    const id = this.core.openChannel(request);
    const opened = new Promise<DriverChannel>((resolve, reject) => this.opening.set(id, { resolve, reject }));
    this.service();
    return opened;
  }

  async close(): Promise<void> {
    if (this.ended) return;
    this.closedByUs = true;
    this.core.disconnect('bye');
    this.service();
    await this.lastWrite;
  }

  onClose(handler: (error?: SshError) => void): void {
    if (this.ended) handler(this.closedByUs ? undefined : (this.endError ?? undefined));
    else this.closeHandlers.push(handler);
  }
}

export async function connectSsh(transport: ByteTransport, options: ConnectOptions): Promise<SshConnection> {
  const connection = new Connection(transport, options);
  await connection.handshake();
  return connection;
}
