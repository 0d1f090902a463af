// The SSH client as a sans-IO state machine: bytes in (`receive`), bytes out (`takeOutput`),
// events out (`nextEvent`), answers in (host key, signature, prompt). No sockets, no timers:
// the driver (connection.ts) moves the bytes and keeps the clock (`tick`). It never throws at
// its caller: a violation becomes a DISCONNECT to the server and one 'closed' event. The first
// failure is the one kept: whatever follows it (the server hanging up, the transport closing)
// never replaces it.
import { createProtection } from './ciphers/cipher-suite.ts';
import { Channels, type ChannelRequest } from './channels.ts';
import { AuthenticationError, HostKeyChangedError, HostKeyRejectedError, NegotiationError, SshConnectionError, SshError, SshProtocolError } from './errors.ts';
import type { SshEvent, SshWarning } from './events.ts';
import { describeHostKey } from './host-key-policy.ts';
import { KeyExchange, NEWKEYS_PAYLOAD, type ExchangeResult } from './kex/key-exchange.ts';
import { DISCONNECT, disconnectReasonName, isKexMessage, MSG } from './messages.ts';
import { EXT_INFO_C, STRICT_KEX_C } from './negotiate.ts';
import { offeredAlgorithms, type AlgorithmPreferences } from './offer.ts';
import { PacketDecoder, PacketError } from './packet-decoder.ts';
import { PacketEncoder } from './packet-encoder.ts';
import { UserAuth } from './userauth.ts';
import { CLIENT_VERSION, VersionExchange } from './version.ts';
import { decodeNameList, lenientText, SshReader, SshWriter } from './wire.ts';

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

export interface NegotiatedAlgorithms {
  kex: string;
  hostKey: string;
  cipher: string;
  /** '' with an AEAD cipher. */
  mac: string;
  /** Strict key exchange (Terrapin countermeasure) was agreed with the server. */
  strictKex: boolean;
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
/** RFC 4344 §3.1: re-key before 2^31 packets, well before the 32-bit sequence number wraps. */
const MAX_PACKETS = 2 ** 31;

export class SshClientCore {
  private readonly encoder = new PacketEncoder();
  private readonly decoder = new PacketDecoder();
  private readonly version = new VersionExchange();
  private readonly events: SshEvent[] = [];
  private readonly userauth: UserAuth;
  private readonly channels: Channels;
  private readonly offer;
  private phase: Phase = 'version';
  private versionOut: Uint8Array | null = VersionExchange.clientLine();
  private kex: KeyExchange | null = null;
  private exchange: ExchangeResult | null = null;
  private sentNewKeys = false;
  private receivedNewKeys = false;
  private awaitingHostKey = false;
  private deferred: Uint8Array[] = [];
  private packetsBeforeKexInit = 0;
  private strict = false;
  private sessionId: Uint8Array | null = null;
  private acceptedHostKey: Uint8Array | null = null;
  private now: number;
  private lastKexAt: number;
  private failure: SshError | null = null;
  private readonly rekeyBytes: number;
  private readonly rekeyIntervalMs: number;
  /** Completed key exchanges: 1 after connecting, +1 per re-key. */
  keyExchanges = 0;
  serverVersion = '';
  algorithms: NegotiatedAlgorithms | null = null;
  hostKey: ReturnType<typeof describeHostKey> | null = null;

  constructor(private readonly o: ClientCoreOptions) {
    this.offer = offeredAlgorithms(o.algorithms);
    this.now = o.now ?? 0;
    this.lastKexAt = this.now;
    this.rekeyBytes = o.rekeyBytes ?? GIB;
    this.rekeyIntervalMs = o.rekeyIntervalMs ?? HOUR;
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
    this.startKex();
  }

  // ---- the driver's side ------------------------------------------------------------------

