// The SSH client as a sans-IO state machine: bytes in (`receive`), bytes out (`takeOutput`),
// events out (`nextEvent`), answers in (host key, signature, prompt). No sockets, no timers:
// the driver (connection.ts) moves the bytes and keeps the clock (`tick`). It never throws at
// its caller: a violation becomes a DISCONNECT to the server and one 'closed' event. The first
// failure is the one kept: whatever follows it (the server hanging up, the transport closing)
// never replaces it. Here: the phases and the dispatch of messages by number; the key-exchange
// rounds live in kex-rounds.ts, authentication in userauth.ts, channels in channels.ts.
import { Channels, type ChannelRequest } from './channels.ts';
import { AuthenticationError, disconnectReasonFor, SshConnectionError, SshError, SshProtocolError } from './errors.ts';
import type { SshEvent, SshWarning } from './events.ts';
import type { describeHostKey } from './host-key-policy.ts';
import { KexRounds, type NegotiatedAlgorithms } from './kex-rounds.ts';
import { DISCONNECT, disconnectReasonName, isKexMessage, MSG } from './messages.ts';
import { offeredAlgorithms, type AlgorithmPreferences } from './offer.ts';
import { PacketDecoder } from './packet-decoder.ts';
import { PacketEncoder } from './packet-encoder.ts';
import { UserAuth } from './userauth.ts';
import { VersionExchange } from './version.ts';
import { decodeNameList, lenientText, SshReader, SshWriter } from './wire.ts';

export type { NegotiatedAlgorithms };

export interface ClientCoreOptions {
  username: string;
  /** For messages and the host-key prompt: `host:port` or the gateway target id. */
  where: string;
  algorithms?: AlgorithmPreferences;
  key?: { publicKeyBlob: Uint8Array; algorithms: readonly string[] };
  password?: string;
  /** The driver answers keyboard-interactive prompts (else they are answered with `password`). */
  keyboardInteractive?: boolean;
  allowSshRsa?: boolean;
  /** Re-key after this many bytes in either direction (RFC 4253 §9: about 1 GB). */
  rekeyBytes?: number;
  /** Re-key after this long (RFC 4253 §9: about an hour). */
  rekeyIntervalMs?: number;
  channelWindowBytes?: number;
  channelMaxPacket?: number;
  /** The clock at construction (ms); later times come through `tick`. */
  now?: number;
}

type Phase = 'version' | 'kex' | 'service' | 'auth' | 'open' | 'closed';

const PHASE_NAME: Record<Phase, string> = {
  version: 'the version exchange',
  kex: 'the key exchange',
  service: 'the key exchange',
  auth: 'authentication',
  open: 'the session',
  closed: 'the session',
};

const GIB = 1024 * 1024 * 1024;
const HOUR = 3600_000;

export class SshClientCore {
  private readonly encoder = new PacketEncoder();
  private readonly decoder = new PacketDecoder();
  private readonly version = new VersionExchange();
  private readonly events: SshEvent[] = [];
  private readonly userauth: UserAuth;
  private readonly channels: Channels;
  private readonly rounds: KexRounds;
  private phase: Phase = 'version';
  private versionOut: Uint8Array | null = VersionExchange.clientLine();
  private now: number;
  private failure: SshError | null = null;

  constructor(private readonly o: ClientCoreOptions) {
    this.now = o.now ?? 0;
    this.rounds = new KexRounds(
      { offer: offeredAlgorithms(o.algorithms), where: o.where, rekeyBytes: o.rekeyBytes ?? GIB, rekeyIntervalMs: o.rekeyIntervalMs ?? HOUR },
      this.encoder,
      this.decoder,
      { emit: (e) => this.events.push(e), now: () => this.now, roundDone: (first) => this.roundDone(first) },
    );
    const sink = { send: (p: Uint8Array, body?: Uint8Array) => this.send(p, body), emit: (e: SshEvent) => this.events.push(e), warn: (w: SshWarning) => this.events.push({ type: 'warning', warning: w }) };
    this.userauth = new UserAuth(
      {
        username: o.username,
        where: o.where,
        ...(o.key ? { key: o.key } : {}),
        ...(o.password !== undefined ? { password: o.password } : {}),
        keyboardInteractive: o.keyboardInteractive ?? false,
        allowSshRsa: o.allowSshRsa ?? false,
      },
      sink,
    );
    this.channels = new Channels({ windowBytes: o.channelWindowBytes ?? 8 * 1024 * 1024, maxPacket: o.channelMaxPacket ?? 32 * 1024 }, sink, o.where);
    // Our KEXINIT goes out with our version line, before anything from the server (RFC 4253 §7.1 allows it).
    this.rounds.start();
  }

