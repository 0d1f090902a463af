// Refusals are logged, but never one line per attempt: a client that hammers the gateway must not
// be able to fill its disk. The first refusal of a kind from a client network in each interval is
// logged in full (fields cut to a sane length); the rest are counted and reported as one summary
// line per network and reason when the interval ends, the busiest first, the tail as one total.
import type { GatewayEvent, GatewayEventLog } from './event-log.ts';
import { clientNetwork } from './ip-address.ts';

export interface RefusalLogOptions {
  /** How often suppressed refusals are summarised. */
  intervalMs?: number;
  /** Full lines per interval, across all clients. */
  maxDetailed?: number;
  /** Summary lines per interval; the remaining networks are added up in one more line. */
  maxSummaries?: number;
  /** Networks tracked per interval; beyond, refusals only count towards the total. */
  maxKeys?: number;
}

interface Tally {
  client: string;
  reason: string;
  count: number;
}

const FIELD_MAX = 100;

function cut(event: GatewayEvent): GatewayEvent {
  const out: GatewayEvent = { event: event.event };
  for (const [k, v] of Object.entries(event)) out[k] = typeof v === 'string' && v.length > FIELD_MAX ? `${v.slice(0, FIELD_MAX)}…(${v.length} chars)` : v;
  return out;
}

export class RefusalLog {
  private readonly intervalMs: number;
  private readonly maxDetailed: number;
  private readonly maxSummaries: number;
  private readonly maxKeys: number;
  private detailed = 0;
  private readonly seen = new Map<string, Tally>();
  private untracked = 0;
  private intervalStart: number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly log: GatewayEventLog,
    options: RefusalLogOptions = {},
    private readonly now: () => number = () => Date.now(),
  ) {
    this.intervalMs = options.intervalMs ?? 60_000;
    this.maxDetailed = options.maxDetailed ?? 20;
    this.maxSummaries = options.maxSummaries ?? 20;
    this.maxKeys = options.maxKeys ?? 10_000;
    this.intervalStart = now();
    this.timer = setInterval(() => this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /** One refused attempt; `event.client` and `event.reason` name its kind. */
  refused(event: GatewayEvent & { client: string; reason: string }): void {
    const network = clientNetwork(event.client);
    const key = `${network} ${event.reason}`;
    const tally = this.seen.get(key);
    if (tally) {
      tally.count++;
      return;
    }
    if (this.seen.size >= this.maxKeys) {
      this.untracked++;
      return;
    }
    // The first of its kind this interval: in full, while the interval's budget lasts.
    const logged = this.detailed < this.maxDetailed;
    this.seen.set(key, { client: network, reason: event.reason, count: logged ? 0 : 1 });
    if (logged) {
      this.detailed++;
      this.log(cut(event));
    }
  }

  /** Summarises what was held back and starts a new interval. */
  flush(): void {
    const held = [...this.seen.values()].filter((t) => t.count > 0).sort((a, b) => b.count - a.count);
    const periodMs = this.now() - this.intervalStart;
    for (const t of held.slice(0, this.maxSummaries)) {
      this.log({ event: 'relay-refused-summary', client: t.client, reason: t.reason, count: t.count, periodMs });
    }
    const rest = held.slice(this.maxSummaries);
    const restCount = rest.reduce((n, t) => n + t.count, 0) + this.untracked;
    if (restCount > 0) this.log({ event: 'relay-refused-summary', client: 'other networks', networks: rest.length, count: restCount, periodMs });
    this.seen.clear();
    this.untracked = 0;
    this.detailed = 0;
    this.intervalStart = this.now();
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
