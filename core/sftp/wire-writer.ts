// Builds one outgoing SFTP packet: uint32 length, then type and fields. Sizes are computed by the
// caller-facing helpers so each packet is allocated exactly once.
const utf8 = new TextEncoder();

export type WireField =
  | { kind: 'byte'; value: number }
  | { kind: 'uint32'; value: number }
  | { kind: 'uint64'; value: number }
  | { kind: 'bytes'; value: Uint8Array }
  | { kind: 'raw'; value: Uint8Array };

export const byte = (value: number): WireField => ({ kind: 'byte', value });
export const u32 = (value: number): WireField => ({ kind: 'uint32', value });
export const u64 = (value: number): WireField => ({ kind: 'uint64', value });
export const bytes = (value: Uint8Array): WireField => ({ kind: 'bytes', value });
export const str = (value: string): WireField => ({ kind: 'bytes', value: utf8.encode(value) });
/** Bytes copied as they are, without a length prefix (pre-encoded attributes). */
export const raw = (value: Uint8Array): WireField => ({ kind: 'raw', value });

function sizeOf(f: WireField): number {
  switch (f.kind) {
    case 'byte':
      return 1;
    case 'uint32':
      return 4;
    case 'uint64':
      return 8;
    case 'bytes':
      return 4 + f.value.byteLength;
    case 'raw':
      return f.value.byteLength;
  }
}

/** Encodes fields after a uint32 length prefix covering them. */
export function encodePacket(fields: WireField[]): Uint8Array {
  let len = 0;
  for (const f of fields) len += sizeOf(f);
  const out = new Uint8Array(4 + len);
  const view = new DataView(out.buffer);
  view.setUint32(0, len);
  let pos = 4;
  for (const f of fields) {
    switch (f.kind) {
      case 'byte':
        view.setUint8(pos, f.value);
        pos += 1;
        break;
      case 'uint32':
        view.setUint32(pos, f.value >>> 0);
        pos += 4;
        break;
      case 'uint64':
        if (!Number.isSafeInteger(f.value) || f.value < 0) throw new RangeError(`uint64 out of range: ${f.value}`);
        view.setUint32(pos, Math.floor(f.value / 0x100000000));
        view.setUint32(pos + 4, f.value >>> 0);
        pos += 8;
        break;
      case 'bytes':
        view.setUint32(pos, f.value.byteLength);
        out.set(f.value, pos + 4);
        pos += 4 + f.value.byteLength;
        break;
      case 'raw':
        out.set(f.value, pos);
        pos += f.value.byteLength;
        break;
    }
  }
  return out;
}
