// Whether a new relay may start: a per-client token bucket for the connection rate, and counts
// of live relays per client and in total. Every attempt costs a token, even one that is later
// refused for another reason, so probing target ids is rate limited too. A client is its IPv4
// address or its IPv6 /64: one subscriber holds a whole /64.
import type { GatewayCloseName } from './close-codes.ts';
import type { GatewayLimits } from './config.ts';
import { clientNetwork } from './ip-address.ts';

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class ConnectionAdmission {
  private readonly buckets = new Map<string, Bucket>();
  private readonly live = new Map<string, number>();
  private total = 0;
  private readonly sweep: NodeJS.Timeout;

  constructor(
    private readonly limits: Pick<GatewayLimits, 'connectBurst' | 'connectsPerMinute' | 'maxConnections' | 'maxConnectionsPerAddress'>,
    private readonly now: () => number = () => Date.now(),
  ) {
    // Forget full buckets now and then so the map does not grow with every address ever seen.
    this.sweep = setInterval(() => this.forgetFullBuckets(), 60_000);
    this.sweep.unref();
  }

  /** Spends a token; false when the address is over its connection rate. */
  takeToken(client: string): boolean {
    const address = clientNetwork(client);
    const t = this.now();
    const b = this.buckets.get(address) ?? { tokens: this.limits.connectBurst, updatedMs: t };
    b.tokens = Math.min(this.limits.connectBurst, b.tokens + ((t - b.updatedMs) * this.limits.connectsPerMinute) / 60_000);
    b.updatedMs = t;
    this.buckets.set(address, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Counts a live relay; returns the refusal when a limit is reached (nothing counted then). */
  enter(client: string): GatewayCloseName | null {
    const address = clientNetwork(client);
    const mine = this.live.get(address) ?? 0;
    if (mine >= this.limits.maxConnectionsPerAddress) return 'tooManyFromAddress';
    if (this.total >= this.limits.maxConnections) return 'gatewayBusy';
    this.live.set(address, mine + 1);
    this.total++;
    return null;
  }

  leave(client: string): void {
    const address = clientNetwork(client);
    const mine = this.live.get(address) ?? 0;
    if (mine <= 1) this.live.delete(address);
    else this.live.set(address, mine - 1);
    this.total = Math.max(0, this.total - 1);
  }

  get liveTotal(): number {
    return this.total;
  }

  close(): void {
    clearInterval(this.sweep);
  }

  private forgetFullBuckets(): void {
    const t = this.now();
    for (const [address, b] of this.buckets) {
      if (b.tokens + ((t - b.updatedMs) * this.limits.connectsPerMinute) / 60_000 >= this.limits.connectBurst) this.buckets.delete(address);
    }
  }
}
