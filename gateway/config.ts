// The gateway's configuration file (gateway.config.json): relay targets by id, allowed Origins,
// which clients may relay, sign-in through a proxy, limits and login brakes, proxy trust, TLS and
// the embedded demo server. Validated strictly at start-up so a typo fails loudly instead of
// silently widening what the relay may reach.
import { readFileSync } from 'node:fs';
import { AddressList, LOOPBACK_ONLY } from './address-list.ts';

export interface RelayTarget {
  host: string;
  port: number;
  label: string;
  /** Expected SSH host-key fingerprints (`SHA256:...`), shown by the app before it trusts a key. */
  hostKeyFingerprints: string[];
  /** Allows loopback/private addresses: only for the demo server or a lab target. */
  local?: boolean;
  /** Client ranges that may use this target (on top of the global `allowClients`); none = no extra rule. */
  allowClients?: string[];
}

export interface GatewayLimits {
  /** Simultaneous relays per client address. */
  maxConnectionsPerAddress: number;
  /** Simultaneous relays in total. */
  maxConnections: number;
  /** New relays per client address: a token bucket of `connectBurst` refilled at `connectsPerMinute`. */
  connectBurst: number;
  connectsPerMinute: number;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  maxSessionMs: number;
  /** Largest WebSocket message accepted (SSH packets are at most ~256 KiB). */
  maxMessageBytes: number;
  /** Stop reading the server while this much is queued towards the browser. */
  highWaterBytes: number;
  /** A connection must have sent its request headers (incl. the WebSocket upgrade) by then. */
  headerTimeoutMs: number;
  /** Connections that have not yet sent their request headers: in total and per peer address. */
  maxPendingConnections: number;
  maxPendingPerAddress: number;
  /** WebSocket ping interval; a relay whose browser is gone (even while paused) ends within about two. */
  heartbeatMs: number;
}

/**
 * Brakes on password guessing, from what the gateway can see without plaintext: a relay that ends
 * within `quickRelayMs` having carried under `quickRelayBytes` looks like a failed login. More
 * than `freePerClient` of those from one client network (IPv4 address, IPv6 /64) within
 * `windowMs`, or more than `freePerTarget` to one target, and new relays must wait, doubling from
 * `backoffBaseMs`. New relays per target are capped at `newRelaysPerTargetPerMinute` in any case.
 */
export interface LoginBrakeConfig {
  enabled: boolean;
  quickRelayMs: number;
  quickRelayBytes: number;
  windowMs: number;
  freePerClient: number;
  freePerTarget: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  targetBackoffMaxMs: number;
  newRelaysPerTargetPerMinute: number;
}

export interface DemoConfig {
  enabled: boolean;
  /** Target id the demo server fills in (host, port and host-key fingerprint). */
  targetId: string;
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
  dataDir: string;
  username: string;
  password: string;
  /** Failed authentication attempts allowed per connection (like OpenSSH's MaxAuthTries). */
  maxAuthTries: number;
}

export interface GatewayConfig {
  targets: Record<string, RelayTarget>;
  /** Origins allowed to open a relay; empty = the gateway's own origin(s). */
  allowedOrigins: string[];
  /** Honour X-Forwarded-For: false, or the number of trusted proxy hops in front (true = 1). */
  trustProxy: boolean | number;
  /** Client address ranges that may open relays at all (after trustProxy); default loopback only. */
  allowClients: string[];
  /** Request header carrying the signed-in user, set by a reverse proxy (e.g. X-Courier-User). */
  identityHeader?: string;
  /**
   * Peer addresses of the reverse proxies in front. Only from these is the identity header
   * believed, and, when set, X-Forwarded-For too (from anyone else the peer is the client).
   */
  trustedProxies: string[];
  /** No relay without an identity from a trusted proxy. */
  requireIdentity: boolean;
  loginBrakes: LoginBrakeConfig;
  limits: GatewayLimits;
  shutdownGraceMs: number;
  tls?: { cert: string; key: string };
  webRoot: string;
  demo: DemoConfig;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  maxConnectionsPerAddress: 16,
  maxConnections: 1000,
  connectBurst: 20,
  connectsPerMinute: 60,
  connectTimeoutMs: 10_000,
  idleTimeoutMs: 15 * 60_000,
  maxSessionMs: 12 * 3600_000,
  maxMessageBytes: 1024 * 1024,
  highWaterBytes: 1024 * 1024,
  headerTimeoutMs: 10_000,
  maxPendingConnections: 1000,
  maxPendingPerAddress: 32,
  heartbeatMs: 15_000,
};

