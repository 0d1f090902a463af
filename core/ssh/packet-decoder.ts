// The receiving half of the binary packet protocol (RFC 4253 §6): bytes from the transport in,
// payloads out, in order. A packet that lies whole inside one received chunk is checked and
// decrypted in place there (the chunk is ours: the transport hands it over); only a packet cut
// across chunks is gathered into a buffer of its own. Payloads are views that stay valid: no
// buffer is reused. When the length is in the clear (AES-GCM, EtM) and an opener answers with
// promises (WebCrypto), every complete packet in hand is opened at once and awaited together —
// except while keys may change (`oneAtATime`, set during a key exchange), as a packet after
// NEWKEYS must be opened with the new keys.
import type { OpenResult, PacketOpener } from './ciphers/protection.ts';
import { NoProtection } from './ciphers/protection.ts';
import { SshProtocolError } from './errors.ts';
import { DISCONNECT } from './messages.ts';

/** OpenSSH's PACKET_MAX_SIZE is 256 KiB; a little more is accepted. */
export const MAX_PACKET_LENGTH = 256 * 1024 + 4096;

export class PacketError extends SshProtocolError {
  constructor(message: string, readonly reason: number = DISCONNECT.PROTOCOL_ERROR) {
    super(message, { reason });
  }
}

interface Current {
  seq: number;
  length: number;
  total: number;
  /** The gathered packet when it was cut across chunks; null while it lies in `chunks[0]`. */
  buf: Uint8Array | null;
  filled: number;
}

interface Opened {
  seq: number;
  /** From the padding-length byte to the end of the padding, decrypted once `ok` (in place, or the opener's own buffer). */
  body: Uint8Array;
  length: number;
  ok: boolean | null;
  opening: Promise<void> | null;
}

/** Records an opener's verdict: the plaintext is in place, or in the buffer it returned. */
function opened(entry: Opened, result: OpenResult): void {
  if (result instanceof Uint8Array) {
    if (result.length !== entry.length) throw new PacketError(`the cipher returned ${result.length} bytes for a packet of ${entry.length}`);
    entry.body = result;
    entry.ok = true;
  } else entry.ok = result;
}

export class PacketDecoder {
  private opener: PacketOpener = new NoProtection();
  private making: Promise<void> | null = null;
  private seq = 0;
  private readonly chunks: Uint8Array[] = [];
  /** Offset of unread bytes in chunks[0]. */
  private offset = 0;
  private buffered = 0;
  private current: Current | null = null;
  private readonly opened: Opened[] = [];
  private blocked: Promise<void> | null = null;
  private failure: Error | null = null;
  private readonly head = new Uint8Array(16);
  /** Set while a key exchange runs: open one packet at a time, so NEWKEYS can change the opener. */
  oneAtATime = true;
  packetsSinceKeys = 0;
  bytesSinceKeys = 0;

  /** Packets after the one just returned are opened by `opener` (call right after NEWKEYS). */
  setOpener(opener: PacketOpener | Promise<PacketOpener>): void {
    const old = this.opener;
    if (opener instanceof Promise) {
      this.making = opener.then(
        (o) => {
          this.opener = o;
          this.making = null;
        },
        (e: unknown) => void this.fail(e),
      );
    } else this.opener = opener;
    old.dispose();
    this.packetsSinceKeys = 0;
    this.bytesSinceKeys = 0;
  }

  resetSequence(): void {
    this.seq = 0;
  }

  /** The sequence number of the payload `next` returned last (SSH_MSG_UNIMPLEMENTED names it). */
  lastSequence = 0;

