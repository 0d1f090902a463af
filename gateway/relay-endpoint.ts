// The /relay WebSocket endpoint: checks the Origin (HTTP 403 before the upgrade), then, once
// upgraded, who the client is (allow-lists, sign-in), the connection rate, the query (a target id
// and nothing else), the login brakes and the connection limits, each refusal a close code the
// app can show; then hands the socket to a Relay. Refusals go to the aggregating refusal log.
import { lookup as dnsLookup } from 'node:dns/promises';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { AddressList } from './address-list.ts';
import { clientAddress, proxyIdentity } from './client-address.ts';
import { GATEWAY_CLOSE, type GatewayCloseName } from './close-codes.ts';
import { ConnectionAdmission } from './connection-admission.ts';
import type { GatewayLimits, LoginBrakeConfig, RelayTarget } from './config.ts';
import type { GatewayEventLog } from './event-log.ts';
import { LoginBrakes } from './login-brakes.ts';
import type { RefusalLog } from './refusal-log.ts';
import { Relay, type LookupAll, type RelayStats } from './relay.ts';

export const RELAY_PATH = '/relay';

/** Who may relay where: the global allow-list, each target's own, and sign-in. */
export interface ClientPolicy {
  trustProxy: boolean | number;
  allowClients: AddressList;
  /** Per target id; a target without an entry has no rule of its own. */
  targetClients: ReadonlyMap<string, AddressList>;
  identityHeader?: string;
  trustedProxies: AddressList;
  requireIdentity: boolean;
}

export interface RelayEndpointOptions {
  targets: ReadonlyMap<string, RelayTarget>;
  allowedOrigins: () => ReadonlySet<string>;
  policy: ClientPolicy;
  limits: GatewayLimits;
  loginBrakes: LoginBrakeConfig;
  log: GatewayEventLog;
  refusals: RefusalLog;
  lookup?: LookupAll;
}

export interface RelayEndpointStats {
  relays: number;
  /** Bytes held in the gateway's own queues across all relays (both directions). */
  bufferedBytes: number;
  perRelay: RelayStats[];
}

const defaultLookup: LookupAll = (host) => dnsLookup(host, { all: true, verbatim: true });

/** Whether `client` may use target `id` under `policy` (global list and the target's own). */
export function clientMayUse(policy: ClientPolicy, id: string, client: string): boolean {
  const own = policy.targetClients.get(id);
  return policy.allowClients.contains(client) && (own === undefined || own.contains(client));
}

export class RelayEndpoint {
  private readonly wss: WebSocketServer;
  private readonly admission: ConnectionAdmission;
  readonly brakes: LoginBrakes;
  private readonly relays = new Set<Relay>();
  private nextId = 1;
  private draining = false;

  constructor(private readonly options: RelayEndpointOptions) {
    this.wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: options.limits.maxMessageBytes, clientTracking: false });
    this.admission = new ConnectionAdmission(options.limits);
    this.brakes = new LoginBrakes(options.loginBrakes, options.log);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    if (url.pathname !== RELAY_PATH) return refuseHttp(socket, 404, 'Not Found');
    const origin = req.headers.origin;
    if (!origin || !this.options.allowedOrigins().has(origin)) {
      this.options.refusals.refused({ event: 'relay-refused', client: this.clientOf(req), origin: origin ?? '', status: 403, reason: 'origin-not-allowed' });
      return refuseHttp(socket, 403, 'Forbidden');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req, url));
  }

  stats(): RelayEndpointStats {
    const perRelay = [...this.relays].map((r) => r.stats());
    return { relays: perRelay.length, bufferedBytes: perRelay.reduce((n, r) => n + r.toClientBuffered + r.toTargetBuffered, 0), perRelay };
  }

  get liveRelays(): number {
    return this.relays.size;
  }

  /** Refuse new relays; wait up to `graceMs` for live ones to end, then close them as going away. */
  async drain(graceMs: number): Promise<void> {
    this.draining = true;
    if (this.relays.size > 0) {
      await Promise.race([Promise.all([...this.relays].map((r) => r.done)), new Promise((ok) => setTimeout(ok, graceMs))]);
    }
    for (const r of this.relays) r.end('goingAway', 'gateway');
    await Promise.all([...this.relays].map((r) => r.done));
    this.admission.close();
    this.brakes.close();
  }

  /** The client's address as the policy sees it (after trustProxy). */
  clientOf(req: IncomingMessage): string {
    return clientAddress(req, this.options.policy.trustProxy, this.options.policy.trustedProxies);
  }

  private accept(ws: WebSocket, req: IncomingMessage, url: URL): void {
    const { policy } = this.options;
    const id = `r${this.nextId++}`;
    const client = this.clientOf(req);
    const identity = proxyIdentity(req, policy.identityHeader, policy.trustedProxies);
    const requested = url.searchParams.get('target') ?? '';
    const refuse = (name: GatewayCloseName) => {
      const { code, reason } = GATEWAY_CLOSE[name];
      this.options.refusals.refused({ event: 'relay-refused', id, client, identity, target: requested, code, reason });
      ws.close(code, reason);
    };
    if (this.draining) return refuse('goingAway');
    // Not on the list: refused before it costs any per-client state.
    if (!policy.allowClients.contains(client)) return refuse('clientNotAllowed');
    if (!this.admission.takeToken(client)) return refuse('rateLimited');
    if (policy.requireIdentity && identity === undefined) return refuse('signInRequired');
    // The client names a target id and nothing else: never a host, a port or a second target.
    const keys = [...url.searchParams.keys()];
    if (keys.length !== 1 || keys[0] !== 'target') return refuse('badRequest');
    const target = this.options.targets.get(requested);
    if (!target) return refuse('unknownTarget');
    if (!clientMayUse(policy, requested, client)) return refuse('clientNotAllowed');
    const braked = this.brakes.admit(client, requested);
    if (braked) return refuse(braked);
    const denied = this.admission.enter(client);
    if (denied) return refuse(denied);
    const relay = new Relay(ws, { id, client, identity, targetId: requested, target, limits: this.options.limits, log: this.options.log, lookup: this.options.lookup ?? defaultLookup });
    this.relays.add(relay);
    void relay.done.then(() => {
      this.relays.delete(relay);
      this.admission.leave(client);
      this.brakes.ended(client, requested, relay.outcome());
    });
  }
}

function refuseHttp(socket: Duplex, status: number, text: string): void {
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
