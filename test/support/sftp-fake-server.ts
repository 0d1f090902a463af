// TEST-ONLY: an in-memory SshChannelStream whose far end the test drives by hand, to play a
// broken or hostile SFTP server (garbage lengths, truncated packets, unknown ids, wrong replies).
import type { SshChannelStream } from '../../core/ssh/channel.ts';

export interface ClientPacket {
  type: number;
  /** Request id (absent for INIT, whose first uint32 is the version). */
  id: number;
  /** Bytes after type and id. */
  body: Uint8Array;
}

export class FakeSftpServer {
  readonly channel: SshChannelStream;
  closed = false;
  /** Number of channel writes the client made. */
  writes = 0;
  private toClient: (Uint8Array | null)[] = [];
  private clientWaiter: (() => void) | null = null;
  private fromClient = new Uint8Array(0);
  private packetWaiters: (() => void)[] = [];

  constructor() {
    this.channel = {
      write: async (data) => {
        if (this.closed) throw new Error('fake channel closed');
        this.writes++;
        const merged = new Uint8Array(this.fromClient.byteLength + data.byteLength);
        merged.set(this.fromClient);
        merged.set(data, this.fromClient.byteLength);
        this.fromClient = merged;
        const ws = this.packetWaiters;
        this.packetWaiters = [];
        for (const w of ws) w();
      },
      read: async () => {
        for (;;) {
          if (this.toClient.length > 0) return this.toClient.shift() ?? null;
          if (this.closed) return null;
          await new Promise<void>((ok) => (this.clientWaiter = ok));
        }
      },
      close: async () => {
        this.closed = true;
        this.wakeClient();
        const ws = this.packetWaiters;
        this.packetWaiters = [];
        for (const w of ws) w();
      },
    };
  }

  private wakeClient(): void {
    const w = this.clientWaiter;
    this.clientWaiter = null;
    w?.();
  }

  /** Raw bytes to the client, as they are. */
  send(bytes: Uint8Array | number[]): void {
    this.toClient.push(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes));
    this.wakeClient();
  }

  /** The server closes the channel (EOF). */
  end(): void {
    this.toClient.push(null);
    this.wakeClient();
  }

  /** Next complete packet the client sent; rejects once the client closed the channel. */
  async nextPacket(): Promise<ClientPacket> {
    for (;;) {
      const p = this.takePacket();
      if (p) return p;
      if (this.closed) throw new Error('the client closed the channel');
      await new Promise<void>((ok) => this.packetWaiters.push(ok));
    }
  }

  /** A complete packet the client already sent, or null (does not wait). */
  takePacket(): ClientPacket | null {
    if (this.fromClient.byteLength < 4) return null;
    const len = new DataView(this.fromClient.buffer, this.fromClient.byteOffset).getUint32(0);
    if (this.fromClient.byteLength < 4 + len) return null;
    const packet = this.fromClient.subarray(4, 4 + len);
    this.fromClient = this.fromClient.slice(4 + len);
    const pv = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
    return { type: packet[0] ?? -1, id: pv.getUint32(1), body: packet.slice(5) };
  }
}

/** Encodes fields for replies: numbers become uint32, bigint uint64, strings and bytes length-prefixed, {raw} as is. */
export type Field = number | bigint | string | Uint8Array | { raw: number[] };

export function packet(type: number, ...fields: Field[]): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(type)];
  for (const f of fields) {
    if (typeof f === 'number') {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, f >>> 0);
      parts.push(b);
    } else if (typeof f === 'bigint') {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, f);
      parts.push(b);
    } else if (typeof f === 'string' || f instanceof Uint8Array) {
      const data = typeof f === 'string' ? new TextEncoder().encode(f) : f;
      const b = new Uint8Array(4 + data.byteLength);
      new DataView(b.buffer).setUint32(0, data.byteLength);
      b.set(data, 4);
      parts.push(b);
    } else parts.push(Uint8Array.from(f.raw));
  }
  const len = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(4 + len);
  new DataView(out.buffer).setUint32(0, len);
  let pos = 4;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.byteLength;
  }
  return out;
}

/** The VERSION hello OpenSSH sends, with the given extensions. */
export function versionPacket(version = 3, extensions: [string, string][] = []): Uint8Array {
  return packet(2, version, ...extensions.flat());
}
