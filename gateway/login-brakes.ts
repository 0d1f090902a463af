// Brakes on password guessing through the relay. The gateway sees only ciphertext, but a failed
// login has a shape: the relay ends within seconds having carried a few kilobytes. Such "quick"
// relays are counted per client network (IPv4 address, IPv6 /64) and per target over a sliding
// window; past a free allowance every new quick relay doubles the wait before the next relay
// may start. New relays per target are also capped per minute, whatever their shape, which holds
// a guesser who pads or stretches its connections. Each braking episode is logged once when it
// starts and once, as a summary, when it ends; never per attempt.
import type { LoginBrakeConfig } from './config.ts';
import type { GatewayEventLog } from './event-log.ts';
import { clientNetwork } from './ip-address.ts';

export interface RelayOutcome {
  /** The TCP connection to the target was made (refusals and unreachable targets do not count). */
  opened: boolean;
  durationMs: number;
  bytes: number;
  closedBy: 'client' | 'target' | 'gateway' | '';
}

type Scope = 'client' | 'target';

interface Episode {
  since: number;
  quickRelays: number;
  refused: number;
}

/** Quick relays of one client network or one target, and the wait they earned. */
class QuickRelayCounter {
  times: number[] = [];
  blockedUntil = 0;
  episode: Episode | null = null;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
  /** Relays refused by this cap since it last had room. */
  refused: number;
  since: number;
}

const MAX_REMEMBERED = 64;

export class LoginBrakes {
  private readonly counters = new Map<string, QuickRelayCounter>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly config: LoginBrakeConfig,
    private readonly log: GatewayEventLog,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.max(250, Math.min(30_000, config.windowMs / 4)));
    this.sweeper.unref();
  }

  /** Whether a relay from `client` to `target` may start now; an admitted relay spends a token of the target's cap. */
  admit(client: string, target: string): 'tooManyAttempts' | 'targetRateLimited' | null {
    if (!this.config.enabled) return null;
    const t = this.now();
    if (this.blocked('client', clientNetwork(client), t)) return 'tooManyAttempts';
    if (this.blocked('target', target, t)) return 'targetRateLimited';
    const perMinute = this.config.newRelaysPerTargetPerMinute;
    const b = this.buckets.get(target) ?? { tokens: perMinute, updatedMs: t, refused: 0, since: t };
    b.tokens = Math.min(perMinute, b.tokens + ((t - b.updatedMs) * perMinute) / 60_000);
    b.updatedMs = t;
    this.buckets.set(target, b);
    if (b.tokens < 1) {
      if (b.refused++ === 0) {
        b.since = t;
        this.log({ event: 'login-brake-engaged', scope: 'target-rate', target, newRelaysPerMinute: perMinute });
      }
      return 'targetRateLimited';
    }
    b.tokens -= 1;
    return null;
  }

  /** A relay ended: counted when it looks like a failed login. */
  ended(client: string, target: string, outcome: RelayOutcome): void {
    if (!this.config.enabled || !this.looksLikeFailedLogin(outcome)) return;
    const t = this.now();
    this.quick('client', clientNetwork(client), this.config.freePerClient, this.config.backoffMaxMs, t);
    this.quick('target', target, this.config.freePerTarget, this.config.targetBackoffMaxMs, t);
  }

  looksLikeFailedLogin(o: RelayOutcome): boolean {
    return o.opened && o.closedBy !== 'gateway' && o.durationMs < this.config.quickRelayMs && o.bytes < this.config.quickRelayBytes;
  }

  /** Networks and targets braked right now (for /healthz from loopback). */
  braking(): { clients: number; targets: number } {
    const t = this.now();
    let clients = 0;
    let targets = 0;
    for (const [key, c] of this.counters) {
      if (c.blockedUntil <= t) continue;
      if (key.startsWith('client ')) clients++;
      else targets++;
    }
    return { clients, targets };
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private blocked(scope: Scope, key: string, t: number): boolean {
    const c = this.counters.get(`${scope} ${key}`);
    if (!c || t >= c.blockedUntil) return false;
    if (c.episode) c.episode.refused++;
    return true;
  }

  private quick(scope: Scope, key: string, free: number, maxWaitMs: number, t: number): void {
    const id = `${scope} ${key}`;
    const c = this.counters.get(id) ?? new QuickRelayCounter();
    this.counters.set(id, c);
    c.times = c.times.filter((x) => t - x < this.config.windowMs);
    c.times.push(t);
    if (c.times.length > MAX_REMEMBERED) c.times.shift();
    const over = c.times.length - free;
    if (over <= 0) return;
    const waitMs = Math.min(maxWaitMs, this.config.backoffBaseMs * 2 ** Math.min(over - 1, 30));
    c.blockedUntil = Math.max(c.blockedUntil, t + waitMs);
    if (!c.episode) {
      c.episode = { since: t, quickRelays: 0, refused: 0 };
      this.log({ event: 'login-brake-engaged', scope, [scope]: key, quickRelays: c.times.length, windowMs: this.config.windowMs, waitMs });
    }
    c.episode.quickRelays++;
  }

  /** Ends episodes that have gone quiet for a whole window, and forgets what no longer matters. */
  sweep(): void {
    const t = this.now();
    for (const [id, c] of this.counters) {
      c.times = c.times.filter((x) => t - x < this.config.windowMs);
      if (c.times.length > 0 || t < c.blockedUntil) continue;
      if (c.episode) {
        const [scope, key] = [id.slice(0, id.indexOf(' ')), id.slice(id.indexOf(' ') + 1)];
        this.log({ event: 'login-brake-released', scope, [scope]: key, quickRelays: c.episode.quickRelays, refused: c.episode.refused, durationMs: t - c.episode.since });
      }
      this.counters.delete(id);
    }
    const perMinute = this.config.newRelaysPerTargetPerMinute;
    for (const [target, b] of this.buckets) {
      const tokens = Math.min(perMinute, b.tokens + ((t - b.updatedMs) * perMinute) / 60_000);
      if (tokens < perMinute) continue;
      if (b.refused > 0) this.log({ event: 'login-brake-released', scope: 'target-rate', target, refused: b.refused, durationMs: t - b.since });
      this.buckets.delete(target);
    }
  }
}
