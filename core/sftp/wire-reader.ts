// Bounds-checked reading of SFTP fields from one received packet. Every read checks the bytes
// remain first and throws a protocol error otherwise: garbage from a server never reads past the
// packet nor makes us allocate what it claims.
import { protocolError } from './errors.ts';

const utf8 = new TextDecoder('utf-8');

export class WireReader {
  private view: DataView;
  private pos = 0;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.byteLength - this.pos;
  }

  private need(n: number, what: string): void {
    if (n > this.remaining) throw protocolError(`truncated packet: ${what} needs ${n} bytes, ${this.remaining} left`);
  }

  byte(what = 'byte'): number {
    this.need(1, what);
    return this.view.getUint8(this.pos++);
  }

  uint32(what = 'uint32'): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  /** A uint64 as a JS number; values past 2^53 cannot be real sizes or offsets here. */
  uint64(what = 'uint64'): number {
    this.need(8, what);
    const hi = this.view.getUint32(this.pos);
    const lo = this.view.getUint32(this.pos + 4);
    this.pos += 8;
    if (hi >= 0x200000) throw protocolError(`${what} too large (${hi} * 2^32)`);
    return hi * 0x100000000 + lo;
  }

  /** A uint64 that is an identifier, not a quantity (e.g. f_fsid): may lose precision, never fails. */
  uint64Id(what = 'uint64'): number {
    this.need(8, what);
    const v = this.view.getUint32(this.pos) * 0x100000000 + this.view.getUint32(this.pos + 4);
    this.pos += 8;
    return v;
  }

  /** A length-prefixed byte string, as a view into the packet (no copy). */
  bytesField(what = 'string'): Uint8Array {
    const len = this.uint32(`${what} length`);
    this.need(len, what);
    const out = this.bytes.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  string(what = 'string'): string {
    return utf8.decode(this.bytesField(what));
  }

  /** For trailing optional fields that some servers omit (e.g. the STATUS message/language). */
  optionalString(what = 'string'): string {
    return this.remaining >= 4 ? this.string(what) : '';
  }

  /** Strict decoders call this last: trailing bytes mean we misread the packet. */
  end(what: string): void {
    if (this.remaining !== 0) throw protocolError(`${this.remaining} unexpected trailing bytes after ${what}`);
  }
}
