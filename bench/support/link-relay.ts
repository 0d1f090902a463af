// A WAN link on loopback (this kernel has no sch_netem): a TCP relay whose two directions each
// delay every byte by half the round-trip time and pace it at the link rate. A chunk is first
// serialised at the bottleneck (rate), then propagates (one-way delay), so back-to-back chunks
// leave at the link rate and arrive `rtt / 2` later. The bottleneck buffer pushes back (pauses the
// sender's socket) instead of dropping, so no loss or congestion control is modelled: only delay,
// rate and the windows of the protocols above. Runs as its own process (`startLinkRelay`), so its
// CPU never competes with a client's event loop; `node --import tsx bench/support/link-relay.ts
// --target host:port --rtt-ms 60 --rate-mbit 1000` prints `listening <port>`.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { endWithThisProcess } from './child-guard.ts';

export interface LinkShape {
  /** Round-trip time added by the link (each direction gets half). 0: no delay. */
  rttMs: number;
  /** Link rate in Mbit/s (10^6 bit/s) per direction; 0: unlimited. */
  rateMbit: number;
  /** Bytes waiting for serialisation before the sender is paused (default 16 MiB: never the bottleneck for an SSH window). */
  bufferBytes?: number;
}

/** Most bytes held per direction whatever the shape (memory bound when the rate is unlimited). */
const MAX_HELD = 256 * 1024 * 1024;

/**
 * One direction's bottleneck, shared by every connection through the link: they queue for the
 * same rate, as on a real line (per connection, N connections got N times the link: 3 sftp
 * processes reached 31 MB/s on a 12.5 MB/s link).
 */
interface Bottleneck {
  /** When the last byte queued so far will have been serialised. */
  lastTxEnd: number;
}

/** One direction of one connection: src -> delay line (the shared bottleneck, then the delay) -> dst. */
class DelayLine {
  private readonly queue: { data: Buffer; due: number }[] = [];
  private head = 0;
  private held = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private waitingDrain = false;
  private paused = false;
  private ended = false;
  private readonly bytesPerMs: number;
  private readonly oneWayMs: number;
  private readonly buffer: number;

  constructor(private readonly src: Socket, private readonly dst: Socket, shape: LinkShape, private readonly link: Bottleneck) {
    this.bytesPerMs = shape.rateMbit > 0 ? (shape.rateMbit * 1e6) / 8 / 1000 : Number.POSITIVE_INFINITY;
    this.oneWayMs = shape.rttMs / 2;
    this.buffer = shape.bufferBytes ?? 16 * 1024 * 1024;
    src.on('data', (d: Buffer) => this.push(d));
    src.on('end', () => {
      this.ended = true;
      this.flush();
    });
    dst.on('drain', () => {
      this.waitingDrain = false;
      this.flush();
    });
  }

  /** Bytes not yet serialised onto the link (the bottleneck queue). */
  private backlog(now: number): number {
    return Number.isFinite(this.bytesPerMs) ? Math.max(0, this.link.lastTxEnd - now) * this.bytesPerMs : 0;
  }

  private push(data: Buffer): void {
    const now = performance.now();
    const start = Math.max(now, this.link.lastTxEnd);
    this.link.lastTxEnd = start + data.length / this.bytesPerMs;
    this.queue.push({ data, due: this.link.lastTxEnd + this.oneWayMs });
    this.held += data.length;
    if (!this.paused && (this.backlog(now) > this.buffer || this.held > MAX_HELD)) {
      this.paused = true;
      this.src.pause();
    }
    if (this.timer === null && !this.waitingDrain) this.flush();
  }

