// The key-exchange rounds of one connection (RFC 4253 §7-9): the first exchange and every re-key
// after it, whoever starts it. It sends our KEXINIT, answers theirs, asks the driver about the
// host key once, switches the packet codec at NEWKEYS (resetting sequence numbers under strict
// kex), holds back every other message while a round runs (RFC 4253 §7.1) and starts a re-key
// at the byte, packet or time limit. Strict kex's first-round rules (OpenSSH PROTOCOL §1.10)
// are checked here too. No I/O: payloads go to the encoder, events to the client core.
import { createProtection } from './ciphers/cipher-suite.ts';
import { SshProtocolError } from './errors.ts';
import type { SshEvent } from './events.ts';
import { describeHostKey } from './host-key-policy.ts';
import { KeyExchange, NEWKEYS_PAYLOAD, type ExchangeResult, type OfferedAlgorithms } from './kex/key-exchange.ts';
import { isKexMessage, MSG } from './messages.ts';
import { EXT_INFO_C, STRICT_KEX_C } from './negotiate.ts';
import type { PacketDecoder } from './packet-decoder.ts';
import type { PacketEncoder } from './packet-encoder.ts';
import { CLIENT_VERSION } from './version.ts';

export interface NegotiatedAlgorithms {
  kex: string;
  hostKey: string;
  cipher: string;
  /** '' with an AEAD cipher. */
  mac: string;
  /** Strict key exchange (Terrapin countermeasure) was agreed with the server. */
  strictKex: boolean;
}

export interface KexRoundsOptions {
  offer: OfferedAlgorithms;
  /** For messages and the host-key prompt. */
  where: string;
  /** Re-key after this many bytes in either direction. */
  rekeyBytes: number;
  /** Re-key after this long (ms). */
  rekeyIntervalMs: number;
}

/** What a round needs from the client core around it. */
export interface KexRoundsHost {
  emit(event: SshEvent): void;
  /** The clock (ms), as the driver last gave it. */
  now(): number;
  /** A round ended (both NEWKEYS went): `first` after the very first one. */
  roundDone(first: boolean): void;
}

/** RFC 4344 §3.1: re-key before 2^31 packets, well before the 32-bit sequence number wraps. */
const MAX_PACKETS = 2 ** 31;

export class KexRounds {
  private kex: KeyExchange | null = null;
  private exchange: ExchangeResult | null = null;
  private sentNewKeys = false;
  private receivedNewKeys = false;
  private deferred: Uint8Array[] = [];
  private packetsBeforeKexInit = 0;
  private strict = false;
  private sessionId: Uint8Array | null = null;
  private acceptedHostKey: Uint8Array | null = null;
  private lastKexAt: number;
  /** The host key of the first round waits for the driver's verdict (`answerHostKey`). */
  awaitingHostKey = false;
  /** Completed key exchanges: 1 after connecting, +1 per re-key. */
  count = 0;
  serverVersion = '';
  algorithms: NegotiatedAlgorithms | null = null;
  hostKey: ReturnType<typeof describeHostKey> | null = null;

  constructor(private readonly o: KexRoundsOptions, private readonly encoder: PacketEncoder, private readonly decoder: PacketDecoder, private readonly host: KexRoundsHost) {
    this.lastKexAt = host.now();
  }

  /** A round is running: nothing but key-exchange messages may be sent. */
  get running(): boolean {
    return this.kex !== null;
  }

  /** The server's KEXINIT of the running round arrived (for error messages). */
  get theirKexInitSeen(): boolean {
    return !!this.kex?.theirKexInit;
  }

  /** EXT_INFO may come from the first NEWKEYS on (RFC 8308 §2.4). */
  get extInfoAllowed(): boolean {
    return this.count > 0 || this.receivedNewKeys;
  }

  /** Holds a message back until the running round ends (it is copied: the caller may reuse its buffers). */
  hold(head: Uint8Array, body?: Uint8Array): void {
    const copy = new Uint8Array(head.length + (body?.length ?? 0));
    copy.set(head);
    if (body) copy.set(body, head.length);
    this.deferred.push(copy);
  }

