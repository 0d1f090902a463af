// The sending half of the binary packet protocol (RFC 4253 §6): payloads in, sealed packets out.
// Packets are laid out one after another in large frame buffers and sealed there in place, so
// what goes to the transport is one view over many packets, no copy per packet. Sealing keeps
// the order of enqueueing; a sealer that must wait (keys being imported, a keystream batch, a
// WebCrypto promise) holds back only the output, never the caller: several WebCrypto packets
// are in flight at once and awaited together. Each packet is sealed with the sealer that was
// current when it was enqueued, so NEWKEYS takes effect exactly after itself.
import type { PacketSealer } from './ciphers/protection.ts';
import { NoProtection } from './ciphers/protection.ts';
import { writeUint32 } from './wire.ts';

/** Several transport messages' worth: the WebSocket transport sends views of a frame as they are, so a frame's end splits a message. */
const FRAME_BYTES = 1024 * 1024;
const RANDOM_POOL = 4096;

/** The keys packets are sealed with between two NEWKEYS. */
interface Epoch {
  sealer: PacketSealer | null;
  /** While the sealer is being made (WebCrypto key import). */
  making: Promise<void> | null;
  retired: boolean;
}

interface Frame {
  buf: Uint8Array;
  used: number;
  /** Bytes already handed to the transport. */
  taken: number;
}

interface Job {
  readonly epoch: Epoch;
  readonly seq: number;
  /** The payload, kept only until the packet is laid out (waiting for its epoch's sealer: sizes depend on it). */
  payload: Uint8Array | null;
  frame: Frame | null;
  start: number;
  end: number;
  state: 'queued' | 'sealing' | 'done';
  sealing: Promise<void> | null;
}

export class PacketEncoder {
  private epoch: Epoch = { sealer: new NoProtection(), making: null, retired: false };
  private seq = 0;
  private frame: Frame = { buf: new Uint8Array(FRAME_BYTES), used: 0, taken: 0 };
  /** Packets not yet handed out, in order. */
  private readonly jobs: Job[] = [];
  /** Index of the first job whose sealing was not started. */
  private next = 0;
  /** Jobs waiting to be laid out (their epoch had no sealer yet); later jobs wait behind them. */
  private deferred = 0;
  private blocked: Promise<void> | null = null;
  private failure: Error | null = null;
  private random = new Uint8Array(0);
  private randomUsed = 0;
  /** Packets and bytes since the last key change, for re-key limits. */
  packetsSinceKeys = 0;
  bytesSinceKeys = 0;

  /** The error a sealer failed with (e.g. WebCrypto): the connection cannot go on. */
  get error(): Error | null {
    return this.failure;
  }

  /** Packets enqueued from now on are sealed by `sealer` (call right after enqueueing NEWKEYS). */
  setSealer(sealer: PacketSealer | Promise<PacketSealer>): void {
    this.epoch.retired = true;
    this.disposeRetired();
    const epoch: Epoch = { sealer: null, making: null, retired: false };
    if (sealer instanceof Promise) {
      epoch.making = sealer.then(
        (s) => {
          epoch.sealer = s;
          epoch.making = null;
        },
        (e: unknown) => this.fail(e),
      );
    } else epoch.sealer = sealer;
    this.epoch = epoch;
    this.packetsSinceKeys = 0;
    this.bytesSinceKeys = 0;
  }

  /** Strict kex (OpenSSH PROTOCOL §1.10): the sequence number restarts at 0 after each NEWKEYS. */
  resetSequence(): void {
    this.seq = 0;
  }

  /** Enqueues one packet whose payload is `head` then `body` (channel data is copied once: into the frame). */
  enqueue(head: Uint8Array, body?: Uint8Array): void {
    if (this.failure) return;
    const job: Job = { epoch: this.epoch, seq: this.seq, payload: null, frame: null, start: 0, end: 0, state: 'queued', sealing: null };
    this.seq = (this.seq + 1) >>> 0;
    const payloadLength = head.length + (body?.length ?? 0);
    this.packetsSinceKeys++;
    this.bytesSinceKeys += payloadLength;
    if (this.epoch.sealer && this.deferred === 0) this.layOut(job, this.epoch.sealer, head, body);
    else {
      job.payload = joined(head, body);
      this.deferred++;
    }
    this.jobs.push(job);
    this.pump();
  }