  private flush(): void {
    this.timer = null;
    if (this.dst.destroyed) return;
    const now = performance.now();
    this.dst.cork();
    // Timers fire up to ~1 ms late: a chunk due within the next 0.75 ms goes now, so the mean delay is right.
    while (this.head < this.queue.length && this.queue[this.head]!.due <= now + 0.75 && !this.waitingDrain) {
      const { data } = this.queue[this.head]!;
      this.queue[this.head++] = undefined as never;
      this.held -= data.length;
      if (!this.dst.write(data)) this.waitingDrain = true;
    }
    this.dst.uncork();
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (this.paused && this.backlog(now) <= this.buffer / 2 && this.held <= MAX_HELD / 2) {
      this.paused = false;
      this.src.resume();
    }
    if (this.head < this.queue.length) {
      if (!this.waitingDrain) this.timer = setTimeout(() => this.flush(), Math.max(0, this.queue[this.head]!.due - now));
    } else if (this.paused) {
      // Nothing of ours queued, but the shared line is still full with others' bytes: look again when it has drained enough.
      this.timer = setTimeout(() => this.flush(), Math.max(1, (this.backlog(now) - this.buffer / 2) / this.bytesPerMs));
    } else if (this.ended) this.dst.end();
  }
}

/** Serves the link in this process; resolves with the port it listens on. */
export function serveLink(target: { host: string; port: number }, shape: LinkShape, listenPort = 0): Promise<number> {
  const toTarget: Bottleneck = { lastTxEnd: 0 };
  const fromTarget: Bottleneck = { lastTxEnd: 0 };
  const server = createServer({ noDelay: true, allowHalfOpen: true }, (client) => {
    // Half-open both ways: an EOF travels through the delay line like any byte.
    const upstream = connect({ host: target.host, port: target.port, noDelay: true, allowHalfOpen: true });
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    // A reset ends the other side at once (what was in flight is lost, as on a cut link); a clean
    // EOF is delivered by the delay line after the bytes before it.
    client.on('error', cut).on('close', (hadError) => hadError && cut());
    upstream.on('error', cut).on('close', (hadError) => hadError && cut());
    new DelayLine(client, upstream, shape, toTarget);
    new DelayLine(upstream, client, shape, fromTarget);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(listenPort, '127.0.0.1', () => ok((server.address() as { port: number }).port));
  });
}

export interface RunningLink {
  port: number;
  shape: LinkShape;
  /** CPU seconds (user + system) the relay process used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** Starts the relay as a child process (stopped by PID; `timeout` ends it should we die first). */
export async function startLinkRelay(target: { host: string; port: number }, shape: LinkShape): Promise<RunningLink> {
  const child = spawn('timeout', ['-s', 'KILL', '3600', process.execPath, '--import', 'tsx', fileURLToPath(import.meta.url),
    '--target', `${target.host}:${target.port}`, '--rtt-ms', String(shape.rttMs), '--rate-mbit', String(shape.rateMbit),
    ...(shape.bufferBytes ? ['--buffer-bytes', String(shape.bufferBytes)] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  endWithThisProcess(child.pid!);
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  const port = await new Promise<number>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) ok(Number(m[1]));
    });
    child.once('exit', (code) => fail(new Error(`link relay exited (${code}) before listening`)));
  });
  // `timeout` is the parent; the relay is its only child.
  const relayPid = () => Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
  const pid = relayPid();
  return {
    port,
    shape,
    cpuSeconds() {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    async stop() {
      process.removeListener('exit', onExit);
      if (child.exitCode !== null) return;
      const exited = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string, fallback?: string): string => {
    const i = process.argv.indexOf(`--${name}`);
    const v = i >= 0 ? process.argv[i + 1] : fallback;
    if (v === undefined) throw new Error(`--${name} is required`);
    return v;
  };
  const [host, port] = arg('target').split(':');
  const shape: LinkShape = { rttMs: Number(arg('rtt-ms', '0')), rateMbit: Number(arg('rate-mbit', '0')) };
  if (process.argv.includes('--buffer-bytes')) shape.bufferBytes = Number(arg('buffer-bytes'));
  const listening = await serveLink({ host: host!, port: Number(port) }, shape, Number(arg('port', '0')));
  process.stdout.write(`listening ${listening}\n`);
  process.on('SIGTERM', () => process.exit(0));
}