  /** Completed key exchanges: 1 after connecting, +1 per re-key. */
  get keyExchanges(): number {
    return this.rounds.count;
  }

  get serverVersion(): string {
    return this.rounds.serverVersion;
  }

  get algorithms(): NegotiatedAlgorithms | null {
    return this.rounds.algorithms;
  }

  get hostKey(): ReturnType<typeof describeHostKey> | null {
    return this.rounds.hostKey;
  }

  // ---- the driver's side ------------------------------------------------------------------

  /** Bytes from the server. */
  receive(bytes: Uint8Array): void {
    if (this.phase === 'closed') return;
    try {
      if (this.phase === 'version') {
        const got = this.version.receive(bytes);
        if (!got) return;
        this.rounds.serverVersion = got.version.line;
        this.phase = 'kex';
        bytes = got.rest;
      }
      this.decoder.push(bytes);
    } catch (e) {
      return this.fail(e);
    }
    this.pump();
  }

  /** Processes what can be processed now (call again when `pending` resolves). */
  pump(): void {
    try {
      while (this.phase !== 'closed' && !this.rounds.awaitingHostKey) {
        const payload = this.decoder.next();
        if (!payload) break;
        this.dispatch(payload);
      }
      if (this.encoder.error) throw new SshProtocolError(`encryption failed: ${this.encoder.error.message}`, {}, { cause: this.encoder.error });
      this.checkRekey();
    } catch (e) {
      this.fail(e);
    }
  }

  /** Bytes to send, in order; null when there are none (yet: see `pending`). */
  takeOutput(): Uint8Array | null {
    if (this.versionOut) {
      const v = this.versionOut;
      this.versionOut = null;
      return v;
    }
    return this.encoder.takeOutput();
  }

  nextEvent(): SshEvent | null {
    return this.events.shift() ?? null;
  }

  /** Resolves when asynchronous crypto (WebCrypto) finished something: then `pump` and take output. */
  pending(): Promise<void> | null {
    const a = this.encoder.pending();
    const b = this.decoder.pending();
    if (a && b) return Promise.race([a, b]);
    return a ?? b;
  }

  /** The clock moved: re-key by time. */
  tick(nowMs: number): void {
    this.now = nowMs;
    this.pump();
  }

  /** The driver's verdict on the host key: null to go on, or the error that stops the connection. */
  answerHostKey(error: SshError | null): void {
    if (!this.rounds.awaitingHostKey) return;
    if (error) return this.fail(error);
    try {
      this.rounds.hostKeyAccepted();
    } catch (e) {
      return this.fail(e);
    }
    this.pump();
  }

  answerSignature(id: number, signature: Uint8Array | Error): void {
    this.answer(() => {
      if (signature instanceof Error) {
        throw signature instanceof SshError ? signature : new AuthenticationError('auth-failed', `the key could not sign: ${signature.message}`, { where: this.o.where, user: this.o.username });
      }
      this.userauth.answerSignature(id, signature);
    });
  }

  answerPrompt(id: number, answers: string[] | null): void {
    this.answer(() => this.userauth.answerPrompt(id, answers));
  }

  private answer(f: () => void): void {
    if (this.phase === 'closed') return;
    try {
      f();
    } catch (e) {
      return this.fail(e);
    }
    this.pump();
  }

  /** Opens a session channel with a subsystem or exec request; 'channel-open' or 'channel-refused' follows. */
  openChannel(request: ChannelRequest): number {
    if (this.phase !== 'open') throw this.failure ?? new SshError('channel-refused', `not connected to ${this.o.where}`, { where: this.o.where });
    return this.channels.open(request);
  }

