// The connection protocol's channels (RFC 4254 §5-6), client side: several session channels at
// once, each with its own windows. We send no more than the peer's window and split data into
// its maximum packet; we re-open our window only as the consumer takes the bytes (`consumed`),
// so a slow reader slows the server instead of filling memory. No I/O here.
import { SshError, SshProtocolError } from './errors.ts';
import type { SshEvent } from './events.ts';
import { MSG } from './messages.ts';
import { lenientText, SshReader, SshWriter, writeUint32 } from './wire.ts';

export type ChannelRequest = { type: 'subsystem'; name: string } | { type: 'exec'; command: string };

export interface ChannelOptions {
  /** Our receive window, e.g. 8 MiB: bounds what the server may send ahead. */
  windowBytes: number;
  /** The largest data packet we accept. */
  maxPacket: number;
}

export interface ChannelSink {
  send(head: Uint8Array, body?: Uint8Array): void;
  emit(event: SshEvent): void;
}

type State = 'opening' | 'requesting' | 'open' | 'closed';

interface Channel {
  readonly id: number;
  remoteId: number;
  state: State;
  request: ChannelRequest;
  localWindow: number;
  /** Bytes consumed but not yet given back to the peer with WINDOW_ADJUST. */
  toAdjust: number;
  remoteWindow: number;
  remoteMaxPacket: number;
  sentEof: boolean;
  sentClose: boolean;
  receivedClose: boolean;
  /** A write was cut short by the window: tell the driver when it grows. */
  wantsWrite: boolean;
}

const fail = (what: string) => new SshProtocolError(`malformed channel message: ${what}`);

const OPEN_FAILURE: Record<number, string> = { 1: 'administratively prohibited', 2: 'connect failed', 3: 'unknown channel type', 4: 'resource shortage' };

export class Channels {
  private readonly table = new Map<number, Channel>();
  private nextId = 0;
  private readonly header = new Uint8Array(9);

  constructor(private readonly o: ChannelOptions, private readonly sink: ChannelSink, private readonly where: string) {}

  /** Opens a session channel and makes `request` on it; 'channel-open' or 'channel-refused' follows. */
  open(request: ChannelRequest): number {
    const id = this.nextId++;
    this.table.set(id, {
      id,
      remoteId: 0,
      state: 'opening',
      request,
      localWindow: this.o.windowBytes,
      toAdjust: 0,
      remoteWindow: 0,
      remoteMaxPacket: 0,
      sentEof: false,
      sentClose: false,
      receivedClose: false,
      wantsWrite: false,
    });
    this.sink.send(new SshWriter(64).byte(MSG.CHANNEL_OPEN).string('session').uint32(id).uint32(this.o.windowBytes).uint32(this.o.maxPacket).bytes());
    return id;
  }

  get count(): number {
    return this.table.size;
  }

  private channel(r: SshReader): Channel {
    const id = r.uint32('recipient channel');
    const c = this.table.get(id);
    if (!c) throw new SshProtocolError(`the server referred to channel ${id}, which is not open`);
    return c;
  }

  /** Handles a connection-protocol channel message (91-100). */
  handle(type: number, payload: Uint8Array): void {
    const r = new SshReader(payload, fail, 1);
    const c = this.channel(r);
    switch (type) {
      case MSG.CHANNEL_OPEN_CONFIRMATION: {
        if (c.state !== 'opening') throw new SshProtocolError(`unexpected open confirmation for channel ${c.id}`);
        c.remoteId = r.uint32('sender channel');
        c.remoteWindow = r.uint32('initial window');
        c.remoteMaxPacket = r.uint32('maximum packet');
        c.state = 'requesting';
        if (c.sentClose) {
          // Closed by us while it was being opened.
          this.sendClose(c);
          return;
        }
        const w = new SshWriter(256).byte(MSG.CHANNEL_REQUEST).uint32(c.remoteId).string(c.request.type).boolean(true);
        this.sink.send((c.request.type === 'subsystem' ? w.string(c.request.name) : w.string(c.request.command)).bytes());
        return;
      }
      case MSG.CHANNEL_OPEN_FAILURE: {
        if (c.state !== 'opening') throw new SshProtocolError(`unexpected open failure for channel ${c.id}`);
        const reason = r.uint32('reason');
        const text = lenientText(r.string('description'));
        this.table.delete(c.id);
        this.sink.emit({ type: 'channel-refused', channel: c.id, error: this.refused(c, reason, text) });
        return;
      }
      case MSG.CHANNEL_SUCCESS:
      case MSG.CHANNEL_FAILURE: {
        if (c.state !== 'requesting') return; // a reply to nothing we asked: ignored (RFC 4254 §5.4 allows none)
        if (type === MSG.CHANNEL_SUCCESS) {
          c.state = 'open';
          this.sink.emit({ type: 'channel-open', channel: c.id });
        } else {
          this.sink.emit({ type: 'channel-refused', channel: c.id, error: this.refused(c) });
          this.close(c.id);
        }
        return;
      }
      case MSG.CHANNEL_WINDOW_ADJUST: {
        c.remoteWindow = Math.min(c.remoteWindow + r.uint32('bytes to add'), 0xffffffff);
        if (c.wantsWrite && c.remoteWindow > 0) {
          c.wantsWrite = false;
          this.sink.emit({ type: 'channel-writable', channel: c.id });
        }
        return;
      }
      case MSG.CHANNEL_DATA:
      case MSG.CHANNEL_EXTENDED_DATA: {
        const extended = type === MSG.CHANNEL_EXTENDED_DATA;
        if (extended) r.uint32('data type code');
        const data = r.string('data');
        if (data.length > c.localWindow) throw new SshProtocolError(`the server sent ${data.length} bytes on channel ${c.id} with only ${c.localWindow} left in its window`);
        c.localWindow -= data.length;
        if (c.state === 'closed' || c.sentClose) return;
        // Extended data (stderr of a command) is not for the consumer: its window is given back at once.
        if (extended) this.consumed(c.id, data.length);
        else this.sink.emit({ type: 'channel-data', channel: c.id, data });
        return;
      }
      case MSG.CHANNEL_EOF:
        this.sink.emit({ type: 'channel-eof', channel: c.id });
        return;
      case MSG.CHANNEL_CLOSE:
        c.receivedClose = true;
        if (!c.sentClose) this.sendClose(c);
        this.table.delete(c.id);
        c.state = 'closed';
        this.sink.emit({ type: 'channel-closed', channel: c.id });
        return;
      case MSG.CHANNEL_REQUEST: {
        const name = lenientText(r.string('request type'));
        const wantReply = r.boolean('want reply');
        if (name === 'exit-status') this.sink.emit({ type: 'exit-status', channel: c.id, status: r.uint32('exit status') });
        // Requests we do not serve (keepalive@openssh.com, eow@openssh.com, …) get a polite failure.
        if (wantReply) this.sink.send(new SshWriter(8).byte(MSG.CHANNEL_FAILURE).uint32(c.remoteId).bytes());
        return;
      }
    }
  }