  /** Bytes from the server. */
  receive(bytes: Uint8Array): void {
    if (this.phase === 'closed') return;
    try {
      if (this.phase === 'version') {
        const got = this.version.receive(bytes);
        if (!got) return;
        this.serverVersion = got.version.line;
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
      while (this.phase !== 'closed' && !this.awaitingHostKey) {
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
    if (!this.awaitingHostKey) return;
    this.awaitingHostKey = false;
    if (error) return this.fail(error);
    try {
      this.sendNewKeys();
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
    if (this.kex) {
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
      const message = `${where} closed the connection during ${PHASE_NAME[phase]}${phase === 'kex' && !this.kex?.theirKexInit ? ' (before it sent its algorithms)' : ''}`;
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
    if (this.kex) {
      const copy = new Uint8Array(head.length + (body?.length ?? 0));
      copy.set(head);
      if (body) copy.set(body, head.length);
      this.deferred.push(copy);
    } else this.encoder.enqueue(head, body);
  }

  private sendDisconnect(reason: number, description: string): void {
    this.encoder.enqueue(new SshWriter(64).byte(MSG.DISCONNECT).uint32(reason).string(description.slice(0, 200)).string('').bytes());
  }

  private startKex(): void {
    const first = this.keyExchanges === 0;
    // Read when the reply comes: our KEXINIT goes out before the server's version is known.
    this.kex = new KeyExchange(this.offer, first ? [EXT_INFO_C, STRICT_KEX_C] : [], () => ({
      clientVersion: CLIENT_VERSION,
      serverVersion: this.serverVersion,
      sessionId: this.sessionId,
      hostKeyBlob: this.acceptedHostKey,
    }));
    this.sentNewKeys = false;
    this.receivedNewKeys = false;
    this.decoder.oneAtATime = true;
    this.encoder.enqueue(this.kex.ourPayload);
  }

  private sendNewKeys(): void {
    const result = this.exchange!;
    this.encoder.enqueue(NEWKEYS_PAYLOAD);
    this.encoder.setSealer(createProtection(result.outgoing));
    if (this.strict) this.encoder.resetSequence();
    this.sentNewKeys = true;
    this.finishKex();
  }

  private finishKex(): void {
    if (!this.sentNewKeys || !this.receivedNewKeys) return;
    const result = this.exchange!;
    const first = this.keyExchanges === 0;
    this.keyExchanges++;
    this.sessionId ??= result.sessionId;
    this.acceptedHostKey ??= result.hostKeyBlob;
    const n = result.negotiated;
    this.algorithms = { kex: n.kex, hostKey: n.hostKey, cipher: n.cipherC2S, mac: n.macC2S, strictKex: this.strict };
    this.kex = null;
    this.exchange = null;
    this.decoder.oneAtATime = false;
    this.lastKexAt = this.now;
    this.events.push({ type: 'kex-done', count: this.keyExchanges });
    if (first) {
      this.phase = 'service';
      this.encoder.enqueue(new SshWriter(32).byte(MSG.SERVICE_REQUEST).string('ssh-userauth').bytes());
    }
    const held = this.deferred;
    this.deferred = [];
    for (const p of held) this.encoder.enqueue(p);
    this.channels.resume();
  }

  private checkRekey(): void {
    if (this.kex || this.phase !== 'open') return;
    const e = this.encoder;
    const d = this.decoder;
    if (e.bytesSinceKeys >= this.rekeyBytes || d.bytesSinceKeys >= this.rekeyBytes || e.packetsSinceKeys >= MAX_PACKETS || d.packetsSinceKeys >= MAX_PACKETS || this.now - this.lastKexAt >= this.rekeyIntervalMs) {
      this.startKex();
    }
  }

  // ---- receiving ----------------------------------------------------------------------------

  private dispatch(payload: Uint8Array): void {
    const type = payload[0]!;
    if (this.phase === 'kex') this.checkInitialKex(type);
    switch (type) {
      case MSG.DISCONNECT:
        return this.onDisconnect(payload);
      case MSG.IGNORE:
      case MSG.DEBUG:
      case MSG.UNIMPLEMENTED:
        return;
      case MSG.KEXINIT:
        return this.onKexInit(payload);
      case MSG.KEX_REPLY:
        return this.onKexReply(payload);
      case MSG.NEWKEYS:
        return this.onNewKeys();
      case MSG.EXT_INFO:
        return this.onExtInfo(payload);
      case MSG.SERVICE_ACCEPT:
        if (this.phase !== 'service') throw new SshProtocolError('unexpected SERVICE_ACCEPT');
        this.phase = 'auth';
        this.userauth.start(this.sessionId!);
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

  /**
   * Until the first NEWKEYS only key-exchange messages belong (strict kex, OpenSSH PROTOCOL
   * §1.10: nothing else at all, and the server's KEXINIT first); without strict kex IGNORE,
   * DEBUG and UNIMPLEMENTED are tolerated. DISCONNECT always is: it says why.
   */
  private checkInitialKex(type: number): void {
    if (type === MSG.DISCONNECT) return;
    const theirs = this.kex?.theirKexInit;
    if (!theirs) {
      if (type === MSG.KEXINIT) return;
      this.packetsBeforeKexInit++;
    }
    if (isKexMessage(type)) return;
    if (this.strict) throw new SshProtocolError(`strict key exchange: unexpected message type ${type} during the initial key exchange`);
    if (type === MSG.IGNORE || type === MSG.DEBUG || type === MSG.UNIMPLEMENTED) return;
    throw new SshProtocolError(`unexpected message type ${type} during the initial key exchange`);
  }

  private onKexInit(payload: Uint8Array): void {
    if (!this.kex) this.startKex(); // the server starts a re-key: answer with ours (RFC 4253 §9)
    const kex = this.kex!;
    const init = kex.receiveKexInit(payload);
    if (this.keyExchanges === 0) {
      this.strict = kex.serverStrict;
      if (this.strict && this.packetsBeforeKexInit > 0) throw new SshProtocolError('strict key exchange: the server KEXINIT was not the first packet');
      const n = kex.algorithms!;
      const etm = n.macC2S.endsWith('-etm@openssh.com') || n.macS2C.endsWith('-etm@openssh.com');
      if (!this.strict && (n.cipherC2S === 'chacha20-poly1305@openssh.com' || etm)) {
        this.events.push({
          type: 'warning',
          warning: {
            code: 'terrapin-exposed',
            message: `${this.o.where} does not support strict key exchange; with ${etm ? n.macC2S : n.cipherC2S} a man in the middle could remove early messages (Terrapin, CVE-2023-48795)`,
            details: { where: this.o.where, cipher: n.cipherC2S, mac: n.macC2S },
          },
        });
      }
    }
    this.encoder.enqueue(init);
  }

  private onKexReply(payload: Uint8Array): void {
    const kex = this.kex;
    if (!kex?.algorithms) throw new SshProtocolError('key-exchange reply before KEXINIT');
    this.exchange = kex.receiveReply(payload);
    if (this.keyExchanges === 0) {
      this.hostKey = describeHostKey(this.o.where, this.exchange.hostKeyBlob, this.exchange.negotiated.hostKey);
      this.awaitingHostKey = true;
      this.events.push({ type: 'host-key', key: this.hostKey });
    } else this.sendNewKeys();
  }

  private onNewKeys(): void {
    if (!this.exchange || this.receivedNewKeys) throw new SshProtocolError('NEWKEYS before the key exchange reply');
    this.decoder.setOpener(createProtection(this.exchange.incoming));
    if (this.strict) this.decoder.resetSequence();
    this.receivedNewKeys = true;
    this.finishKex();
  }

  private onExtInfo(payload: Uint8Array): void {
    if (this.keyExchanges === 0 && !this.receivedNewKeys) throw new SshProtocolError('EXT_INFO before NEWKEYS');
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
    const reason =
      error instanceof NegotiationError
        ? DISCONNECT.KEY_EXCHANGE_FAILED
        : error instanceof HostKeyChangedError || error instanceof HostKeyRejectedError
          ? DISCONNECT.HOST_KEY_NOT_VERIFIABLE
          : error instanceof PacketError
            ? error.reason
            : error instanceof AuthenticationError
              ? error.code === 'auth-cancelled' || error.code === 'password-expired'
                ? DISCONNECT.AUTH_CANCELLED_BY_USER
                : DISCONNECT.NO_MORE_AUTH_METHODS_AVAILABLE
              : typeof error.details.reason === 'number'
                ? error.details.reason
                : DISCONNECT.PROTOCOL_ERROR;
    if (!this.encoder.error) this.sendDisconnect(reason, error.code);
    this.close(error);
  }

  private close(error: SshError | null): void {
    if (this.phase === 'closed') return;
    this.failure = error;
    this.phase = 'closed';
    this.awaitingHostKey = false;
    for (const channel of this.channels.closeAll()) this.events.push({ type: 'channel-closed', channel });
    this.events.push({ type: 'closed', error });
  }
}