  private layOut(job: Job, sealer: PacketSealer, head: Uint8Array, body?: Uint8Array): void {
    const payloadLength = head.length + (body?.length ?? 0);
    const bs = Math.max(8, sealer.blockSize);
    let padding = bs - ((5 + payloadLength - sealer.aadLength) % bs);
    if (padding < 4) padding += bs;
    const packetLength = 1 + payloadLength + padding;
    const total = 4 + packetLength + sealer.tagLength;
    let frame = this.frame;
    if (frame.buf.length - frame.used < total) {
      frame = { buf: new Uint8Array(Math.max(FRAME_BYTES, total)), used: 0, taken: 0 };
      this.frame = frame;
    }
    const buf = frame.buf;
    const start = frame.used;
    writeUint32(buf, start, packetLength);
    buf[start + 4] = padding;
    buf.set(head, start + 5);
    if (body) buf.set(body, start + 5 + head.length);
    this.fillRandom(buf, start + 5 + payloadLength, padding);
    frame.used += total;
    job.frame = frame;
    job.start = start;
    job.end = start + total;
  }

  private fillRandom(buf: Uint8Array, at: number, n: number): void {
    if (this.randomUsed + n > this.random.length) {
      this.random = crypto.getRandomValues(new Uint8Array(RANDOM_POOL));
      this.randomUsed = 0;
    }
    buf.set(this.random.subarray(this.randomUsed, this.randomUsed + n), at);
    this.randomUsed += n;
  }

  /** Starts sealing as many queued packets as can be, in order. */
  private pump(): void {
    while (!this.blocked && !this.failure && this.next < this.jobs.length) {
      const job = this.jobs[this.next]!;
      const sealer = job.epoch.sealer;
      if (!sealer) return this.block(job.epoch.making!);
      if (job.payload) {
        this.layOut(job, sealer, job.payload);
        job.payload = null;
        this.deferred--;
      }
      const wait = sealer.ready?.(job.end - job.start);
      if (wait) return this.block(wait);
      const buf = job.frame!.buf;
      const tagStart = job.end - sealer.tagLength;
      let result: void | Promise<void>;
      try {
        result = sealer.seal(job.seq, buf.subarray(job.start, tagStart), buf.subarray(tagStart, job.end));
      } catch (e) {
        return this.fail(e);
      }
      if (result instanceof Promise) {
        job.state = 'sealing';
        job.sealing = result.then(
          () => void (job.state = 'done'),
          (e: unknown) => this.fail(e),
        );
      } else job.state = 'done';
      this.next++;
    }
  }

  private block(wait: Promise<void>): void {
    this.blocked = wait.then(
      () => {
        this.blocked = null;
        this.pump();
      },
      (e: unknown) => this.fail(e),
    );
  }

  private fail(e: unknown): void {
    this.failure ??= e instanceof Error ? e : new Error(String(e));
    this.blocked = null;
  }

  private disposeRetired(): void {
    const inUse = new Set(this.jobs.map((j) => j.epoch));
    for (const e of [this.epoch]) if (e.retired && !inUse.has(e)) e.sealer?.dispose();
  }

  /** Sealed bytes ready for the transport (one view over consecutive packets), or null. */
  takeOutput(): Uint8Array | null {
    const first = this.jobs[0];
    if (this.failure || first?.state !== 'done') return null;
    const frame = first.frame!;
    let end = first.start;
    let n = 0;
    for (const job of this.jobs) {
      if (job.state !== 'done' || job.frame !== frame || job.start !== end) break;
      end = job.end;
      n++;
    }
    const lastEpoch = this.jobs[n - 1]!.epoch;
    this.jobs.splice(0, n);
    this.next -= n;
    if (lastEpoch.retired && !this.jobs.some((j) => j.epoch === lastEpoch)) lastEpoch.sealer?.dispose();
    const out = frame.buf.subarray(frame.taken, end);
    frame.taken = end;
    return out;
  }

  /** Resolves when more output may be ready; null when nothing waits (take what is ready now). */
  pending(): Promise<void> | null {
    const first = this.jobs[0];
    if (this.failure || !first || first.state === 'done') return null;
    return first.sealing ?? this.blocked ?? first.epoch.making ?? Promise.resolve();
  }
}

function joined(head: Uint8Array, body?: Uint8Array): Uint8Array {
  const out = new Uint8Array(head.length + (body?.length ?? 0));
  out.set(head);
  if (body) out.set(body, head.length);
  return out;
}