export const DEFAULT_LOGIN_BRAKES: LoginBrakeConfig = {
  enabled: true,
  quickRelayMs: 10_000,
  quickRelayBytes: 64 * 1024,
  windowMs: 10 * 60_000,
  freePerClient: 5,
  freePerTarget: 20,
  backoffBaseMs: 5_000,
  backoffMaxMs: 10 * 60_000,
  targetBackoffMaxMs: 2 * 60_000,
  newRelaysPerTargetPerMinute: 30,
};

export const DEFAULT_DEMO: DemoConfig = {
  enabled: false,
  targetId: 'demo',
  port: 2222,
  dataDir: 'demo-data',
  username: 'demo',
  password: 'demo-password',
  maxAuthTries: 3,
};

export function defaultConfig(): GatewayConfig {
  return {
    targets: {},
    allowedOrigins: [],
    trustProxy: false,
    allowClients: [...LOOPBACK_ONLY],
    trustedProxies: [],
    requireIdentity: false,
    loginBrakes: { ...DEFAULT_LOGIN_BRAKES },
    limits: { ...DEFAULT_LIMITS },
    shutdownGraceMs: 30_000,
    webRoot: 'dist/web',
    demo: { ...DEFAULT_DEMO },
  };
}

class ConfigError extends Error {
  override name = 'ConfigError';
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new ConfigError(`gateway config: ${what}`);
}

function positiveInt(v: unknown, what: string, allowZero = false): number {
  check(typeof v === 'number' && Number.isInteger(v) && (allowZero ? v >= 0 : v > 0), `${what} must be a ${allowZero ? 'non-negative' : 'positive'} integer`);
  return v as number;
}

const TARGET_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const TARGET_KEYS = new Set(['host', 'port', 'label', 'hostKeyFingerprints', 'local', 'allowClients', '$comment']);
const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;

function addressRanges(v: unknown, what: string): string[] {
  check(Array.isArray(v) && v.every((e) => typeof e === 'string'), `${what} must list address ranges like "10.0.0.0/8"`);
  try {
    AddressList.parse(v as string[], what);
  } catch (err) {
    throw new ConfigError(`gateway config: ${(err as Error).message}`);
  }
  return v as string[];
}

function parseTarget(id: string, raw: unknown): RelayTarget {
  check(TARGET_ID.test(id), `target id "${id}" must be letters, digits, . _ - (max 64)`);
  check(isObject(raw), `target "${id}" must be an object`);
  const t = raw as Json;
  check(typeof t.host === 'string' && t.host.length > 0, `target "${id}".host must be a name or address`);
  const port = positiveInt(t.port, `target "${id}".port`);
  check(port <= 65535, `target "${id}".port must be at most 65535`);
  check(t.label === undefined || typeof t.label === 'string', `target "${id}".label must be a string`);
  const fps = t.hostKeyFingerprints ?? [];
  check(Array.isArray(fps) && fps.every((f) => typeof f === 'string' && /^SHA256:[A-Za-z0-9+/]{43}$/.test(f)), `target "${id}".hostKeyFingerprints must be a list of "SHA256:..." strings`);
  check(t.local === undefined || typeof t.local === 'boolean', `target "${id}".local must be true or false`);
  for (const k of Object.keys(t)) check(TARGET_KEYS.has(k), `unknown setting "${k}" in target "${id}"`);
  const target: RelayTarget = { host: t.host as string, port, label: (t.label as string | undefined) ?? id, hostKeyFingerprints: fps as string[], local: t.local === true };
  if (t.allowClients !== undefined) target.allowClients = addressRanges(t.allowClients, `target "${id}".allowClients`);
  return target;
}

