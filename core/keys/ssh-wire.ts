// SSH wire encoding (RFC 4251 §5): uint32, string, mpint — as used inside key blobs.
import { MalformedKeyError } from './errors.ts';

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function utf8Bytes(text: string): Uint8Array {
  return utf8.encode(text);
}

/** Big-endian unsigned bytes of a non-negative bigint, no leading zero bytes (empty for 0). */
export function bigintToBytes(n: bigint): Uint8Array {
  if (n < 0n) throw new RangeError('negative');
  let hex = n.toString(16);
  if (n === 0n) return new Uint8Array(0);
  if (hex.length % 2) hex = '0' + hex;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToBigint(bytes: Uint8Array): bigint {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex ? BigInt('0x' + hex) : 0n;
}

/** Left-pads (or strips leading zeros from) an unsigned big-endian number to exactly `size` bytes. */
export function fixedWidth(bytes: Uint8Array, size: number): Uint8Array {
  let start = 0;
  while (start < bytes.length - size && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  if (trimmed.length > size) throw new MalformedKeyError('number too large for its field');
  const out = new Uint8Array(size);
  out.set(trimmed, size - trimmed.length);
  return out;
}

export class SshWriter {
  private parts: Uint8Array[] = [];

  uint32(n: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n >>> 0);
    this.parts.push(b);
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.parts.push(bytes);
    return this;
  }

  string(value: Uint8Array | string): this {
    const bytes = typeof value === 'string' ? utf8.encode(value) : value;
    return this.uint32(bytes.length).raw(bytes);
  }

  /** mpint from unsigned big-endian bytes: minimal, with a 0x00 prefix when the top bit is set. */
  mpint(unsigned: Uint8Array | bigint): this {
    let b = typeof unsigned === 'bigint' ? bigintToBytes(unsigned) : unsigned;
    let i = 0;
    while (i < b.length && b[i] === 0) i++;
    b = b.subarray(i);
    if (b.length > 0 && b[0]! & 0x80) b = concatBytes(new Uint8Array([0]), b);
    return this.string(b);
  }

  bytes(): Uint8Array {
    return concatBytes(...this.parts);
  }
}

/** Bounds-checked reader: every overrun is a MalformedKeyError naming `what`, never a crash. */
export class SshReader {
  private offset = 0;

  constructor(private readonly data: Uint8Array, private readonly what = 'key data') {}

  get remaining(): number {
    return this.data.length - this.offset;
  }

  private fail(detail: string): never {
    throw new MalformedKeyError(`${this.what}: ${detail}`);
  }

  uint32(): number {
    if (this.remaining < 4) this.fail('cut short');
    const v = new DataView(this.data.buffer, this.data.byteOffset + this.offset, 4).getUint32(0);
    this.offset += 4;
    return v;
  }

  raw(length: number): Uint8Array {
    if (length < 0 || length > this.remaining) this.fail('cut short');
    const v = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return v;
  }

  string(): Uint8Array {
    return this.raw(this.uint32());
  }

  text(): string {
    try {
      return utf8Strict.decode(this.string());
    } catch (err) {
      if (err instanceof MalformedKeyError) throw err;
      return this.fail('text is not valid UTF-8');
    }
  }

  /** mpint as unsigned big-endian bytes without leading zeros; negative values are rejected. */
  mpint(): Uint8Array {
    const b = this.string();
    if (b.length > 0 && b[0]! & 0x80) this.fail('negative number where a key number was expected');
    let i = 0;
    while (i < b.length && b[i] === 0) i++;
    return b.subarray(i);
  }

  rest(): Uint8Array {
    return this.raw(this.remaining);
  }
}
