// Gateway relay under load: 500 concurrent relays on loopback through a gateway process
// (gateway/main.ts) to a TCP echo server, every byte checked (SHA-1 per connection); the
// gateway's memory per open relay (RSS growth / relays); and relay throughput against a direct
// TCP copy of the same data to the same echo server in the same run, printed as a ratio
// (goal >= 0.9). Bounded: fixed sizes and a 5-minute watchdog.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { loadResult, record } from './support/results.ts';

const CONNECTIONS = Number(process.env.RELAY_BENCH_CONNECTIONS ?? 500);
const PER_CONNECTION = Number(process.env.RELAY_BENCH_BYTES ?? 1024 * 1024);
const CHUNK = 64 * 1024;
const ROUNDS = 2;
const MiB = 1024 * 1024;

const watchdog = setTimeout(() => {
  console.error('relay bench: gave up after 5 minutes');
  process.exit(1);
}, 300_000);
watchdog.unref();

// Echo server in this process: what arrives goes straight back.
const echo = createServer((s) => {
  s.on('error', () => undefined);
  s.pipe(s);
});
await new Promise<void>((ok) => echo.listen(0, '127.0.0.1', () => ok()));
const echoPort = (echo.address() as { port: number }).port;

const dir = mkdtempSync(join(tmpdir(), 'courier-bench-relay-'));
const config = join(dir, 'gateway.config.json');
writeFileSync(
  config,
  JSON.stringify({
    targets: { echo: { host: '127.0.0.1', port: echoPort, label: 'echo', local: true } },
    limits: { maxConnectionsPerAddress: CONNECTIONS * 2, maxConnections: CONNECTIONS * 2, connectBurst: CONNECTIONS * 8, connectsPerMinute: 600_000, maxPendingPerAddress: CONNECTIONS * 2, maxPendingConnections: CONNECTIONS * 2 },
    // 500 short relays from one address look like a guessing attack: brakes off for the bench.
    loginBrakes: { enabled: false },
    webRoot: dir,
    demo: { enabled: false },
  }),
);
const child = spawn(process.execPath, [...(process.env.RELAY_BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.RELAY_BENCH_PROFILE] : []), '--import', 'tsx', 'gateway/main.ts', '--config', config, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
process.once('exit', () => child.kill('SIGKILL'));
let out = '';
child.stdout.on('data', (d: Buffer) => {
  // Keep only the start banner; the per-relay JSON lines are not needed here.
  if (!/open http/.test(out)) out += d.toString();
});
const url = await new Promise<string>((ok, fail) => {
  const t = setInterval(() => {
    const m = /open (http\S+)/.exec(out);
    if (m?.[1]) {
      clearInterval(t);
      ok(m[1]);
    } else if (child.exitCode !== null) fail(new Error(`gateway did not start: ${out}`));
  }, 20);
});
const origin = new URL(url).origin;
const wsUrl = `${url.replace(/^http/, 'ws')}relay?target=echo`;

/** CPU seconds (user + system) the gateway process has used so far. */
const gatewayCpuSeconds = () => {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
};
const rssKiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
const liveRelays = async () => ((await (await fetch(new URL('/healthz', url))).json()) as { relays: number }).relays;

// One pool of random bytes; connection i sends a slice starting at its own offset.
const pool = randomBytes(64 * MiB);
const sliceFor = (i: number) => {
  const start = (i * 7919 * CHUNK) % (pool.length - PER_CONNECTION);
  return pool.subarray(start, start + PER_CONNECTION);
};
const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

/** Sends `data` and resolves with what came back once as many bytes have returned. */
function echoOverWebSocket(ws: WebSocket, data: Buffer): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const parts: Buffer[] = [];
    let got = 0;
    ws.on('message', (d: Buffer) => {
      parts.push(d);
      got += d.length;
      if (got >= data.length) ok(Buffer.concat(parts));
    });
    ws.once('close', (code) => got < data.length && fail(new Error(`relay closed early (${code})`)));
    let sent = 0;
    const pump = () => {
      while (sent < data.length && ws.bufferedAmount < 4 * CHUNK) {
        const chunk = data.subarray(sent, sent + CHUNK);
        sent += chunk.length;
        ws.send(chunk, { binary: true }, () => pump());
      }
    };
    pump();
  });
}

function echoOverTcp(socket: Socket, data: Buffer): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const parts: Buffer[] = [];
    let got = 0;
    socket.on('data', (d: Buffer) => {
      parts.push(d);
      got += d.length;
      if (got >= data.length) ok(Buffer.concat(parts));
    });
    socket.once('error', fail);
    let sent = 0;
    const pump = () => {
      while (sent < data.length) {
        const chunk = data.subarray(sent, sent + CHUNK);
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    pump();
  });
}

async function openRelays(): Promise<WebSocket[]> {
  return Promise.all(
    Array.from({ length: CONNECTIONS }, () => {
      const ws = new WebSocket(wsUrl, { origin, perMessageDeflate: false });
      ws.binaryType = 'nodebuffer';
      return new Promise<WebSocket>((ok, fail) => {
        ws.once('open', () => ok(ws));
        ws.once('error', fail);
      });
    }),
  );
}