  /** Sends up to the window's worth of `data`; returns the bytes taken (fewer: wait for 'channel-writable'). */
  write(channel: number, data: Uint8Array): number {
    if (this.failure) throw this.failure;
    if (this.rounds.running) {
      // No channel data between our KEXINIT and the end of the exchange (RFC 4253 §7.1).
      this.channels.waitForWrite(channel);
      return 0;
    }
    const n = this.channels.write(channel, data);
    this.checkRekey();
    return n;
  }

  /** The consumer took `n` bytes of the channel's data: the window may re-open. */
  consumed(channel: number, n: number): void {
    if (this.phase === 'open') this.channels.consumed(channel, n);
  }

  eof(channel: number): void {
    if (this.phase === 'open') this.channels.eof(channel);
  }

  closeChannel(channel: number): void {
    if (this.phase === 'open') this.channels.close(channel);
  }

  /** Ends the connection with `error` (the driver's timeout); kept only if nothing failed before. */
  abort(error: SshError): void {
    this.fail(error);
  }

  /** Ends the connection by our choice: DISCONNECT (by application), then 'closed' without error. */
  disconnect(description = 'bye'): void {
    if (this.phase === 'closed') return;
    this.sendDisconnect(DISCONNECT.BY_APPLICATION, description);
    this.close(null);
  }

  /** The transport ended: without an error of our own first, this is the connection's failure. */
  transportClosed(error?: SshError): void {
    if (this.phase === 'closed') return;
    const where = this.o.where;
    const phase = this.phase;
    if (!error || error.code === 'connection-lost') {
      const message = `${where} closed the connection during ${PHASE_NAME[phase]}${phase === 'kex' && !this.rounds.theirKexInitSeen ? ' (before it sent its algorithms)' : ''}`;
      error = new SshConnectionError('connection-lost', message, { ...(error?.details ?? {}), where, phase }, { cause: error });
    }
    this.close(error);
  }

  get closed(): boolean {
    return this.phase === 'closed';
  }

  /** The first failure, kept (null while all is well or after an orderly close). */
  get error(): SshError | null {
    return this.failure;
  }

  get authenticated(): boolean {
    return this.phase === 'open';
  }

  // ---- sending ------------------------------------------------------------------------------

  /** A message outside the key exchange: held back while one runs (RFC 4253 §7.1). */
  private send(head: Uint8Array, body?: Uint8Array): void {
    if (this.phase === 'closed') return;
    if (this.rounds.running) this.rounds.hold(head, body);
    else this.encoder.enqueue(head, body);
  }

  private sendDisconnect(reason: number, description: string): void {
    this.encoder.enqueue(new SshWriter(64).byte(MSG.DISCONNECT).uint32(reason).string(description.slice(0, 200)).string('').bytes());
  }

  /** A key exchange ended: after the first, the authentication service is asked for. */
  private roundDone(first: boolean): void {
    if (first) {
      this.phase = 'service';
      this.encoder.enqueue(new SshWriter(32).byte(MSG.SERVICE_REQUEST).string('ssh-userauth').bytes());
    }
    this.channels.resume();
  }

  private checkRekey(): void {
    if (this.phase === 'open') this.rounds.checkLimits();
  }

  // ---- receiving ----------------------------------------------------------------------------

