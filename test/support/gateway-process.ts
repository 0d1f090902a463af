// The gateway as its own process (gateway/main.ts with a config file), for attack scripts: the
// tests talk to it over 127.0.0.x like any client would and read its JSON log from stdout. The
// process runs under `timeout`, so it ends even if the test process dies; tests stop it by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './gateway-peers.ts';

export interface GatewayProcess {
  proc: ChildProcess;
  url: string;
  port: number;
  dir: string;
  /** Everything printed so far (banner, JSON events, errors). */
  output(): string;
  /** Bytes written to stdout so far (the log volume). */
  stdoutBytes(): number;
  /** The JSON log events so far. */
  events(): Record<string, unknown>[];
  exit: Promise<number | null>;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<number | null>;
}

export async function spawnGateway(config: Record<string, unknown>, options: { host?: string; lifetimeSeconds?: number } = {}): Promise<GatewayProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'courier-gwp-'));
  const file = join(dir, 'gateway.config.json');
  writeFileSync(file, JSON.stringify({ webRoot: dir, demo: { enabled: false }, ...config }));
  const args = [`--kill-after=5`, String(options.lifetimeSeconds ?? 180), process.execPath, '--import', 'tsx', 'gateway/main.ts', '--config', file, '--port', '0', '--host', options.host ?? '127.0.0.1'];
  const proc = spawn('timeout', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let bytes = 0;
  proc.stdout?.on('data', (d: Buffer) => {
    bytes += d.length;
    out += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((ok) => proc.once('exit', (code) => ok(code)));
  // SIGTERM reaches the gateway through `timeout` (a SIGKILL would stop only `timeout`).
  const killOnExit = () => proc.kill('SIGTERM');
  process.once('exit', killOnExit);
  void exit.then(() => process.removeListener('exit', killOnExit));
  await waitFor(() => /open (http\S+)/.test(out) || proc.exitCode !== null, 'the gateway to start', 30_000);
  const url = /open (http\S+)/.exec(out)?.[1];
  if (!url) throw new Error(`gateway did not start:\n${out}`);
  return {
    proc,
    url,
    port: Number(new URL(url).port),
    dir,
    output: () => out,
    stdoutBytes: () => bytes,
    events: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    exit,
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      return exit;
    },
  };
}