async function openSockets(): Promise<Socket[]> {
  return Promise.all(
    Array.from({ length: CONNECTIONS }, () => new Promise<Socket>((ok, fail) => {
      const s = connect({ host: '127.0.0.1', port: echoPort, noDelay: true }, () => ok(s));
      s.once('error', fail);
    })),
  );
}

let lost = 0;
let relayCpu = 0;
async function round(kind: 'relay' | 'direct'): Promise<number> {
  const conns = kind === 'relay' ? await openRelays() : await openSockets();
  if (kind === 'relay') {
    while ((await liveRelays()) < CONNECTIONS) await new Promise((ok) => setTimeout(ok, 20));
  }
  const cpu0 = gatewayCpuSeconds();
  const t0 = performance.now();
  const back = await Promise.all(conns.map((c, i) => (c instanceof WebSocket ? echoOverWebSocket(c, sliceFor(i)) : echoOverTcp(c, sliceFor(i)))));
  const ms = performance.now() - t0;
  if (kind === 'relay') relayCpu += gatewayCpuSeconds() - cpu0;
  back.forEach((b, i) => {
    if (b.length !== PER_CONNECTION || sha1(b) !== sha1(sliceFor(i))) lost++;
  });
  for (const c of conns) {
    if (c instanceof WebSocket) c.close();
    else c.destroy();
  }
  if (kind === 'relay') while ((await liveRelays()) > 0) await new Promise((ok) => setTimeout(ok, 20));
  return ms;
}

// Memory: the gateway's RSS with no relay, then with CONNECTIONS idle relays open.
await new Promise((ok) => setTimeout(ok, 500));
const rssIdle = rssKiB();
const idle = await openRelays();
while ((await liveRelays()) < CONNECTIONS) await new Promise((ok) => setTimeout(ok, 20));
await new Promise((ok) => setTimeout(ok, 300));
const rssOpen = rssKiB();
for (const ws of idle) ws.close();
while ((await liveRelays()) > 0) await new Promise((ok) => setTimeout(ok, 20));

const relayMs: number[] = [];
const directMs: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  // Alternate the order so neither side always runs on a warmer machine.
  if (r % 2 === 0) {
    directMs.push(await round('direct'));
    relayMs.push(await round('relay'));
  } else {
    relayMs.push(await round('relay'));
    directMs.push(await round('direct'));
  }
}
const peakKiB = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);

const total = CONNECTIONS * PER_CONNECTION;
const best = (xs: number[]) => Math.min(...xs);
const mbps = (ms: number) => total / 1e6 / (ms / 1000);
const relayRate = mbps(best(relayMs));
const directRate = mbps(best(directMs));
console.log(`relays: ${CONNECTIONS} concurrent, ${PER_CONNECTION / MiB} MiB each way per connection (${total / MiB} MiB each way per round), best of ${ROUNDS}`);
console.log(`relay  (ws -> gateway -> tcp echo): ${relayRate.toFixed(0)} MB/s each way`);
console.log(`direct (tcp -> tcp echo)          : ${directRate.toFixed(0)} MB/s each way`);
console.log(`ratio relay/direct: ${(relayRate / directRate).toFixed(2)} (goal >= 0.9)`);
const relayedGB = (2 * ROUNDS * total) / 1e9; // both directions, every relay round
const relayWall = relayMs.reduce((a, b) => a + b, 0) / 1000;
console.log(`gateway CPU: ${(relayCpu / relayedGB).toFixed(2)} s per GB relayed, busy ${((100 * relayCpu) / relayWall).toFixed(0)}% of one core during the relay rounds (CPU time, little affected by other load)`);
console.log(`gateway memory: ${((rssOpen - rssIdle) / CONNECTIONS).toFixed(1)} KiB per open relay (RSS ${(rssIdle / 1024).toFixed(0)} -> ${(rssOpen / 1024).toFixed(0)} MiB with ${CONNECTIONS} relays), peak RSS ${(peakKiB / 1024).toFixed(0)} MiB`);
console.log(`connections with lost or changed bytes: ${lost}`);
record([
  loadResult('relay'),
  { name: `relay: ${CONNECTIONS} relays through the gateway, each way`, value: relayRate, unit: 'MB/s', ratio: null, goal: null },
  { name: 'relay: direct TCP to the same echo server, each way', value: directRate, unit: 'MB/s', ratio: null, goal: null },
  { name: 'relay: through the gateway (ratio vs direct TCP)', value: relayRate, unit: 'MB/s', ratio: relayRate / directRate, goal: 0.9 },
  { name: 'relay: gateway CPU-s per GB relayed (lower is better)', value: relayCpu / relayedGB, unit: 's', ratio: null, goal: null },
  { name: 'relay: gateway memory per open relay', value: (rssOpen - rssIdle) / CONNECTIONS, unit: 'KiB', ratio: null, goal: null },
  { name: 'relay: gateway peak RSS', value: peakKiB / 1024, unit: 'MiB', ratio: null, goal: null },
  { name: 'relay: connections with lost or changed bytes', value: lost, unit: 'connections', ratio: null, goal: null },
]);

child.kill('SIGTERM');
await new Promise((ok) => child.once('exit', ok));
echo.close();
process.exit(lost === 0 ? 0 : 1);
