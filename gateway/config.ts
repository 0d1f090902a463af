// The gateway's configuration file (gateway.config.json): relay targets by id, allowed Origins,
// limits, proxy trust, TLS and the embedded demo server. Validated strictly at start-up so a typo
// fails loudly instead of silently widening what the relay may reach.
import { readFileSync } from 'node:fs';

export interface RelayTarget {
  host: string;
  port: number;
  label: string;
  /** Expected SSH host-key fingerprints (`SHA256:...`), shown by the app before it trusts a key. */
  hostKeyFingerprints: string[];
  /** Allows loopback/private addresses: only for the demo server or a lab target. */
  local?: boolean;
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
}

export interface GatewayConfig {
  targets: Record<string, RelayTarget>;
  /** Origins allowed to open a relay; empty = the gateway's own origin(s). */
  allowedOrigins: string[];
  /** Honour X-Forwarded-For: false, or the number of trusted proxy hops in front (true = 1). */
  trustProxy: boolean | number;
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
};

export const DEFAULT_DEMO: DemoConfig = {
  enabled: false,
  targetId: 'demo',
  port: 2222,
  dataDir: 'demo-data',
  username: 'demo',
  password: 'demo-password',
};

export function defaultConfig(): GatewayConfig {
  return {
    targets: {},
    allowedOrigins: [],
    trustProxy: false,
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
  return { host: t.host as string, port, label: (t.label as string | undefined) ?? id, hostKeyFingerprints: fps as string[], local: t.local === true };
}

/** Validates a parsed config object, filling defaults. */
export function parseConfig(raw: unknown): GatewayConfig {
  const config = defaultConfig();
  check(isObject(raw), 'the file must hold a JSON object');
  const c = raw as Json;
  const known = new Set(['$comment', 'targets', 'allowedOrigins', 'trustProxy', 'limits', 'shutdownGraceMs', 'tls', 'webRoot', 'demo']);
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
