// The few SSH wire encodings (RFC 4251 §5) our algorithm classes need on raw bytes.

export function uint32(n: number): Uint8Array {
  return new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

export function readUint32(b: Uint8Array, at: number): number {
  if (at + 4 > b.length) throw new RangeError('SSH data cut short');
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function sshString(data: Uint8Array | string): Uint8Array {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return concat(uint32(bytes.length), bytes);
}

/** The body of an mpint for a non-negative big-endian integer: no leading zeros, 0x00 if the top bit is set. */
export function mpintBody(unsigned: Uint8Array): Uint8Array {
  let i = 0;
  while (i < unsigned.length && unsigned[i] === 0) i++;
  const body = unsigned.subarray(i);
  return body.length > 0 && body[0]! & 0x80 ? concat(new Uint8Array([0]), body) : body;
}

/** Reads `count` consecutive SSH strings from `b` starting at `at`; returns them and the end offset. */
export function readStrings(b: Uint8Array, at: number, count: number): { values: Uint8Array[]; end: number } {
  const values: Uint8Array[] = [];
  let o = at;
  for (let i = 0; i < count; i++) {
    const n = readUint32(b, o);
    if (o + 4 + n > b.length) throw new RangeError('SSH string cut short');
    values.push(b.subarray(o + 4, o + 4 + n));
    o += 4 + n;
  }
  return { values, end: o };
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}
