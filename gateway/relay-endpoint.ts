// The /relay WebSocket endpoint: checks the Origin (HTTP 403 before the upgrade), then, once
// upgraded, the connection rate, the query (a target id and nothing else) and the connection
// limits, each refusal a close code the app can show; then hands the socket to a Relay.
import { lookup as dnsLookup } from 'node:dns/promises';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { clientAddress } from './client-address.ts';
import { GATEWAY_CLOSE, type GatewayCloseName } from './close-codes.ts';
import { ConnectionAdmission } from './connection-admission.ts';
import type { GatewayLimits, RelayTarget } from './config.ts';
import type { GatewayEventLog } from './event-log.ts';
import { Relay, type LookupAll, type RelayStats } from './relay.ts';

export const RELAY_PATH = '/relay';

export interface RelayEndpointOptions {
  targets: ReadonlyMap<string, RelayTarget>;
  allowedOrigins: () => ReadonlySet<string>;
  trustProxy: boolean | number;
  limits: GatewayLimits;
  log: GatewayEventLog;
  lookup?: LookupAll;
}

export interface RelayEndpointStats {
  relays: number;
  /** Bytes held in the gateway's own queues across all relays (both directions). */
  bufferedBytes: number;
  perRelay: RelayStats[];
}

const defaultLookup: LookupAll = (host) => dnsLookup(host, { all: true, verbatim: true });

export class RelayEndpoint {
  private readonly wss: WebSocketServer;
  private readonly admission: ConnectionAdmission;
  private readonly relays = new Set<Relay>();
  private nextId = 1;
  private draining = false;

  constructor(private readonly options: RelayEndpointOptions) {
    this.wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: options.limits.maxMessageBytes, clientTracking: false });
    this.admission = new ConnectionAdmission(options.limits);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    if (url.pathname !== RELAY_PATH) return refuseHttp(socket, 404, 'Not Found');
    const origin = req.headers.origin;
    if (!origin || !this.options.allowedOrigins().has(origin)) {
      this.options.log({ event: 'relay-refused', client: clientAddress(req, this.options.trustProxy), origin: origin ?? '', status: 403, reason: 'origin-not-allowed' });
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
  }

  private accept(ws: WebSocket, req: IncomingMessage, url: URL): void {
    const id = `r${this.nextId++}`;
    const client = clientAddress(req, this.options.trustProxy);
    const requested = url.searchParams.get('target') ?? '';
    const refuse = (name: GatewayCloseName) => {
      const { code, reason } = GATEWAY_CLOSE[name];
      this.options.log({ event: 'relay-refused', id, client, target: requested.slice(0, 64), code, reason });
      ws.close(code, reason);
    };
    if (this.draining) return refuse('goingAway');
    if (!this.admission.takeToken(client)) return refuse('rateLimited');
    // The client names a target id and nothing else: never a host, a port or a second target.
    const keys = [...url.searchParams.keys()];
    if (keys.length !== 1 || keys[0] !== 'target') return refuse('badRequest');
    const target = this.options.targets.get(requested);
    if (!target) return refuse('unknownTarget');
    const denied = this.admission.enter(client);
    if (denied) return refuse(denied);
    const relay = new Relay(ws, { id, client, targetId: requested, target, limits: this.options.limits, log: this.options.log, lookup: this.options.lookup ?? defaultLookup });
    this.relays.add(relay);
    void relay.done.then(() => {
      this.relays.delete(relay);
      this.admission.leave(client);
    });
  }
}

function refuseHttp(socket: Duplex, status: number, text: string): void {
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