  private refused(c: Channel, reason?: number, text?: string): SshError {
    const what = c.request.type === 'subsystem' ? `the ${c.request.name} subsystem` : `the command ${c.request.command}`;
    const why = reason === undefined ? 'refused' : `refused the channel (${OPEN_FAILURE[reason] ?? `reason ${reason}`}${text ? `: ${text}` : ''})`;
    return new SshError('channel-refused', `${this.where} ${why} for ${what}`, { where: this.where, what, ...(reason !== undefined ? { reason } : {}), ...(text ? { serverMessage: text } : {}) });
  }

  /**
   * Sends what the peer's window allows of `data` (split into its maximum packet); returns the
   * number of bytes taken. Fewer than `data.length`: wait for 'channel-writable'.
   */
  write(id: number, data: Uint8Array): number {
    const c = this.table.get(id);
    if (!c || c.state !== 'open' || c.sentEof || c.sentClose) throw new SshError('channel-refused', `channel ${id} is not open for writing`, { where: this.where });
    let taken = 0;
    while (taken < data.length && c.remoteWindow > 0) {
      const n = Math.min(data.length - taken, c.remoteWindow, Math.max(1, c.remoteMaxPacket));
      const h = this.header;
      h[0] = MSG.CHANNEL_DATA;
      writeUint32(h, 1, c.remoteId);
      writeUint32(h, 5, n);
      this.sink.send(h, data.subarray(taken, taken + n));
      c.remoteWindow -= n;
      taken += n;
    }
    if (taken < data.length) c.wantsWrite = true;
    return taken;
  }

  /** The consumer took `n` bytes: the window opens again once half of it was used. */
  consumed(id: number, n: number): void {
    const c = this.table.get(id);
    if (!c || c.sentClose) return;
    c.toAdjust += n;
    if (c.toAdjust >= this.o.windowBytes / 2 || (c.localWindow < this.o.maxPacket && c.toAdjust > 0)) {
      this.sink.send(new SshWriter(9).byte(MSG.CHANNEL_WINDOW_ADJUST).uint32(c.remoteId).uint32(c.toAdjust).bytes());
      c.localWindow += c.toAdjust;
      c.toAdjust = 0;
    }
  }

  eof(id: number): void {
    const c = this.table.get(id);
    if (!c || c.state !== 'open' || c.sentEof || c.sentClose) return;
    c.sentEof = true;
    this.sink.send(new SshWriter(5).byte(MSG.CHANNEL_EOF).uint32(c.remoteId).bytes());
  }

  /** Sends EOF and CLOSE; 'channel-closed' follows when the server's CLOSE arrives. */
  close(id: number): void {
    const c = this.table.get(id);
    if (!c || c.sentClose) return;
    if (c.state === 'opening') {
      // No remote id yet: closed right after the confirmation arrives.
      c.sentClose = true;
      return;
    }
    this.eof(id);
    this.sendClose(c);
  }

  private sendClose(c: Channel): void {
    c.sentClose = true;
    this.sink.send(new SshWriter(5).byte(MSG.CHANNEL_CLOSE).uint32(c.remoteId).bytes());
  }

  /** True when `write` may take bytes now. */
  writable(id: number): boolean {
    const c = this.table.get(id);
    return !!c && c.state === 'open' && c.remoteWindow > 0 && !c.sentClose;
  }

  /** After a key exchange (writes were paused): every channel that wanted to write may again. */
  resume(): void {
    for (const c of this.table.values()) {
      if (c.wantsWrite && c.remoteWindow > 0) {
        c.wantsWrite = false;
        this.sink.emit({ type: 'channel-writable', channel: c.id });
      }
    }
  }

  /** Marks a write attempt that was refused for another reason (a key exchange in progress). */
  waitForWrite(id: number): void {
    const c = this.table.get(id);
    if (c) c.wantsWrite = true;
  }

  /** The connection ended: every channel is closed. */
  closeAll(): number[] {
    const ids = [...this.table.keys()];
    this.table.clear();
    return ids;
  }
}
