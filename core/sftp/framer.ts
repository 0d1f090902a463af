// Cuts the channel's byte stream into SFTP packets (uint32 length + payload). The length is checked
// against a maximum before anything is allocated, so a hostile server cannot make us reserve
// gigabytes nor feed us a packet too short to hold a type and an id.
import { protocolError } from './errors.ts';

export class PacketFramer {
  private header = new Uint8Array(4);
  private headerFill = 0;
  private packet: Uint8Array | null = null;
  private packetFill = 0;

  constructor(private readonly maxLength: number) {}

  /** Bytes of an unfinished packet are kept; returns the packets completed by this chunk. */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let pos = 0;
    while (pos < chunk.byteLength) {
      if (this.packet === null) {
        const take = Math.min(4 - this.headerFill, chunk.byteLength - pos);
        this.header.set(chunk.subarray(pos, pos + take), this.headerFill);
        this.headerFill += take;
        pos += take;
        if (this.headerFill < 4) break;
        const len = new DataView(this.header.buffer).getUint32(0);
        // type (1) + request id or version (4) is the smallest valid SFTP packet.
        if (len < 5) throw protocolError(`packet length ${len} is too short`);
        if (len > this.maxLength) throw protocolError(`packet length ${len} exceeds the maximum of ${this.maxLength}${textHint(this.header)}`);
        this.packet = new Uint8Array(len);
        this.packetFill = 0;
        this.headerFill = 0;
      }
      const take = Math.min(this.packet.byteLength - this.packetFill, chunk.byteLength - pos);
      this.packet.set(chunk.subarray(pos, pos + take), this.packetFill);
      this.packetFill += take;
      pos += take;
      if (this.packetFill === this.packet.byteLength) {
        out.push(this.packet);
        this.packet = null;
      }
    }
    return out;
  }

  /** True when the stream stopped in the middle of a packet. */
  get midPacket(): boolean {
    return this.packet !== null || this.headerFill > 0;
  }
}

/**
 * The classic cause of an absurd first length: a login script on the server printing text (a
 * greeting, `echo` in .bashrc) into the channel before SFTP starts. Say so when it looks like text.
 */
function textHint(header: Uint8Array): string {
  if (!header.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f))) return '';
  const text = String.fromCharCode(...header).replace(/[\r\n\t]/g, ' ');
  return ` — it starts with the text "${text}": the server printed something (a login script?) instead of speaking SFTP`;
}
