// Connections that have not yet sent their request headers (a page load or the WebSocket upgrade)
// are capped, in total and per peer address, so slow-header sockets cannot pile up; the server's
// header timeout (headerTimeoutMs) ends each one soon. A connection stops counting once its first
// request has arrived. Sockets over the cap are dropped at once, and logged in aggregate.
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { GatewayLimits } from './config.ts';
import type { RefusalLog } from './refusal-log.ts';

// A TLS socket is a different object from the TCP socket under it, but has the same far end.
const keyOf = (s: Socket) => `${s.remoteAddress ?? ''}|${s.remotePort ?? ''}`;

export class PendingConnections {
  private readonly pending = new Map<string, string>();
  private readonly perPeer = new Map<string, number>();

  constructor(
    private readonly limits: Pick<GatewayLimits, 'maxPendingConnections' | 'maxPendingPerAddress'>,
    private readonly refusals: RefusalLog,
  ) {}

  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.opened(socket));
    server.prependListener('request', (req: IncomingMessage) => this.started(req));
    // 'upgrade' is emitted instead of 'request' for the WebSocket handshake.
    server.prependListener('upgrade', (req: IncomingMessage) => this.started(req));
  }

  get count(): number {
    return this.pending.size;
  }

  private opened(socket: Socket): void {
    const peer = (socket.remoteAddress ?? 'unknown').replace(/^::ffff:(?=\d+\.)/, '');
    const mine = this.perPeer.get(peer) ?? 0;
    if (this.pending.size >= this.limits.maxPendingConnections || mine >= this.limits.maxPendingPerAddress) {
      this.refusals.refused({ event: 'connection-refused', client: peer, reason: mine >= this.limits.maxPendingPerAddress ? 'too-many-pending-from-address' : 'too-many-pending' });
      socket.destroy();
      return;
    }
    const key = keyOf(socket);
    this.pending.set(key, peer);
    this.perPeer.set(peer, mine + 1);
    socket.once('close', () => this.release(key));
  }

  private started(req: IncomingMessage): void {
    if (this.pending.size > 0) this.release(keyOf(req.socket));
  }

  private release(key: string): void {
    const peer = this.pending.get(key);
    if (peer === undefined) return;
    this.pending.delete(key);
    const mine = this.perPeer.get(peer) ?? 1;
    if (mine <= 1) this.perPeer.delete(peer);
    else this.perPeer.set(peer, mine - 1);
  }
}