  private dispatch(payload: Uint8Array): void {
    const type = payload[0]!;
    if (this.phase === 'kex') this.rounds.checkInitial(type);
    if (this.rounds.handle(type, payload)) return;
    switch (type) {
      case MSG.DISCONNECT:
        return this.onDisconnect(payload);
      case MSG.IGNORE:
      case MSG.DEBUG:
      case MSG.UNIMPLEMENTED:
        return;
      case MSG.EXT_INFO:
        return this.onExtInfo(payload);
      case MSG.SERVICE_ACCEPT:
        if (this.phase !== 'service') throw new SshProtocolError('unexpected SERVICE_ACCEPT');
        this.phase = 'auth';
        this.userauth.start(this.rounds.session);
        return;
      case MSG.GLOBAL_REQUEST:
        return this.onGlobalRequest(payload);
      case MSG.REQUEST_SUCCESS:
      case MSG.REQUEST_FAILURE:
        return;
      case MSG.CHANNEL_OPEN:
        return this.refuseChannelOpen(payload);
    }
    if (isKexMessage(type)) throw new SshProtocolError(`unexpected key-exchange message ${type}`);
    if (type >= 50 && type <= 79) {
      if (this.phase === 'open') return; // late authentication messages are ignored (RFC 4252 §5.1)
      if (this.phase !== 'auth') throw new SshProtocolError(`authentication message ${type} before the authentication service started`);
      this.userauth.handle(type, payload);
      if (this.userauth.succeeded) this.phase = 'open';
      return;
    }
    if (type >= 91 && type <= 100) {
      if (this.phase !== 'open') throw new SshProtocolError(`channel message ${type} before authentication`);
      this.channels.handle(type, payload);
      return;
    }
    // RFC 4253 §11.4: an unknown message is answered, not fatal.
    this.send(new SshWriter(5).byte(MSG.UNIMPLEMENTED).uint32(this.decoder.lastSequence).bytes());
  }

  private onExtInfo(payload: Uint8Array): void {
    if (!this.rounds.extInfoAllowed) throw new SshProtocolError('EXT_INFO before NEWKEYS');
    const r = new SshReader(payload, (w) => new SshProtocolError(`malformed EXT_INFO: ${w}`), 1);
    const count = r.uint32('extension count');
    for (let i = 0; i < count; i++) {
      const name = lenientText(r.string('extension name'));
      const value = r.string('extension value');
      if (name === 'server-sig-algs') this.userauth.setServerSigAlgs(decodeNameList(value, (w) => new SshProtocolError(`malformed EXT_INFO: ${w}`), 'server-sig-algs'));
    }
  }

  private onGlobalRequest(payload: Uint8Array): void {
    const r = new SshReader(payload, (w) => new SshProtocolError(`malformed global request: ${w}`), 1);
    r.string('request name');
    // keepalive@openssh.com, hostkeys-00@openssh.com, …: none is served; a reply is what keeps the peer happy.
    if (r.boolean('want reply')) this.send(Uint8Array.of(MSG.REQUEST_FAILURE));
  }

  private refuseChannelOpen(payload: Uint8Array): void {
    const r = new SshReader(payload, (w) => new SshProtocolError(`malformed channel open: ${w}`), 1);
    r.string('channel type');
    const sender = r.uint32('sender channel');
    this.send(new SshWriter(64).byte(MSG.CHANNEL_OPEN_FAILURE).uint32(sender).uint32(1).string('not accepted by this client').string('').bytes());
  }

  private onDisconnect(payload: Uint8Array): void {
    const r = new SshReader(payload, (w) => new SshProtocolError(`malformed DISCONNECT: ${w}`), 1);
    const reason = r.uint32('reason');
    const text = lenientText(r.string('description')).slice(0, 500);
    const where = this.o.where;
    let error: SshError;
    if (this.phase === 'auth') error = this.userauth.failure(text);
    else {
      const transient = reason === DISCONNECT.CONNECTION_LOST || reason === DISCONNECT.BY_APPLICATION || reason === 12;
      error = new SshConnectionError('connection-lost', `${where} closed the connection${text ? `: ${text}` : ''} (${disconnectReasonName(reason)})`, { where, reason, serverMessage: text, phase: this.phase }, { transient });
    }
    this.close(error);
  }

  // ---- failing ------------------------------------------------------------------------------

  /** The one way a problem ends the connection: keeps the first error, tells the server why. */
  private fail(e: unknown): void {
    if (this.phase === 'closed') return;
    const error = e instanceof SshError ? e : new SshProtocolError(e instanceof Error ? e.message : String(e), { where: this.o.where }, { cause: e });
    if (!this.encoder.error) this.sendDisconnect(disconnectReasonFor(error), error.code);
    this.close(error);
  }

  private close(error: SshError | null): void {
    if (this.phase === 'closed') return;
    this.failure = error;
    this.phase = 'closed';
    this.rounds.awaitingHostKey = false;
    for (const channel of this.channels.closeAll()) this.events.push({ type: 'channel-closed', channel });
    this.events.push({ type: 'closed', error });
  }
}
