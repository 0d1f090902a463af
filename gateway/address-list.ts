// A list of CIDR ranges the operator wrote in the config (`allowClients`, a target's
// `allowClients`, `identityProxies`), matched against a client's or a peer's address.
// IPv4 clients on a dual-stack socket (::ffff:a.b.c.d) match the IPv4 ranges.
import { clientBytes, inRange, parseCidr, type IpRange } from './ip-address.ts';

export class AddressList {
  private constructor(
    private readonly ranges: readonly IpRange[],
    /** The ranges as written, for logs and /healthz. */
    readonly source: readonly string[],
  ) {}

  /** Throws on the first entry that is not an address or CIDR range. */
  static parse(entries: readonly string[], what: string): AddressList {
    const ranges = entries.map((e) => {
      const r = parseCidr(e);
      if (!r) throw new Error(`${what}: "${e}" is not an IPv4/IPv6 address or CIDR range (like "10.0.0.0/8" or "2001:db8::/32")`);
      return r;
    });
    return new AddressList(ranges, [...entries]);
  }

  contains(address: string): boolean {
    const bytes = clientBytes(address);
    return bytes !== null && this.ranges.some((r) => inRange(bytes, r));
  }

  get empty(): boolean {
    return this.ranges.length === 0;
  }
}

/** What `npm start` allows when the config names no clients: this computer only. */
export const LOOPBACK_ONLY: readonly string[] = ['127.0.0.0/8', '::1/128'];
