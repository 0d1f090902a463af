// A minimal SSH server for tests, sans-IO like the client core, built from the same codec and
// cipher pieces (which have their own vectors and real-server tests): curve25519-sha256,
// ssh-ed25519 host key, any of our ciphers, strict kex on request. Authentication and channels
// are decided by callbacks, and any payload can be sent at any point: it is the peer the state
// machine is pumped and fuzzed against in memory.
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { createProtection, isAead, macSpec, cipherSpec, type DirectionKeys } from '../../core/ssh/ciphers/cipher-suite.ts';
import { deriveKey, exchangeHash } from '../../core/ssh/kex/exchange-hash.ts';
import { MSG } from '../../core/ssh/messages.ts';
import { encodeKexInit, negotiate, parseKexInit, STRICT_KEX_C, STRICT_KEX_S, type KexInit } from '../../core/ssh/negotiate.ts';
import { PacketDecoder } from '../../core/ssh/packet-decoder.ts';
import { PacketEncoder } from '../../core/ssh/packet-encoder.ts';
import { CLIENT_VERSION } from '../../core/ssh/version.ts';
import { SshReader, SshWriter, lenientText } from '../../core/ssh/wire.ts';

export interface AuthRequest {
  user: string;
  method: string;
  /** publickey: the algorithm, whether signed, and whether the signature verified. */
  algorithm?: string;
  signed?: boolean;
  password?: string;
  payload: Uint8Array;
}

export type AuthVerdict = 'success' | 'failure' | 'partial' | 'pk-ok' | 'change-password' | { prompts: { prompt: string; echo: boolean }[] };

export interface ScriptedServerOptions {
  ciphers?: string[];
  macs?: string[];
  strict?: boolean;
  /** server-sig-algs to announce in EXT_INFO; null: send no EXT_INFO. */
  serverSigAlgs?: string[] | null;
  /** Methods named in USERAUTH_FAILURE. */
  methods?: string[];
  auth?: (r: AuthRequest) => AuthVerdict;
  /** Called with kbd-interactive answers; true accepts. */
  answers?: (answers: string[]) => AuthVerdict;
  /** Channel requests (subsystem, exec): true accepts. */
  channelRequest?: (type: string, value: string) => boolean;
  /** Our receive window and max packet for each channel. */
  window?: number;
  maxPacket?: number;
  /** Payloads sent right after our KEXINIT (before anything else), e.g. to break strict kex. */
  beforeKexInit?: Uint8Array[];
  /** Bytes sent instead of a version line (garbage tests). */
  banner?: string;
}

export class ScriptedServer {
  readonly encoder = new PacketEncoder();
  readonly decoder = new PacketDecoder();
  hostKey = ed25519.keygen();
  hostKeyBlob: Uint8Array;
  private versionDone = false;
  private pendingVersion = new Uint8Array(0);
  private output: Uint8Array[] = [];
  private clientVersion = '';
  private ourKexInit: KexInit;
  private ourKexPayload: Uint8Array;
  private theirKexPayload: Uint8Array | null = null;
  private sessionId: Uint8Array | null = null;
  private strict = false;
  private incoming: DirectionKeys | null = null;
  readonly received: number[] = [];
  readonly channelData = new Map<number, Uint8Array[]>();
  kexCount = 0;
  /** Our KEXINIT of the running exchange went out. */
  private kexRunning = true;
  /** Client channel id (their "sender") by our id. */
  readonly channels = new Map<number, { remote: number; window: number; maxPacket: number }>();
  private nextChannel = 100;

  constructor(readonly o: ScriptedServerOptions = {}) {
    this.hostKeyBlob = new SshWriter().string('ssh-ed25519').string(this.hostKey.publicKey).bytes().slice();
    this.output.push(new TextEncoder().encode(o.banner ?? 'SSH-2.0-Scripted_1.0\r\n'));
    this.ourKexInit = this.kexInit(true);
    this.ourKexPayload = encodeKexInit(this.ourKexInit);
    for (const p of o.beforeKexInit ?? []) this.encoder.enqueue(p);
    this.encoder.enqueue(this.ourKexPayload);
    this.decoder.oneAtATime = true;
  }

  private kexInit(first: boolean): KexInit {
    const ciphers = this.o.ciphers ?? ['chacha20-poly1305@openssh.com', 'aes128-gcm@openssh.com', 'aes128-ctr'];
    const macs = this.o.macs ?? ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-256'];
    return {
      cookie: new Uint8Array(16),
      kex: ['curve25519-sha256', ...(first ? ['ext-info-s'] : []), ...(first && this.o.strict !== false ? [STRICT_KEX_S] : [])],
      hostKey: ['ssh-ed25519'],
      cipherC2S: ciphers,
      cipherS2C: ciphers,
      macC2S: macs,
      macS2C: macs,
      compressionC2S: ['none'],
      compressionS2C: ['none'],
      firstKexFollows: false,
    };
  }

