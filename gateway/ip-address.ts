// IP addresses as bytes and CIDR ranges over them: the one parser behind the target address
// policy, the client allow-lists, the proxy list and the per-network limits.
import { isIP } from 'node:net';

/** An address as bytes: 4 for IPv4, 16 for IPv6. */
export type IpBytes = Uint8Array;

export function parseIp(input: string): IpBytes | null {
  const zoneless = input.split('%')[0] ?? '';
  const family = isIP(zoneless);
  if (family === 4) return Uint8Array.from(zoneless.split('.').map(Number));
  if (family !== 6) return null;
  let text = zoneless;
  // A trailing dotted quad (::ffff:10.0.0.1) becomes the last two hex groups.
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = last.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const groups = (s: string) => (s === '' ? [] : s.split(':').filter((g) => g !== '').map((g) => parseInt(g, 16)));
  const [left = '', right] = text.split('::');
  const l = groups(left);
  const r = right === undefined ? [] : groups(right);
  const fill = right === undefined ? 0 : 8 - l.length - r.length;
  if (fill < 0) return null;
  const all = [...l, ...new Array<number>(fill).fill(0), ...r];
  if (all.length !== 8) return null;
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d), else null. */
export function unmappedIpv4(b: IpBytes): IpBytes | null {
  if (b.length !== 16) return null;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return null;
  return b[10] === 0xff && b[11] === 0xff ? b.slice(12) : null;
}

export interface IpRange {
  readonly prefix: IpBytes;
  readonly bits: number;
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a single-address range). */
export function parseCidr(text: string): IpRange | null {
  const [addr = '', bitsText, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const prefix = parseIp(addr);
  if (!prefix || addr.includes('%')) return null;
  const max = prefix.length * 8;
  if (bitsText === undefined) return { prefix, bits: max };
  if (!/^\d{1,3}$/.test(bitsText)) return null;
  const bits = Number(bitsText);
  return bits <= max ? { prefix, bits } : null;
}

/** Whether `bytes` lies in `r` (same family only: an IPv4 range never matches an IPv6 address). */
export function inRange(bytes: IpBytes, r: IpRange): boolean {
  if (bytes.length !== r.prefix.length) return false;
  let bits = r.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== ((r.prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** A client's address as limits see it: IPv4-mapped forms unmapped. */
export function clientBytes(address: string): IpBytes | null {
  const bytes = parseIp(address);
  if (!bytes) return null;
  return unmappedIpv4(bytes) ?? bytes;
}

/**
 * The key per-client limits count by: an IPv4 address, or an IPv6 /64 (one subscriber usually
 * holds a whole /64, so counting single IPv6 addresses would give each attacker 2^64 budgets).
 */
export function clientNetwork(address: string): string {
  const b = clientBytes(address);
  if (!b) return address.slice(0, 64);
  if (b.length === 4) return b.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 8; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return `${groups.join(':')}::/64`;
}

export function isLoopback(address: string): boolean {
  const b = clientBytes(address);
  if (!b) return false;
  if (b.length === 4) return b[0] === 127;
  return b.every((x, i) => (i === 15 ? x === 1 : x === 0));
}
