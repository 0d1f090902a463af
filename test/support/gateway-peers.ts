// Peers for the gateway tests: TCP servers on 127.0.0.1 that count the connections they accept
// (a refused relay must make none), and a WebSocket client for the relay that reports how it
// was closed.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { WebSocket } from 'ws';

export interface TcpPeer {
  port: number;
  /** Connections accepted so far. */
  accepts: number;
  sockets: Socket[];
  close(): Promise<void>;
}

export async function startTcpPeer(onConnection: (socket: Socket) => void = (s) => s.pipe(s)): Promise<TcpPeer> {
  const sockets: Socket[] = [];
  const peer: TcpPeer = { port: 0, accepts: 0, sockets, close: async () => undefined };
  const server: Server = createServer((socket) => {
    peer.accepts++;
    sockets.push(socket);
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  peer.port = (server.address() as { port: number }).port;
  peer.close = () =>
    new Promise<void>((ok) => {
      for (const s of sockets) s.destroy();
      server.close(() => ok());
    });
  return peer;
}

export interface Closed {
  code: number;
  reason: string;
}

export function closeOf(ws: WebSocket): Promise<Closed> {
  return new Promise((ok) => ws.once('close', (code, reason) => ok({ code, reason: reason.toString() })));
}

export function relayUrl(gatewayUrl: string, query: string): string {
  return `${gatewayUrl.replace(/^http/, 'ws').replace(/\/$/, '')}/relay?${query}`;
}

/** A relay client with the gateway's own Origin (what the app would send). */
export function openRelay(gatewayUrl: string, query: string, options: { origin?: string; headers?: Record<string, string> } = {}): WebSocket {
  const origin = options.origin ?? new URL(gatewayUrl).origin;
  const ws = new WebSocket(relayUrl(gatewayUrl, query), { origin, headers: options.headers, perMessageDeflate: false });
  ws.binaryType = 'nodebuffer';
  ws.on('error', () => undefined);
  return ws;
}

export function opened(ws: WebSocket): Promise<void> {
  return new Promise((ok, fail) => {
    ws.once('open', () => ok());
    ws.once('close', (code) => fail(new Error(`closed before open: ${code}`)));
    ws.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode}`)));
  });
}

/** Random bytes in chunks, with their running SHA-1. */
export class RandomStream {
  readonly sha1 = createHash('sha1');
  sent = 0;
  constructor(
    readonly total: number,
    readonly chunkSize = 64 * 1024,
  ) {}
  next(): Buffer | null {
    if (this.sent >= this.total) return null;
    const chunk = randomBytes(Math.min(this.chunkSize, this.total - this.sent));
    this.sha1.update(chunk);
    this.sent += chunk.length;
    return chunk;
  }
}

/** Sends `stream` over the WebSocket, keeping at most `window` bytes queued in the client. */
export async function sendAll(ws: WebSocket, stream: RandomStream, window = 4 * 1024 * 1024): Promise<void> {
  let inflight = 0;
  let wake: (() => void) | null = null;
  for (let chunk = stream.next(); chunk; chunk = stream.next()) {
    if (ws.readyState !== WebSocket.OPEN) throw new Error('relay closed while sending');
    inflight += chunk.length;
    const n = chunk.length;
    ws.send(chunk, { binary: true }, () => {
      inflight -= n;
      if (inflight < window / 2) wake?.();
    });
    if (inflight >= window) await new Promise<void>((ok) => (wake = ok));
    wake = null;
  }
}

/** Writes `stream` to a TCP socket honouring its backpressure. */
export async function writeAll(socket: Socket, stream: RandomStream): Promise<void> {
  for (let chunk = stream.next(); chunk; chunk = stream.next()) {
    if (!socket.write(chunk)) {
      await new Promise<void>((ok, fail) => {
        const closed = () => fail(new Error('socket closed while writing'));
        socket.once('close', closed);
        socket.once('drain', () => {
          socket.removeListener('close', closed);
          ok();
        });
      });
    }
  }
}

export function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((ok, fail) => {
    const started = Date.now();
    const tick = setInterval(() => {
      if (check()) {
        clearInterval(tick);
        ok();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(tick);
        fail(new Error(`timed out waiting for ${what}`));
      }
    }, 20);
  });
}

/** Resolves once `value()` has not changed for `quietMs` (a stream has stalled). */
export async function settled(value: () => number, quietMs = 400, timeoutMs = 20_000): Promise<number> {
  let last = value();
  let since = Date.now();
  const started = Date.now();
  for (;;) {
    await new Promise((ok) => setTimeout(ok, 50));
    const v = value();
    if (v !== last) {
      last = v;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return v;
    if (Date.now() - started > timeoutMs) throw new Error('value never settled');
  }
}
