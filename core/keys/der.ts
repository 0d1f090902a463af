// A minimal DER reader (X.690) for the few structures PEM private keys use. Every length is
// bounds-checked; any overrun or oddity is a MalformedKeyError, never an exception of another kind.
import { MalformedKeyError } from './errors.ts';

export const TAG = { INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06, SEQUENCE: 0x30 } as const;

export interface DerNode {
  tag: number;
  content: Uint8Array;
}

const MAX_DEPTH = 16;

function readOne(data: Uint8Array, offset: number, what: string): { node: DerNode; next: number } {
  const fail = (): never => {
    throw new MalformedKeyError(`${what}: damaged DER structure`);
  };
  if (offset + 2 > data.length) fail();
  const tag = data[offset]!;
  if ((tag & 0x1f) === 0x1f) fail();
  let len = data[offset + 1]!;
  let pos = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || pos + n > data.length) fail();
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + data[pos + i]!;
    pos += n;
  }
  if (pos + len > data.length) fail();
  return { node: { tag, content: data.subarray(pos, pos + len) }, next: pos + len };
}

/** Parses exactly one element filling all of `data`. */
export function readDer(data: Uint8Array, what: string): DerNode {
  const { node, next } = readOne(data, 0, what);
  if (next !== data.length) throw new MalformedKeyError(`${what}: trailing bytes after the DER structure`);
  return node;
}

/** The children of a constructed element (SEQUENCE, context tags). */
export function children(node: DerNode, what: string, depth = 0): DerNode[] {
  if (depth > MAX_DEPTH || !(node.tag & 0x20)) throw new MalformedKeyError(`${what}: expected a DER structure`);
  const out: DerNode[] = [];
  let offset = 0;
  while (offset < node.content.length) {
    const { node: child, next } = readOne(node.content, offset, what);
    out.push(child);
    offset = next;
  }
  return out;
}

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || node.tag !== tag) throw new MalformedKeyError(`${what}: unexpected DER element`);
  return node;
}

export function sequence(node: DerNode | undefined, what: string): DerNode[] {
  return children(expectTag(node, TAG.SEQUENCE, what), what);
}

/** A non-negative INTEGER as unsigned big-endian bytes without leading zeros. */
export function unsignedInteger(node: DerNode | undefined, what: string): Uint8Array {
  const c = expectTag(node, TAG.INTEGER, what).content;
  if (c.length === 0 || c[0]! & 0x80) throw new MalformedKeyError(`${what}: negative or empty INTEGER`);
  let i = 0;
  while (i < c.length - 1 && c[i] === 0) i++;
  return c[i] === 0 ? c.subarray(c.length) : c.subarray(i);
}

export function smallInteger(node: DerNode | undefined, what: string): number {
  const b = unsignedInteger(node, what);
  if (b.length > 6) throw new MalformedKeyError(`${what}: INTEGER too large`);
  return b.reduce((n, x) => n * 256 + x, 0);
}

export function objectId(node: DerNode | undefined, what: string): string {
  const c = expectTag(node, TAG.OID, what).content;
  if (c.length === 0) throw new MalformedKeyError(`${what}: empty OID`);
  const parts: number[] = [];
  let v = 0;
  for (const b of c) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  if (c[c.length - 1]! & 0x80) throw new MalformedKeyError(`${what}: damaged OID`);
  const first = parts.shift()!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

export function octetString(node: DerNode | undefined, what: string): Uint8Array {
  return expectTag(node, TAG.OCTET_STRING, what).content;
}

/** BIT STRING content without its unused-bits byte (must be 0 for keys). */
export function bitString(node: DerNode | undefined, what: string): Uint8Array {
  const c = expectTag(node, TAG.BIT_STRING, what).content;
  if (c.length === 0 || c[0] !== 0) throw new MalformedKeyError(`${what}: damaged BIT STRING`);
  return c.subarray(1);
}
