// The gateway's one HTTP(S) server: the built PWA, /healthz, /api/targets and the /relay
// WebSocket endpoint, with graceful shutdown. Started by main.ts and by tests. Before any request
// is read, connections are capped and must send their headers within headerTimeoutMs.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { networkInterfaces } from 'node:os';
import { AddressList, LOOPBACK_ONLY } from './address-list.ts';
import { isForwarded, peerAddress } from './client-address.ts';
import { DEFAULT_LIMITS, DEFAULT_LOGIN_BRAKES, type GatewayLimits, type LoginBrakeConfig, type RelayTarget } from './config.ts';
import { stdoutEventLog, type GatewayEventLog } from './event-log.ts';
import { isLoopback } from './ip-address.ts';
import { PendingConnections } from './pending-connections.ts';
import { RefusalLog } from './refusal-log.ts';
import { clientMayUse, RelayEndpoint, type ClientPolicy, type RelayEndpointStats } from './relay-endpoint.ts';
import type { LookupAll } from './relay.ts';
import { securityHeaders } from './security-headers.ts';
import { createStaticSite } from './static-site.ts';

export interface GatewayOptions {
  host: string;
  port: number;
  webRoot: string;
  targets?: Record<string, RelayTarget>;
  /** Origins allowed to open relays; default: the gateway's own origin(s). */
  allowedOrigins?: string[];
  trustProxy?: boolean | number;
  /** Client ranges that may relay; default loopback only (127.0.0.0/8, ::1). */
  allowClients?: string[];
  identityHeader?: string;
  trustedProxies?: string[];
  requireIdentity?: boolean;
  limits?: Partial<GatewayLimits>;
  /**
   * Login brakes; off unless given. main.ts always passes the config's, which are on by default:
   * the config file holds the product's defaults, and tests that log in many times on purpose
   * need not opt out.
   */
  loginBrakes?: Partial<LoginBrakeConfig>;
  shutdownGraceMs?: number;
  /** PEM certificate chain and key: serve https + wss and send HSTS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  log?: GatewayEventLog;
  /** DNS lookup used by the relay (tests substitute one). */
  lookup?: LookupAll;
}

export interface RunningGateway {
  server: Server;
  url: string;
  port: number;
  origins: ReadonlySet<string>;
  stats(): RelayEndpointStats;
  /** Stop accepting, let relays finish for up to graceMs, then close them as going away. */
  shutdown(graceMs?: number): Promise<void>;
  /** shutdown(0). */
  close(): Promise<void>;
}

/** The origins a browser shows when it loaded the app from this gateway. */
export function ownOrigins(host: string, port: number, tls: boolean): Set<string> {
  const scheme = tls ? 'https' : 'http';
  const defaultPort = tls ? 443 : 80;
  const hosts = new Set<string>([host]);
  const loopback = ['127.0.0.1', '::1', 'localhost'];
  if (loopback.includes(host)) loopback.forEach((h) => hosts.add(h));
  if (host === '0.0.0.0' || host === '::') {
    loopback.forEach((h) => hosts.add(h));
    for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) hosts.add(i.address.split('%')[0] ?? i.address);
  }
  const origins = new Set<string>();
  for (const h of hosts) {
    const name = h.includes(':') ? `[${h}]` : h;
    origins.add(`${scheme}://${name}:${port}`);
    if (port === defaultPort) origins.add(`${scheme}://${name}`);
  }
  return origins;
}

function json(res: ServerResponse, status: number, body: unknown, tls: boolean): void {
  res.writeHead(status, { ...securityHeaders(tls), 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const tls = options.tls !== undefined;
  const log = options.log ?? stdoutEventLog;
  const limits: GatewayLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const targets = new Map(Object.entries(options.targets ?? {}));
  const site = createStaticSite(options.webRoot, { tls });
  let origins: ReadonlySet<string> = new Set(options.allowedOrigins ?? []);
  const targetClients = new Map<string, AddressList>();
  for (const [id, t] of targets) if (t.allowClients) targetClients.set(id, AddressList.parse(t.allowClients, `target "${id}".allowClients`));
  const policy: ClientPolicy = {
    trustProxy: options.trustProxy ?? false,
    allowClients: AddressList.parse(options.allowClients ?? LOOPBACK_ONLY, 'allowClients'),
    targetClients,
    identityHeader: options.identityHeader,
    trustedProxies: AddressList.parse(options.trustedProxies ?? [], 'trustedProxies'),
    requireIdentity: options.requireIdentity ?? false,
  };
  const refusals = new RefusalLog(log);
  const endpoint = new RelayEndpoint({ targets, allowedOrigins: () => origins, policy, limits, loginBrakes: options.loginBrakes ? { ...DEFAULT_LOGIN_BRAKES, ...options.loginBrakes } : { ...DEFAULT_LOGIN_BRAKES, enabled: false }, log, refusals, lookup: options.lookup });
  const pending = new PendingConnections(limits, refusals);

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      // Load balancers need only the status; how busy the gateway is stays on this computer.
      if (!isLoopback(peerAddress(req)) || isForwarded(req)) return json(res, 200, { ok: true }, tls);
      return json(res, 200, { ok: true, relays: endpoint.liveRelays, pendingConnections: pending.count, braking: endpoint.brakes.braking() }, tls);
    }
    if (path === '/api/targets') {
      // Ids, labels and expected host keys only, of the targets this client may use: where a
      // target lives, and who else it serves, is the gateway's business.
      const client = endpoint.clientOf(req);
      const list = [...targets].filter(([id]) => clientMayUse(policy, id, client)).map(([id, t]) => ({ id, label: t.label, hostKeyFingerprints: t.hostKeyFingerprints }));
      return json(res, 200, { targets: list }, tls);
    }
    void site(req, res);
  };
  const timeouts = {
    headersTimeout: limits.headerTimeoutMs,
    requestTimeout: Math.max(limits.headerTimeoutMs, 300_000),
    // How often Node checks those timeouts (its default, 30 s, would let slow sockets live on).
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headerTimeoutMs / 4))),
  };
  const server: Server = tls
    ? createHttpsServer({ cert: options.tls?.cert, key: options.tls?.key, handshakeTimeout: limits.headerTimeoutMs, ...timeouts }, onRequest)
    : createHttpServer(timeouts, onRequest);
  pending.attach(server);
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => endpoint.handleUpgrade(req, socket, head));
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.host, () => {
      server.removeListener('error', fail);
      ok();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  if (!options.allowedOrigins || options.allowedOrigins.length === 0) origins = ownOrigins(options.host, port, tls);
  const hostForUrl = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host.includes(':') ? `[${options.host}]` : options.host;

  let stopping: Promise<void> | null = null;
  const shutdown = (graceMs = options.shutdownGraceMs ?? 30_000) => {
    stopping ??= (async () => {
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      server.closeIdleConnections();
      log({ event: 'gateway-draining', relays: endpoint.liveRelays, graceMs });
      await endpoint.drain(graceMs);
      server.closeAllConnections();
      await closed;
      refusals.close();
      log({ event: 'gateway-stopped' });
    })();
    return stopping;
  };

  return {
    server,
    url: `${tls ? 'https' : 'http'}://${hostForUrl}:${port}/`,
    port,
    get origins() {
      return origins;
    },
    stats: () => endpoint.stats(),
    shutdown,
    close: () => shutdown(0),
  };
}