  /** Sends our KEXINIT: the first round at connect, then each re-key we start. */
  start(): void {
    const first = this.count === 0;
    // Read when the reply comes: our first KEXINIT goes out before the server's version is known.
    this.kex = new KeyExchange(this.o.offer, first ? [EXT_INFO_C, STRICT_KEX_C] : [], () => ({
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

  /** Handles KEXINIT, the method's REPLY and NEWKEYS; false for any other message. */
  handle(type: number, payload: Uint8Array): boolean {
    switch (type) {
      case MSG.KEXINIT:
        this.onKexInit(payload);
        return true;
      case MSG.KEX_REPLY:
        this.onKexReply(payload);
        return true;
      case MSG.NEWKEYS:
        this.onNewKeys();
        return true;
    }
    return false;
  }

  /**
   * Until the first NEWKEYS only key-exchange messages belong (strict kex, OpenSSH PROTOCOL
   * §1.10: nothing else at all, and the server's KEXINIT first); without strict kex IGNORE,
   * DEBUG and UNIMPLEMENTED are tolerated. DISCONNECT always is: it says why.
   */
  checkInitial(type: number): void {
    if (type === MSG.DISCONNECT) return;
    if (!this.kex?.theirKexInit) {
      if (type === MSG.KEXINIT) return;
      this.packetsBeforeKexInit++;
    }
    if (isKexMessage(type)) return;
    if (this.strict) throw new SshProtocolError(`strict key exchange: unexpected message type ${type} during the initial key exchange`);
    if (type === MSG.IGNORE || type === MSG.DEBUG || type === MSG.UNIMPLEMENTED) return;
    throw new SshProtocolError(`unexpected message type ${type} during the initial key exchange`);
  }

  /** The driver accepted the host key: our NEWKEYS goes out. */
  hostKeyAccepted(): void {
    this.awaitingHostKey = false;
    this.sendNewKeys();
  }

  /** Starts a re-key when a limit is reached (the core calls it only once connected); not during a round. */
  checkLimits(): void {
    if (this.kex) return;
    const e = this.encoder;
    const d = this.decoder;
    const limit = this.o.rekeyBytes;
    if (e.bytesSinceKeys >= limit || d.bytesSinceKeys >= limit || e.packetsSinceKeys >= MAX_PACKETS || d.packetsSinceKeys >= MAX_PACKETS || this.host.now() - this.lastKexAt >= this.o.rekeyIntervalMs) {
      this.start();
    }
  }

  private onKexInit(payload: Uint8Array): void {
    if (!this.kex) this.start(); // the server starts a re-key: answer with ours (RFC 4253 §9)
    const kex = this.kex!;
    const init = kex.receiveKexInit(payload);
    if (this.count === 0) {
      this.strict = kex.serverStrict;
      if (this.strict && this.packetsBeforeKexInit > 0) throw new SshProtocolError('strict key exchange: the server KEXINIT was not the first packet');
      const n = kex.algorithms!;
      const etm = n.macC2S.endsWith('-etm@openssh.com') || n.macS2C.endsWith('-etm@openssh.com');
      if (!this.strict && (n.cipherC2S === 'chacha20-poly1305@openssh.com' || etm)) {
        this.host.emit({
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
    if (this.count === 0) {
      this.hostKey = describeHostKey(this.o.where, this.exchange.hostKeyBlob, this.exchange.negotiated.hostKey);
      this.awaitingHostKey = true;
      this.host.emit({ type: 'host-key', key: this.hostKey });
    } else this.sendNewKeys();
  }

  private sendNewKeys(): void {
    const result = this.exchange!;
    this.encoder.enqueue(NEWKEYS_PAYLOAD);
    this.encoder.setSealer(createProtection(result.outgoing));
    if (this.strict) this.encoder.resetSequence();
    this.sentNewKeys = true;
    this.finish();
  }

  private onNewKeys(): void {
    if (!this.exchange || this.receivedNewKeys) throw new SshProtocolError('NEWKEYS before the key exchange reply');
    this.decoder.setOpener(createProtection(this.exchange.incoming));
    if (this.strict) this.decoder.resetSequence();
    this.receivedNewKeys = true;
    this.finish();
  }

  private finish(): void {
    if (!this.sentNewKeys || !this.receivedNewKeys) return;
    const result = this.exchange!;
    const first = this.count === 0;
    this.count++;
    this.sessionId ??= result.sessionId;
    this.acceptedHostKey ??= result.hostKeyBlob;
    const n = result.negotiated;
    this.algorithms = { kex: n.kex, hostKey: n.hostKey, cipher: n.cipherC2S, mac: n.macC2S, strictKex: this.strict };
    this.kex = null;
    this.exchange = null;
    this.decoder.oneAtATime = false;
    this.lastKexAt = this.host.now();
    this.host.emit({ type: 'kex-done', count: this.count });
    this.host.roundDone(first);
    const held = this.deferred;
    this.deferred = [];
    for (const p of held) this.encoder.enqueue(p);
  }

  /** The session identifier (the first exchange's hash), for userauth signatures. */
  get session(): Uint8Array {
    if (!this.sessionId) throw new SshProtocolError('no session identifier before the first key exchange');
    return this.sessionId;
  }
}
