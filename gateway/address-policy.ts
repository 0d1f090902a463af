// Which resolved addresses the relay may connect to. The gateway must never become a way into
// the operator's own network or a cloud metadata service, so every address a target's name
// resolves to is checked here (after DNS, immediately before connecting to that very address).
// The lists follow IANA's IPv4 and IPv6 Special-Purpose Address Registries: no SFTP server of a
// registry lives in any of these ranges.
import { inRange, parseCidr, parseIp, unmappedIpv4, type IpBytes, type IpRange } from './ip-address.ts';

interface Forbidden extends IpRange {
  why: string;
}

function range(cidr: string, why: string): Forbidden {
  const r = parseCidr(cidr);
  if (!r) throw new Error(`bad range ${cidr}`);
  return { ...r, why };
}

const V4_FORBIDDEN: Forbidden[] = [
  range('0.0.0.0/8', 'unspecified'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'carrier-grade NAT'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local / cloud metadata'),
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'IETF protocol assignments'),
  range('192.0.2.0/24', 'documentation'),
  range('192.31.196.0/24', 'AS112 DNS sink'),
  range('192.52.193.0/24', 'AMT relay anycast'),
  range('192.88.99.0/24', '6to4 relay anycast (deprecated)'),
  range('192.168.0.0/16', 'private'),
  range('192.175.48.0/24', 'AS112 DNS sink'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved / broadcast'),
];

const V6_FORBIDDEN: Forbidden[] = [
  // ::/96 holds ::, ::1 and the deprecated IPv4-compatible addresses (::a.b.c.d).
  range('::/96', 'unspecified, loopback or IPv4-compatible (deprecated)'),
  range('::ffff:0:0:0/96', 'IPv4-translated (SIIT)'),
  range('64:ff9b:1::/48', 'local-use NAT64'),
  range('100::/64', 'discard-only'),
  range('100:0:0:1::/64', 'dummy prefix'),
  range('2001::/23', 'IETF protocol assignments (Teredo, ORCHID, AS112, benchmarking...)'),
  range('2001:db8::/32', 'documentation'),
  range('2620:4f:8000::/48', 'AS112 DNS sink'),
  range('3fff::/20', 'documentation'),
  range('5f00::/16', 'segment routing (SRv6) SIDs'),
  range('fc00::/7', 'unique-local (incl. fd00:ec2::254 metadata)'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'site-local'),
  range('ff00::/8', 'multicast'),
];

function v4Reason(bytes: IpBytes): string | null {
  return V4_FORBIDDEN.find((r) => inRange(bytes, r))?.why ?? null;
}

/** IPv6 forms that route to an IPv4 address, which must then pass the IPv4 list. */
function embeddedIpv4(b: IpBytes): IpBytes | null {
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return b.slice(12); // NAT64 64:ff9b::/96
  if (b[0] === 0x20 && b[1] === 0x02) return b.slice(2, 6); // 6to4 2002::/16
  return null;
}

/** Why the relay must not connect to this address, or null when it may. */
export function forbiddenReason(address: string): string | null {
  const bytes = parseIp(address);
  if (!bytes) return 'not an IP address';
  if (bytes.length === 4) return v4Reason(bytes);
  // IPv4-mapped (::ffff:0:0/96): the socket would go to the IPv4 address inside, so name what
  // that address is; a DNS answer of this form is never right, so it is refused in any case.
  const mapped = unmappedIpv4(bytes);
  if (mapped) {
    const why = v4Reason(mapped);
    return why ? `${why} (IPv4-mapped)` : 'IPv4-mapped IPv6 address (::ffff:0:0/96)';
  }
  const v6 = V6_FORBIDDEN.find((r) => inRange(bytes, r));
  if (v6) return v6.why;
  const v4 = embeddedIpv4(bytes);
  if (v4) {
    const why = v4Reason(v4);
    return why ? `${why} (IPv4 inside IPv6)` : null;
  }
  return null;
}