/** Validates a parsed config object, filling defaults. */
export function parseConfig(raw: unknown): GatewayConfig {
  const config = defaultConfig();
  check(isObject(raw), 'the file must hold a JSON object');
  const c = raw as Json;
  const known = new Set(['$comment', 'targets', 'allowedOrigins', 'trustProxy', 'allowClients', 'identityHeader', 'trustedProxies', 'requireIdentity', 'loginBrakes', 'limits', 'shutdownGraceMs', 'tls', 'webRoot', 'demo']);
  for (const k of Object.keys(c)) check(known.has(k), `unknown setting "${k}"`);
  if (c.targets !== undefined) {
    check(isObject(c.targets), '"targets" must map ids to targets');
    for (const [id, t] of Object.entries(c.targets as Json)) config.targets[id] = parseTarget(id, t);
  }
  if (c.allowedOrigins !== undefined) {
    check(Array.isArray(c.allowedOrigins) && c.allowedOrigins.every((o) => typeof o === 'string' && /^https?:\/\/[^/]+$/.test(o)), '"allowedOrigins" must list origins like "https://courier.example.org" (no path)');
    config.allowedOrigins = c.allowedOrigins as string[];
  }
  if (c.trustProxy !== undefined) {
    check(typeof c.trustProxy === 'boolean' || (typeof c.trustProxy === 'number' && Number.isInteger(c.trustProxy) && c.trustProxy >= 0), '"trustProxy" must be true, false or a number of proxy hops');
    config.trustProxy = c.trustProxy as boolean | number;
  }
  if (c.allowClients !== undefined) config.allowClients = addressRanges(c.allowClients, '"allowClients"');
  if (c.identityHeader !== undefined) {
    check(typeof c.identityHeader === 'string' && HEADER_NAME.test(c.identityHeader), '"identityHeader" must be a header name like "X-Courier-User"');
    check(!/^(x-forwarded-for|forwarded|host|origin|cookie|authorization|upgrade|connection)$/i.test(c.identityHeader as string), '"identityHeader" must be a header of its own, not a standard one');
    config.identityHeader = c.identityHeader as string;
  }
  if (c.trustedProxies !== undefined) config.trustedProxies = addressRanges(c.trustedProxies, '"trustedProxies"');
  if (c.requireIdentity !== undefined) {
    check(typeof c.requireIdentity === 'boolean', '"requireIdentity" must be true or false');
    config.requireIdentity = c.requireIdentity as boolean;
  }
  check(config.identityHeader === undefined || config.trustedProxies.length > 0, '"identityHeader" needs "trustedProxies": the addresses of the proxies that set it');
  check(!config.requireIdentity || config.identityHeader !== undefined, '"requireIdentity" needs "identityHeader" (and "trustedProxies")');
  if (c.loginBrakes !== undefined) {
    check(isObject(c.loginBrakes), '"loginBrakes" must be an object');
    for (const [k, v] of Object.entries(c.loginBrakes as Json)) {
      check(k in DEFAULT_LOGIN_BRAKES, `unknown login brake setting "${k}"`);
      if (k === 'enabled') {
        check(typeof v === 'boolean', 'loginBrakes.enabled must be true or false');
        config.loginBrakes.enabled = v as boolean;
      } else config.loginBrakes[k as Exclude<keyof LoginBrakeConfig, 'enabled'>] = positiveInt(v, `loginBrakes.${k}`);
    }
  }
  if (c.limits !== undefined) {
    check(isObject(c.limits), '"limits" must be an object');
    for (const [k, v] of Object.entries(c.limits as Json)) {
      check(k in DEFAULT_LIMITS, `unknown limit "${k}"`);
      config.limits[k as keyof GatewayLimits] = positiveInt(v, `limits.${k}`);
    }
  }
  if (c.shutdownGraceMs !== undefined) config.shutdownGraceMs = positiveInt(c.shutdownGraceMs, 'shutdownGraceMs', true);
  if (c.tls !== undefined) {
    check(isObject(c.tls) && typeof (c.tls as Json).cert === 'string' && typeof (c.tls as Json).key === 'string', '"tls" must be { "cert": path, "key": path }');
    config.tls = { cert: (c.tls as Json).cert as string, key: (c.tls as Json).key as string };
  }
  if (c.webRoot !== undefined) {
    check(typeof c.webRoot === 'string', '"webRoot" must be a path');
    config.webRoot = c.webRoot as string;
  }
  if (c.demo !== undefined) {
    check(isObject(c.demo), '"demo" must be an object');
    const d = c.demo as Json;
    for (const k of Object.keys(d)) check(k in DEFAULT_DEMO, `unknown demo setting "${k}"`);
    if (d.enabled !== undefined) config.demo.enabled = d.enabled === true;
    if (d.port !== undefined) config.demo.port = positiveInt(d.port, 'demo.port', true);
    if (d.maxAuthTries !== undefined) config.demo.maxAuthTries = positiveInt(d.maxAuthTries, 'demo.maxAuthTries');
    for (const k of ['targetId', 'dataDir', 'username', 'password'] as const) {
      if (d[k] !== undefined) {
        check(typeof d[k] === 'string' && d[k].length > 0, `demo.${k} must be a non-empty string`);
        config.demo[k] = d[k] as string;
      }
    }
  }
  return config;
}

/** Reads the config file; a missing file gives the defaults (no targets: the relay refuses all). */
export function loadConfig(path: string, options: { mustExist: boolean }): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !options.mustExist) return defaultConfig();
    throw new ConfigError(`gateway config: cannot read ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`gateway config: ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseConfig(raw);
}
