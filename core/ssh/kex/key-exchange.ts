// One key exchange, client side (RFC 4253 §7-8), as a small state machine: our KEXINIT, theirs,
// the method's INIT and the server's REPLY, then the keys of both directions. No I/O: the
// client core feeds it messages and sends what it returns. The first exchange's hash is the
// session identifier; later ones must present the same host key.
import { cipherSpec, isAead, macSpec, type DirectionKeys } from '../ciphers/cipher-suite.ts';
import { SshProtocolError } from '../errors.ts';
import { MSG } from '../messages.ts';
import { encodeKexInit, negotiate, parseKexInit, STRICT_KEX_S, type KexInit, type Negotiated } from '../negotiate.ts';
import { bytesEqual, SshReader } from '../wire.ts';
import { deriveKey, exchangeHash } from './exchange-hash.ts';
import { verifyHostKeySignature } from './host-key-signature.ts';
import { kexMethod, type KexExchange, type KexMethod } from './kex-method.ts';

export interface OfferedAlgorithms {
  kex: string[];
  hostKeys: string[];
  ciphers: string[];
  macs: string[];
}

export interface ExchangeContext {
  clientVersion: string;
  serverVersion: string;
  /** Null for the first exchange (its hash becomes the session id). */
  sessionId: Uint8Array | null;
  /** The host key the first exchange accepted; a re-key must present the very same. */
  hostKeyBlob: Uint8Array | null;
}

export interface ExchangeResult {
  negotiated: Negotiated;
  /** The server offered strict kex in this KEXINIT. */
  serverStrict: boolean;
  hostKeyBlob: Uint8Array;
  sessionId: Uint8Array;
  /** Keys for what we send (client to server) and what we receive. */
  outgoing: DirectionKeys;
  incoming: DirectionKeys;
}

const fail = (what: string) => new SshProtocolError(`malformed key-exchange reply: ${what}`);

export class KeyExchange {
  readonly ourKexInit: KexInit;
  readonly ourPayload: Uint8Array;
  private theirPayload: Uint8Array | null = null;
  private theirs: KexInit | null = null;
  private negotiated: Negotiated | null = null;
  private method: KexMethod | null = null;
  private exchange: KexExchange | null = null;
  result: ExchangeResult | null = null;

  constructor(offer: OfferedAlgorithms, signals: string[], private readonly contextOf: () => ExchangeContext) {
    this.ourKexInit = {
      cookie: crypto.getRandomValues(new Uint8Array(16)),
      kex: [...offer.kex, ...signals],
      hostKey: offer.hostKeys,
      cipherC2S: offer.ciphers,
      cipherS2C: offer.ciphers,
      macC2S: offer.macs,
      macS2C: offer.macs,
      compressionC2S: ['none'],
      compressionS2C: ['none'],
      firstKexFollows: false,
    };
    this.ourPayload = encodeKexInit(this.ourKexInit);
  }

  get theirKexInit(): KexInit | null {
    return this.theirs;
  }

  get algorithms(): Negotiated | null {
    return this.negotiated;
  }

  /** The server's KEXINIT: negotiates (throws NegotiationError) and returns our method INIT payload. */
  receiveKexInit(payload: Uint8Array): Uint8Array {
    if (this.theirs) throw new SshProtocolError('the server sent a second KEXINIT during one key exchange');
    this.theirPayload = payload.slice();
    this.theirs = parseKexInit(this.theirPayload);
    this.negotiated = negotiate(this.ourKexInit, this.theirs, isAead);
    this.method = kexMethod(this.negotiated.kex);
    this.exchange = this.method.start();
    return this.exchange.initPayload;
  }

  get serverStrict(): boolean {
    return this.theirs?.kex.includes(STRICT_KEX_S) ?? false;
  }

  /** The server's KEX_REPLY: checks its signature and derives the keys. Throws for a forged or malformed reply. */
  receiveReply(payload: Uint8Array): ExchangeResult {
    const exchange = this.exchange;
    const method = this.method!;
    if (!exchange || this.result) throw new SshProtocolError('unexpected key-exchange reply');
    const r = new SshReader(payload, fail);
    r.byte();
    const hostKeyBlob = r.string('host key').slice();
    const serverValue = exchange.serverValueIsMpint ? r.mpint('f') : r.string('server public key');
    const signature = r.string('signature');
    r.done('key-exchange reply');
    const context = this.contextOf();
    const result = exchange.finish(serverValue);
    const h = exchangeHash(method.hash, {
      clientVersion: context.clientVersion,
      serverVersion: context.serverVersion,
      clientKexInit: this.ourPayload,
      serverKexInit: this.theirPayload!,
      hostKeyBlob,
      result,
    });
    verifyHostKeySignature(this.negotiated!.hostKey, hostKeyBlob, signature, h);
    if (context.hostKeyBlob && !bytesEqual(context.hostKeyBlob, hostKeyBlob)) {
      // OpenSSH's client refuses this too: the key approved at connect time is the server's identity.
      throw new SshProtocolError('the server presented a different host key during re-key', { reason: 9 });
    }
    const sessionId = context.sessionId ?? h;
    const n = this.negotiated!;
    const keys = (cipher: string, mac: string, iv: 'A' | 'B', key: 'C' | 'D', macKey: 'E' | 'F'): DirectionKeys => {
      const c = cipherSpec(cipher);
      const macLength = mac ? macSpec(mac).keyLength : 0;
      return {
        cipher,
        mac,
        iv: deriveKey(method.hash, result.secret, h, sessionId, iv, c.ivLength),
        key: deriveKey(method.hash, result.secret, h, sessionId, key, c.keyLength),
        macKey: deriveKey(method.hash, result.secret, h, sessionId, macKey, macLength),
      };
    };
    this.result = {
      negotiated: n,
      serverStrict: this.serverStrict,
      hostKeyBlob,
      sessionId,
      outgoing: keys(n.cipherC2S, n.macC2S, 'A', 'C', 'E'),
      incoming: keys(n.cipherS2C, n.macS2C, 'B', 'D', 'F'),
    };
    result.secret.fill(0);
    return this.result;
  }
}

export const NEWKEYS_PAYLOAD = Uint8Array.of(MSG.NEWKEYS);
