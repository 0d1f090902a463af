// Which resolved addresses the relay may connect to. The gateway must never become a way into
// the operator's own network or a cloud metadata service, so every address a target's name
// resolves to is checked here (after DNS, immediately before connecting to that very address).
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

interface Range {
  prefix: number[];
  bits: number;
  why: string;
}

function range(cidr: string, why: string): Range {
  const [addr = '', bits = '0'] = cidr.split('/');
  const bytes = parseIp(addr);
  if (!bytes) throw new Error(`bad range ${cidr}`);
  return { prefix: [...bytes], bits: Number(bits), why };
}

const V4_FORBIDDEN: Range[] = [
  range('0.0.0.0/8', 'unspecified'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'carrier-grade NAT'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local / cloud metadata'),
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'IETF protocol assignments'),
  range('192.0.2.0/24', 'documentation'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved / broadcast'),
];

const V6_FORBIDDEN: Range[] = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('64:ff9b:1::/48', 'local-use NAT64'),
  range('100::/64', 'discard-only'),
  range('2001::/32', 'Teredo tunnel'),
  range('2001:db8::/32', 'documentation'),
  range('fc00::/7', 'unique-local (incl. fd00:ec2::254 metadata)'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'site-local'),
  range('ff00::/8', 'multicast'),
];

function inRange(bytes: IpBytes, r: Range): boolean {
  let bits = r.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== ((r.prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** IPv6 forms that carry an IPv4 address the packet may end up at. */
function embeddedIpv4(b: IpBytes): IpBytes | null {
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return b.slice(12); // ::ffff:a.b.c.d mapped
  if (zeros(0, 12)) return b.slice(12); // ::a.b.c.d compatible (deprecated)
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return b.slice(12); // NAT64
  if (b[0] === 0x20 && b[1] === 0x02) return b.slice(2, 6); // 6to4
  return null;
}

/** Why the relay must not connect to this address, or null when it may. */
export function forbiddenReason(address: string): string | null {
  const bytes = parseIp(address);
  if (!bytes) return 'not an IP address';
  if (bytes.length === 4) return V4_FORBIDDEN.find((r) => inRange(bytes, r))?.why ?? null;
  const v6 = V6_FORBIDDEN.find((r) => inRange(bytes, r));
  if (v6) return v6.why;
  const v4 = embeddedIpv4(bytes);
  if (v4) {
    const why = V4_FORBIDDEN.find((r) => inRange(v4, r))?.why;
    return why ? `${why} (IPv4 inside IPv6)` : null;
  }
  return null;
}
