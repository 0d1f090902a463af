// Owns the channel under an SFTP session: sends requests in order, reads the server's packets,
// and hands each reply to the request with the same id. Any protocol violation (bad framing, an
// unknown id, a reply of the wrong type) ends the whole session with a typed error: after that
// the byte stream cannot be trusted, so every waiting request fails with it and the channel closes.
import type { SshChannelStream } from '../ssh/channel.ts';
import { FXP, MAX_INCOMING_PACKET, SFTP_VERSION } from './constants.ts';
import { protocolError, SftpError } from './errors.ts';
import { PacketFramer } from './framer.ts';
import { WireReader } from './wire-reader.ts';
import { byte, encodePacket, u32, type WireField } from './wire-writer.ts';

/** Turns one reply into a result; throws a status SftpError (this request fails) or a protocol error (the session ends). */
export type ReplyDecoder<T> = (type: number, reader: WireReader) => T;

interface Pending {
  decode: ReplyDecoder<unknown>;
  resolve(value: unknown): void;
  reject(err: SftpError): void;
}

export interface ServerHello {
  version: number;
  /** Extension name -> version string, as announced in SSH_FXP_VERSION. */
  extensions: Map<string, string>;
}

export interface RouterOptions {
  /** Give up if the server sends no SSH_FXP_VERSION within this time. Default 30 s. */
  handshakeTimeoutMs?: number;
  maxPacketLength?: number;
}

export interface SentRequest<T> {
  /** Settles once the channel accepted the bytes (backpressure for pipelines). */
  sent: Promise<void>;
  reply: Promise<T>;
}

const ignore = (): void => undefined;

/** Packets queued together are joined into one channel write up to this size. */
const COALESCE_LIMIT = 256 * 1024;
const CLOSE_WAIT_MS = 5000;

export class RequestRouter {
  private readonly pending = new Map<number, Pending>();
  private readonly framer: PacketFramer;
  private nextId = 1;
  private outbox: { packet: Uint8Array; resolve(): void; reject(err: unknown): void }[] = [];
  private flushing: Promise<void> | null = null;
  private channelClosed: Promise<void> = Promise.resolve();
  private failureError: SftpError | null = null;
  private hello: ((packet: Uint8Array) => void) | null = null;
  private endedResolve!: (err: SftpError) => void;
  /** Resolves with the reason once the session ended, whoever ended it. */
  readonly ended: Promise<SftpError>;

  private constructor(private readonly channel: SshChannelStream, maxPacketLength: number) {
    this.framer = new PacketFramer(maxPacketLength);
    this.ended = new Promise((ok) => (this.endedResolve = ok));
  }