  get error(): Error | null {
    return this.failure;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /**
   * The next payload, or null: when more bytes are needed, or when waiting (see `pending`).
   * Throws PacketError for a malformed or forged packet; the connection must end then.
   */
  next(): Uint8Array | null {
    if (this.failure) throw this.failure;
    for (;;) {
      const head = this.opened[0];
      if (head && head.ok !== null) {
        this.opened.shift();
        this.lastSequence = head.seq;
        if (!head.ok) throw this.fail(new PacketError('a packet failed its integrity check (corrupted or tampered with)', DISCONNECT.MAC_ERROR));
        return this.payload(head.body, head.length);
      }
      if (this.blocked || this.making) return null;
      // Waiting for the first packet to be opened: frame (and start opening) more meanwhile, unless keys may change.
      if (head && this.oneAtATime) return null;
      if (!this.frameOne()) return null;
    }
  }

  /** Resolves when `next` may have more to give without new bytes; null when it does not wait. */
  pending(): Promise<void> | null {
    if (this.failure) return null;
    return this.opened[0]?.opening ?? this.blocked ?? this.making;
  }

  private fail(e: unknown): Error {
    this.failure ??= e instanceof Error ? e : new Error(String(e));
    return this.failure;
  }

  private block(wait: Promise<void>): false {
    this.blocked = wait.then(
      () => void (this.blocked = null),
      (e: unknown) => void this.fail(e),
    );
    return false;
  }

  /** Frames (and starts opening) one packet; false when it cannot now. */
  private frameOne(): boolean {
    const o = this.opener;
    if (!this.current) {
      if (this.buffered < o.headLength) return false;
      const wait = o.ready?.(o.headLength);
      if (wait) return this.block(wait);
      const first = this.chunks[0]!;
      const inPlace = first.length - this.offset >= o.headLength;
      const head = inPlace ? first.subarray(this.offset, this.offset + o.headLength) : this.gatherHead(o.headLength);
      const seq = this.seq;
      const length = o.readLength(seq, head);
      this.checkLength(length, o);
      const total = 4 + length + o.tagLength;
      this.current = { seq, length, total, buf: null, filled: 0 };
      if (!inPlace || first.length - this.offset < total) {
        // Cut across chunks: gather it (the head, possibly decrypted already, included).
        const buf = new Uint8Array(total);
        buf.set(head);
        this.current.buf = buf;
        this.current.filled = head.length;
        this.consume(head.length, null);
      }
    }
    const c = this.current;
    if (c.buf) {
      if (c.filled < c.total) {
        c.filled += this.consume(c.total - c.filled, c.buf.subarray(c.filled));
        if (c.filled < c.total) return false;
      }
    } else if (this.chunks[0]!.length - this.offset < c.total) return false;
    const wait = o.ready?.(c.total);
    if (wait) return this.block(wait);
    let region: Uint8Array;
    if (c.buf) region = c.buf;
    else {
      region = this.chunks[0]!.subarray(this.offset, this.offset + c.total);
      this.consume(c.total, null);
    }
    this.current = null;
    this.seq = (this.seq + 1) >>> 0;
    this.packetsSinceKeys++;
    this.bytesSinceKeys += c.total;
    const packet = region.subarray(0, 4 + c.length);
    const result = o.open(c.seq, packet, region.subarray(4 + c.length));
    const entry: Opened = { seq: c.seq, body: packet.subarray(4), length: c.length, ok: null, opening: null };
    if (result instanceof Promise) {
      entry.opening = result.then(
        (r) => {
          try {
            opened(entry, r);
          } catch (e) {
            this.fail(e);
          }
        },
        (e: unknown) => void this.fail(e),
      );
      this.opened.push(entry);
      // Keep framing (and opening) what is in hand, unless keys may change after this packet.
      return !this.oneAtATime;
    }
    try {
      opened(entry, result);
    } catch (e) {
      throw this.fail(e);
    }
    this.opened.push(entry);
    return true;
  }

  private checkLength(length: number, o: PacketOpener): void {
    const bs = Math.max(8, o.blockSize);
    if (length < 5 || length > MAX_PACKET_LENGTH) throw this.fail(new PacketError(`packet length ${length} is out of bounds (corrupted stream or wrong keys)`));
    if ((length + 4 - o.aadLength) % bs !== 0) throw this.fail(new PacketError(`packet length ${length} is not a multiple of the cipher block size ${bs}`));
  }

  private payload(body: Uint8Array, length: number): Uint8Array {
    const padding = body[0]!;
    if (padding < 4 || padding > length - 2) throw this.fail(new PacketError(`padding length ${padding} is invalid for a packet of ${length} bytes`));
    return body.subarray(1, length - padding);
  }

  private gatherHead(n: number): Uint8Array {
    const head = this.head.subarray(0, n);
    let got = 0;
    let ci = 0;
    let off = this.offset;
    while (got < n) {
      const c = this.chunks[ci]!;
      const take = Math.min(n - got, c.length - off);
      head.set(c.subarray(off, off + take), got);
      got += take;
      ci++;
      off = 0;
    }
    return head.slice();
  }

  /** Drops up to `n` bytes from the front, copying them to `into` if given; returns how many. */
  private consume(n: number, into: Uint8Array | null): number {
    let done = 0;
    while (done < n && this.chunks.length > 0) {
      const c = this.chunks[0]!;
      const take = Math.min(n - done, c.length - this.offset);
      if (into) into.set(c.subarray(this.offset, this.offset + take), done);
      done += take;
      this.offset += take;
      if (this.offset === c.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    }
    this.buffered -= done;
    return done;
  }
}