  receive(bytes: Uint8Array): void {
    if (!this.versionDone) {
      const all = new Uint8Array(this.pendingVersion.length + bytes.length);
      all.set(this.pendingVersion);
      all.set(bytes, this.pendingVersion.length);
      const eol = all.indexOf(0x0a);
      if (eol < 0) return void (this.pendingVersion = all);
      this.clientVersion = lenientText(all.subarray(0, eol)).replace(/\r$/, '');
      this.versionDone = true;
      bytes = all.subarray(eol + 1);
    }
    this.decoder.push(bytes);
    for (let p = this.decoder.next(); p; p = this.decoder.next()) this.handle(p);
  }

  takeOutput(): Uint8Array[] {
    const out = this.output;
    this.output = [];
    for (let b = this.encoder.takeOutput(); b; b = this.encoder.takeOutput()) out.push(b.slice());
    return out;
  }

  /** Sends any payload now (fuzzing, unexpected messages). */
  send(payload: Uint8Array): void {
    this.encoder.enqueue(payload);
  }

  /** A new host key for the exchanges to come (a re-key must not present one). */
  replaceHostKey(): void {
    this.hostKey = ed25519.keygen();
    this.hostKeyBlob = new SshWriter().string('ssh-ed25519').string(this.hostKey.publicKey).bytes().slice();
  }

  /** Starts a re-key from the server side (OpenSSH RekeyLimit). */
  rekey(): void {
    this.ourKexInit = this.kexInit(false);
    this.ourKexPayload = encodeKexInit(this.ourKexInit);
    this.kexRunning = true;
    this.decoder.oneAtATime = true;
    this.encoder.enqueue(this.ourKexPayload);
  }

  private handle(p: Uint8Array): void {
    const type = p[0]!;
    this.received.push(type);
    const r = new SshReader(p, (w) => new Error(`scripted server: bad ${w}`), 1);
    switch (type) {
      case MSG.KEXINIT: {
        if (!this.kexRunning) this.rekey(); // the client starts a re-key: answer with ours
        this.theirKexPayload = p.slice();
        const theirs = parseKexInit(this.theirKexPayload);
        if (this.kexCount === 0) this.strict = this.o.strict !== false && theirs.kex.includes(STRICT_KEX_C);
        return;
      }
      case MSG.KEX_INIT:
        return this.reply(r.string().slice());
      case MSG.NEWKEYS:
        this.decoder.setOpener(createProtection(this.incoming!));
        if (this.strict) this.decoder.resetSequence();
        this.decoder.oneAtATime = false;
        return;
      case MSG.SERVICE_REQUEST:
        return this.send(new SshWriter().byte(MSG.SERVICE_ACCEPT).string(r.text()).bytes());
      case MSG.USERAUTH_REQUEST:
        return this.userauth(r, p);
      case MSG.USERAUTH_INFO_RESPONSE: {
        const n = r.uint32();
        const answers = Array.from({ length: n }, () => r.text());
        return this.verdict(this.o.answers?.(answers) ?? 'failure');
      }
      case MSG.CHANNEL_OPEN: {
        r.text();
        const remote = r.uint32();
        const window = r.uint32();
        const maxPacket = r.uint32();
        const id = this.nextChannel++;
        this.channels.set(id, { remote, window, maxPacket });
        this.channelData.set(id, []);
        return this.send(new SshWriter().byte(MSG.CHANNEL_OPEN_CONFIRMATION).uint32(remote).uint32(id).uint32(this.o.window ?? 2 * 1024 * 1024).uint32(this.o.maxPacket ?? 32768).bytes());
      }
      case MSG.CHANNEL_REQUEST: {
        const id = r.uint32();
        const what = r.text();
        r.boolean();
        const value = r.text();
        const c = this.channels.get(id)!;
        const ok = this.o.channelRequest?.(what, value) ?? true;
        return this.send(new SshWriter().byte(ok ? MSG.CHANNEL_SUCCESS : MSG.CHANNEL_FAILURE).uint32(c.remote).bytes());
      }
      case MSG.CHANNEL_DATA: {
        const id = r.uint32();
        this.channelData.get(id)?.push(r.string().slice());
        return;
      }
      case MSG.CHANNEL_CLOSE: {
        const id = r.uint32();
        const c = this.channels.get(id);
        if (c) this.send(new SshWriter().byte(MSG.CHANNEL_CLOSE).uint32(c.remote).bytes());
        this.channels.delete(id);
        return;
      }
    }
  }