  static async start(channel: SshChannelStream, options: RouterOptions = {}): Promise<{ router: RequestRouter; hello: ServerHello }> {
    const router = new RequestRouter(channel, options.maxPacketLength ?? MAX_INCOMING_PACKET);
    const helloPacket = new Promise<Uint8Array>((ok, fail) => {
      router.hello = ok;
      void router.ended.then(fail);
    });
    helloPacket.catch(ignore);
    void router.pump();
    const timeoutMs = options.handshakeTimeoutMs ?? 30_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new SftpError('no-connection', `The server did not start SFTP within ${Math.round(timeoutMs / 1000)} s.`)), timeoutMs);
    });
    try {
      const greeting = router.send(encodePacket([byte(FXP.INIT), u32(SFTP_VERSION)])).then(() => helloPacket);
      greeting.catch(ignore); // settles after a timeout too; its error is then not news
      const packet = await Promise.race([greeting, timeout]);
      const hello = parseVersion(packet);
      return { router, hello };
    } catch (err) {
      const e = err instanceof SftpError ? err : new SftpError('connection-lost', undefined, { cause: err });
      router.fail(e);
      throw router.failureError ?? e;
    } finally {
      clearTimeout(timer);
    }
  }

  get failure(): SftpError | null {
    return this.failureError;
  }

  get outstanding(): number {
    return this.pending.size;
  }

  /** Sends one request (fields after the type byte and id) and waits for its reply. */
  request<T>(type: number, fields: WireField[], decode: ReplyDecoder<T>): SentRequest<T> {
    if (this.failureError) {
      const err = this.failureError;
      const sent = Promise.reject(err);
      sent.catch(ignore);
      return { sent, reply: Promise.reject(err) };
    }
    const id = this.nextId;
    this.nextId = (this.nextId + 1) >>> 0 || 1;
    const reply = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { decode, resolve: resolve as (v: unknown) => void, reject });
    });
    const sent = this.send(encodePacket([byte(type), u32(id), ...fields]));
    sent.catch(ignore);
    return { sent, reply };
  }

  /** Ends the session (idempotent); waiting requests fail with 'session-closed'. */
  async close(): Promise<void> {
    this.fail(new SftpError('session-closed'));
    // Wait for the channel to close, but never hang on a peer that stopped answering.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.channelClosed, new Promise<void>((ok) => (timer = setTimeout(ok, CLOSE_WAIT_MS)))]);
    clearTimeout(timer);
  }

  private send(packet: Uint8Array): Promise<void> {
    if (this.failureError) return Promise.reject(this.failureError);
    return new Promise<void>((resolve, reject) => {
      this.outbox.push({ packet, resolve, reject });
      // Start writing after the current burst of requests was queued, so it goes out as one write.
      if (!this.flushing) this.flushing = Promise.resolve().then(() => this.flush());
    });
  }

  /**
   * Writes queued packets in order. Small packets queued together (a burst of READ requests, or
   * small WRITEs) are joined into one channel write: the SSH layer's cost is per write, not per byte.
   */
  private async flush(): Promise<void> {
    try {
      for (;;) {
        const first = this.outbox.shift();
        if (!first) return;
        const batch = [first];
        let size = first.packet.byteLength;
        while (this.outbox.length > 0 && size + this.outbox[0]!.packet.byteLength <= COALESCE_LIMIT) {
          const next = this.outbox.shift()!;
          batch.push(next);
          size += next.packet.byteLength;
        }
        if (this.failureError) {
          for (const b of batch) b.reject(this.failureError);
          continue;
        }
        let bytes = first.packet;
        if (batch.length > 1) {
          bytes = new Uint8Array(size);
          let pos = 0;
          for (const b of batch) {
            bytes.set(b.packet, pos);
            pos += b.packet.byteLength;
          }
        }
        try {
          await this.channel.write(bytes);
        } catch (err) {
          this.fail(err instanceof SftpError ? err : new SftpError('connection-lost', 'Sending to the server failed.', { cause: err }));
          for (const b of batch) b.reject(this.failureError ?? err);
          continue;
        }
        for (const b of batch) b.resolve();
      }
    } finally {
      this.flushing = null;
    }
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const chunk = await this.channel.read();
        if (this.failureError) return;
        if (chunk === null) {
          this.fail(new SftpError('connection-lost', this.framer.midPacket ? 'The server closed the SFTP channel in the middle of a packet.' : 'The server closed the SFTP channel.'));
          return;
        }
        for (const packet of this.framer.push(chunk)) {
          this.dispatch(packet);
          if (this.failureError) return;
        }
      }
    } catch (err) {
      this.fail(err instanceof SftpError ? err : new SftpError('connection-lost', undefined, { cause: err }));
    }
  }

  private dispatch(packet: Uint8Array): void {
    const r = new WireReader(packet);
    const type = r.byte('packet type');
    if (this.hello) {
      const deliver = this.hello;
      this.hello = null;
      if (type !== FXP.VERSION) throw protocolError(`expected SSH_FXP_VERSION first, got packet type ${type}`);
      deliver(packet);
      return;
    }
    const id = r.uint32('request id');
    const waiter = this.pending.get(id);
    if (!waiter) throw protocolError(`reply (type ${type}) to unknown request id ${id}`);
    this.pending.delete(id);
    let value: unknown;
    try {
      value = waiter.decode(type, r);
    } catch (err) {
      const e = err instanceof SftpError ? err : protocolError(`could not decode reply type ${type}: ${String(err)}`);
      if (e.code === 'protocol-error') {
        waiter.reject(e);
        throw e;
      }
      waiter.reject(e);
      return;
    }
    waiter.resolve(value);
  }

  private fail(err: SftpError): void {
    if (this.failureError) return;
    this.failureError = err;
    for (const w of this.pending.values()) w.reject(err);
    this.pending.clear();
    for (const queued of this.outbox.splice(0)) queued.reject(err);
    this.endedResolve(err);
    this.channelClosed = this.channel.close().catch(ignore);
  }
}

function parseVersion(packet: Uint8Array): ServerHello {
  const r = new WireReader(packet);
  r.byte('packet type');
  const version = r.uint32('version');
  if (version !== SFTP_VERSION) throw protocolError(`the server speaks SFTP version ${version}; this client needs version 3`);
  const extensions = new Map<string, string>();
  while (r.remaining > 0) {
    const name = r.string('extension name');
    extensions.set(name, r.string('extension version'));
  }
  return { version, extensions };
}
