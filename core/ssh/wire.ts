// SSH wire encoding (RFC 4251 §5): byte, boolean, uint32, uint64, string, mpint, name-list.
// One reader and one writer for every message, key blob and signature core/ssh handles. The
// reader is bounds-checked: an overrun throws what `fail` makes (a protocol error for packets,
// a key error for key files), never reads past the end.

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

export type WireFailure = (what: string) => Error;

/** The default failure: a plain RangeError (callers that talk to peers pass their own). */
const rangeFailure: WireFailure = (what) => new RangeError(`SSH data: ${what}`);

export class SshReader {
  private offset: number;
  private readonly end: number;

  constructor(
    private readonly data: Uint8Array,
    private readonly fail: WireFailure = rangeFailure,
    start = 0,
  ) {
    this.offset = start;
    this.end = data.length;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  get position(): number {
    return this.offset;
  }

  private need(n: number, what: string): void {
    if (n < 0 || n > this.end - this.offset) throw this.fail(`${what} cut short`);
  }

  byte(what = 'byte'): number {
    this.need(1, what);
    return this.data[this.offset++]!;
  }

  boolean(what = 'boolean'): boolean {
    return this.byte(what) !== 0;
  }

  uint32(what = 'uint32'): number {
    this.need(4, what);
    const d = this.data;
    const o = this.offset;
    this.offset += 4;
    return ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
  }

  /** uint64 as a number; values above 2^53 are clamped (they only occur as sizes we never reach). */
  uint64(what = 'uint64'): number {
    const hi = this.uint32(what);
    const lo = this.uint32(what);
    return Math.min(hi * 2 ** 32 + lo, Number.MAX_SAFE_INTEGER);
  }

  raw(length: number, what = 'data'): Uint8Array {
    this.need(length, what);
    const v = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return v;
  }

  /** A string's bytes (a view, not a copy). */
  string(what = 'string'): Uint8Array {
    return this.raw(this.uint32(what), what);
  }

  /** A string as UTF-8 text; invalid UTF-8 is an error. */
  text(what = 'text'): string {
    const bytes = this.string(what);
    try {
      return utf8Strict.decode(bytes);
    } catch {
      throw this.fail(`${what} is not valid UTF-8`);
    }
  }

  /** A string of US-ASCII names separated by commas (RFC 4251 §5: name-list). */
  nameList(what = 'name-list'): string[] {
    return decodeNameList(this.string(what), this.fail, what);
  }

  /** mpint as unsigned big-endian bytes without leading zeros; a negative value is an error. */
  mpint(what = 'mpint'): Uint8Array {
    const b = this.string(what);
    if (b.length > 0 && b[0]! & 0x80) throw this.fail(`${what} is negative`);
    let i = 0;
    while (i < b.length && b[i] === 0) i++;
    return b.subarray(i);
  }

  rest(): Uint8Array {
    return this.raw(this.remaining);
  }

  /** Fails unless every byte was read (trailing garbage in a message is a malformed message). */
  done(what = 'message'): void {
    if (this.offset !== this.end) throw this.fail(`${what} has ${this.end - this.offset} unexpected trailing bytes`);
  }
}

/** Writes into one growing buffer; `bytes()` returns a view of what was written. */
export class SshWriter {
  private buf: Uint8Array;
  private length = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(n: number): this {
    this.room(1);
    this.buf[this.length++] = n;
    return this;
  }

  boolean(b: boolean): this {
    return this.byte(b ? 1 : 0);
  }

  uint32(n: number): this {
    this.room(4);
    writeUint32(this.buf, this.length, n);
    this.length += 4;
    return this;
  }

  uint64(n: number): this {
    return this.uint32(Math.floor(n / 2 ** 32)).uint32(n >>> 0);
  }

  raw(bytes: Uint8Array): this {
    this.room(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  string(value: Uint8Array | string): this {
    const bytes = typeof value === 'string' ? utf8.encode(value) : value;
    return this.uint32(bytes.length).raw(bytes);
  }

  nameList(names: readonly string[]): this {
    return this.string(names.join(','));
  }

  /** mpint from unsigned big-endian bytes (or a bigint ≥ 0): minimal, 0x00 first when the top bit is set. */
  mpint(unsigned: Uint8Array | bigint): this {
    const body = mpintBody(typeof unsigned === 'bigint' ? bigintToBytes(unsigned) : unsigned);
    return this.string(body);
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** The names of a name-list's bytes (without its length): printable US-ASCII, comma-separated. */
export function decodeNameList(bytes: Uint8Array, fail: WireFailure, what = 'name-list'): string[] {
  if (bytes.length === 0) return [];
  let s = '';
  for (const b of bytes) {
    if (b < 0x21 || b > 0x7e) throw fail(`${what} holds a byte that is not a printable US-ASCII character`);
    s += String.fromCharCode(b);
  }
  return s.split(',');
}

export function writeUint32(buf: Uint8Array, at: number, n: number): void {
  buf[at] = n >>> 24;
  buf[at + 1] = (n >>> 16) & 0xff;
  buf[at + 2] = (n >>> 8) & 0xff;
  buf[at + 3] = n & 0xff;
}

export function readUint32(buf: Uint8Array, at: number): number {
  return ((buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!) >>> 0;
}

/** The body of an mpint for a non-negative big-endian integer: no leading zeros, 0x00 if the top bit is set. */
export function mpintBody(unsigned: Uint8Array): Uint8Array {
  let i = 0;
  while (i < unsigned.length && unsigned[i] === 0) i++;
  const body = unsigned.subarray(i);
  if (body.length > 0 && body[0]! & 0x80) {
    const out = new Uint8Array(body.length + 1);
    out.set(body, 1);
    return out;
  }
  return body;
}

/** Big-endian unsigned bytes of a non-negative bigint, no leading zero bytes (empty for 0). */
export function bigintToBytes(n: bigint, size?: number): Uint8Array {
  if (n < 0n) throw new RangeError('negative number');
  let hex = n === 0n ? '' : n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  const length = size ?? hex.length / 2;
  if (hex.length / 2 > length) throw new RangeError('number too large for its field');
  const out = new Uint8Array(length);
  const pad = length - hex.length / 2;
  for (let i = 0; i < hex.length / 2; i++) out[pad + i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToBigint(bytes: Uint8Array): bigint {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex ? BigInt('0x' + hex) : 0n;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Constant-time comparison (for MACs and host-key blobs). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

export function utf8Bytes(text: string): Uint8Array {
  return utf8.encode(text);
}

/** Text from a peer, decoded leniently (invalid sequences become U+FFFD): for messages shown to people. */
export function lenientText(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