  private reply(qc: Uint8Array): void {
    const { secretKey, publicKey } = x25519.keygen();
    const secret = x25519.getSharedSecret(secretKey, qc);
    const str = (b: Uint8Array) => new SshWriter().string(b).bytes().slice();
    const result = { secret, clientField: str(qc), serverField: str(publicKey) };
    const h = exchangeHash(sha256, {
      clientVersion: this.clientVersion || CLIENT_VERSION,
      serverVersion: 'SSH-2.0-Scripted_1.0',
      clientKexInit: this.theirKexPayload!,
      serverKexInit: this.ourKexPayload,
      hostKeyBlob: this.hostKeyBlob,
      result,
    });
    this.sessionId ??= h;
    const sig = new SshWriter().string('ssh-ed25519').string(ed25519.sign(h, this.hostKey.secretKey)).bytes();
    this.send(new SshWriter().byte(MSG.KEX_REPLY).string(this.hostKeyBlob).string(publicKey).string(sig).bytes());
    const theirs = parseKexInit(this.theirKexPayload!);
    // negotiate() is written for the client side: the client's lists are the first argument.
    const n = negotiate(theirs, this.ourKexInit, isAead);
    const keys = (cipher: string, mac: string, iv: 'A' | 'B', key: 'C' | 'D', macKey: 'E' | 'F'): DirectionKeys => ({
      cipher,
      mac,
      iv: deriveKey(sha256, secret, h, this.sessionId!, iv, cipherSpec(cipher).ivLength),
      key: deriveKey(sha256, secret, h, this.sessionId!, key, cipherSpec(cipher).keyLength),
      macKey: deriveKey(sha256, secret, h, this.sessionId!, macKey, mac ? macSpec(mac).keyLength : 0),
    });
    this.incoming = keys(n.cipherC2S, n.macC2S, 'A', 'C', 'E');
    this.send(Uint8Array.of(MSG.NEWKEYS));
    this.encoder.setSealer(createProtection(keys(n.cipherS2C, n.macS2C, 'B', 'D', 'F')));
    if (this.strict) this.encoder.resetSequence();
    if (this.kexCount === 0 && this.o.serverSigAlgs !== null) {
      const algs = this.o.serverSigAlgs ?? ['ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256'];
      this.send(new SshWriter().byte(MSG.EXT_INFO).uint32(1).string('server-sig-algs').string(algs.join(',')).bytes());
    }
    this.kexCount++;
    this.theirKexPayload = null;
    this.kexRunning = false;
  }

  private userauth(r: SshReader, payload: Uint8Array): void {
    const user = r.text();
    r.text();
    const method = r.text();
    const req: AuthRequest = { user, method, payload };
    if (method === 'publickey') {
      req.signed = r.boolean();
      req.algorithm = r.text();
      r.string();
    } else if (method === 'password') {
      r.boolean();
      req.password = r.text();
    }
    this.verdict(this.o.auth?.(req) ?? 'success', req);
  }

  private verdict(v: AuthVerdict, req?: AuthRequest): void {
    const methods = this.o.methods ?? ['publickey', 'password', 'keyboard-interactive'];
    if (v === 'success') return this.send(Uint8Array.of(MSG.USERAUTH_SUCCESS));
    if (v === 'failure' || v === 'partial') return this.send(new SshWriter().byte(MSG.USERAUTH_FAILURE).nameList(methods).boolean(v === 'partial').bytes());
    if (v === 'pk-ok') return this.send(new SshWriter().byte(MSG.USERAUTH_60).string(req!.algorithm!).string(new Uint8Array(0)).bytes());
    if (v === 'change-password') return this.send(new SshWriter().byte(MSG.USERAUTH_60).string('Password expired').string('').bytes());
    const w = new SshWriter().byte(MSG.USERAUTH_60).string('').string('Test').string('').uint32(v.prompts.length);
    for (const p of v.prompts) w.string(p.prompt).boolean(p.echo);
    this.send(w.bytes());
  }

  /** Sends channel data to the client on our channel `id`. */
  sendData(id: number, data: Uint8Array): void {
    const c = this.channels.get(id)!;
    this.send(new SshWriter(data.length + 16).byte(MSG.CHANNEL_DATA).uint32(c.remote).string(data).bytes());
  }
}
