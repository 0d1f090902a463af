// The gateway's one HTTP(S) server: the built PWA, /healthz, /api/targets and the /relay
// WebSocket endpoint, with graceful shutdown. Started by main.ts and by tests.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { networkInterfaces } from 'node:os';
import { DEFAULT_LIMITS, type GatewayLimits, type RelayTarget } from './config.ts';
import { stdoutEventLog, type GatewayEventLog } from './event-log.ts';
import { RelayEndpoint, type RelayEndpointStats } from './relay-endpoint.ts';
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
  limits?: Partial<GatewayLimits>;
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
  const endpoint = new RelayEndpoint({ targets, allowedOrigins: () => origins, trustProxy: options.trustProxy ?? false, limits, log, lookup: options.lookup });

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return json(res, 200, { ok: true, relays: endpoint.liveRelays }, tls);
    if (path === '/api/targets') {
      // Ids, labels and expected host keys only: where a target lives is the gateway's business.
      const list = [...targets].map(([id, t]) => ({ id, label: t.label, hostKeyFingerprints: t.hostKeyFingerprints }));
      return json(res, 200, { targets: list }, tls);
    }
    void site(req, res);
  };
  const server: Server = tls ? createHttpsServer({ cert: options.tls?.cert, key: options.tls?.key }, onRequest) : createHttpServer(onRequest);
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
