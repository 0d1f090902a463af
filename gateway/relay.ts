// One relay: a WebSocket from the browser joined to a TCP connection to one configured target.
// The bytes are SSH ciphertext; the gateway never looks inside them and never logs them. Flow
// control runs both ways so a slow side stalls the fast one instead of growing memory here. A
// WebSocket ping every heartbeatMs finds a browser that went away, even while its side is paused
// (a paused socket is not read, so only a write notices that the peer is gone).
import type { LookupAddress } from 'node:dns';
import { connect, type Socket } from 'node:net';
import type { WebSocket, RawData } from 'ws';
import { forbiddenReason } from './address-policy.ts';
import { GATEWAY_CLOSE, type GatewayCloseName } from './close-codes.ts';
import type { GatewayLimits, RelayTarget } from './config.ts';
import type { GatewayEventLog } from './event-log.ts';
import type { RelayOutcome } from './login-brakes.ts';

export type LookupAll = (host: string) => Promise<LookupAddress[]>;

export interface RelayStats {
  id: string;
  targetId: string;
  client: string;
  bytesToTarget: number;
  bytesToClient: number;
  /** Bytes read from the target and handed to the WebSocket but not yet written to its socket. */
  toClientBuffered: number;
  /** Bytes read from the WebSocket and not yet written to the TCP socket. */
  toTargetBuffered: number;
}

export interface RelayOptions {
  id: string;
  client: string;
  targetId: string;
  target: RelayTarget;
  /** The signed-in user a trusted proxy named, if any: logged with every relay. */
  identity?: string;
  limits: GatewayLimits;
  log: GatewayEventLog;
  lookup: LookupAll;
}

type Phase = 'resolving' | 'connecting' | 'open' | 'closing' | 'closed';

export class Relay {
  readonly done: Promise<void>;
  private phase: Phase = 'resolving';
  private tcp: Socket | null = null;
  private attempting: Socket | null = null;
  private readonly early: Buffer[] = [];
  private earlyBytes = 0;
  private bytesToTarget = 0;
  private bytesToClient = 0;
  private toClientBuffered = 0;
  private tcpPausedForClient = false;
  private wsPausedForTarget = false;
  private readonly started = Date.now();
  private closeCode = 0;
  private closeReason = '';
  private closedBy: 'client' | 'target' | 'gateway' | '' = '';
  private finished!: () => void;
  private readonly timers: NodeJS.Timeout[] = [];
  private idleTimer: NodeJS.Timeout | null = null;
  private opened = false;
  private pongSeen = true;
  private clientGone = false;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly ws: WebSocket,
    private readonly options: RelayOptions,
  ) {
    this.done = new Promise((ok) => (this.finished = ok));
    // Hold the browser's first bytes (the SSH version line) until the TCP side is up.
    ws.pause();
    ws.on('message', (data, isBinary) => this.fromClient(data, isBinary));
    ws.on('close', (code, reason) => this.onWsClose(code, reason.toString()));
    ws.on('error', () => {
      // ws closes the socket itself; 'close' follows.
    });
    ws.on('pong', () => (this.pongSeen = true));
    this.heartbeat = setInterval(() => this.beat(), options.limits.heartbeatMs);
    this.timers.push(setTimeout(() => this.end('sessionTooLong', 'gateway'), Math.min(options.limits.maxSessionMs, 2 ** 31 - 1)));
    this.idleTimer = setTimeout(() => this.end('idleTimeout', 'gateway'), Math.min(options.limits.idleTimeoutMs, 2 ** 31 - 1));
    this.timers.push(this.idleTimer);
    void this.open();
  }

  stats(): RelayStats {
    return {
      id: this.options.id,
      targetId: this.options.targetId,
      client: this.options.client,
      bytesToTarget: this.bytesToTarget,
      bytesToClient: this.bytesToClient,
      toClientBuffered: this.toClientBuffered,
      toTargetBuffered: this.earlyBytes + (this.tcp?.writableLength ?? 0),
    };
  }

  /** Ends the relay with one of our close codes (idempotent). */
  end(name: GatewayCloseName, by: 'client' | 'target' | 'gateway'): void {
    if (this.phase === 'closing' || this.phase === 'closed') return;
    this.phase = 'closing';
    const { code, reason } = GATEWAY_CLOSE[name];
    this.closeCode = code;
    this.closeReason = reason;
    this.closedBy = by;
    this.tcp?.destroy();
    this.attempting?.destroy();
    // A paused WebSocket would never read the client's closing handshake.
    if (this.ws.isPaused) this.ws.resume();
    this.ws.close(code, reason);
    // ws cuts off a client that never answers the close frame after 30 s; bytes queued before
    // the close frame (a slow reader's tail) get that long to drain. At shutdown, wait less.
    if (name === 'goingAway') this.timers.push(setTimeout(() => this.ws.terminate(), 5_000));
  }

  /** What the login brakes look at once the relay is over. */
  outcome(): RelayOutcome {
    return { opened: this.opened, durationMs: Date.now() - this.started, bytes: this.bytesToTarget + this.bytesToClient, closedBy: this.closedBy };
  }

  private touch(): void {
    this.idleTimer?.refresh();
  }

  private beat(): void {
    if (this.phase === 'closed') return;
    // A pong (or any message) since the last ping shows the browser is there. While its side is
    // paused we read nothing, pongs included; the ping itself then is the probe: writing to a
    // peer that is gone fails within a ping or two and ws reports the close.
    if (!this.pongSeen && !this.ws.isPaused) {
      this.clientGone = true;
      this.ws.terminate();
      return;
    }
    this.pongSeen = false;
    this.ws.ping();
  }

  private async open(): Promise<void> {
    const { target, limits } = this.options;
    const deadline = setTimeout(() => this.end('connectTimeout', 'gateway'), limits.connectTimeoutMs);
    this.timers.push(deadline);
    let addresses: LookupAddress[];
    try {
      addresses = await this.options.lookup(target.host);
    } catch {
      addresses = [];
    }
    if (this.phase !== 'resolving') return;
    if (addresses.length === 0) return this.end('targetUnresolvable', 'gateway');
    if (!target.local) {
      // One forbidden address taints the name: it is either misconfigured or an attack.
      for (const a of addresses) {
        const why = forbiddenReason(a.address);
        if (why) {
          this.options.log({ event: 'relay-forbidden-address', id: this.options.id, target: this.options.targetId, address: a.address, why });
          return this.end('targetForbidden', 'gateway');
        }
      }
    }
    this.phase = 'connecting';
    let lastError = '';
    for (const a of addresses) {
      // Connect to the very address checked above: no second lookup, no DNS rebinding window.
      const socket = await this.attempt(a.address, target.port).catch((err: NodeJS.ErrnoException) => {
        lastError = err.code ?? err.message;
        return null;
      });
      if (this.phase !== 'connecting') {
        socket?.destroy();
        return;
      }
      if (socket) {
        clearTimeout(deadline);
        return this.onConnected(socket, a.address);
      }
    }
    this.options.log({ event: 'relay-connect-failed', id: this.options.id, target: this.options.targetId, error: lastError });
    this.end('targetUnreachable', 'gateway');
  }

  private attempt(address: string, port: number): Promise<Socket> {
    return new Promise((ok, fail) => {
      const socket = connect({ host: address, port, noDelay: true });
      this.attempting = socket;
      socket.once('connect', () => {
        this.attempting = null;
        socket.removeListener('error', fail);
        ok(socket);
      });
      socket.once('error', (err) => {
        this.attempting = null;
        fail(err);
      });
      socket.once('close', () => fail(new Error('relay ended')));
    });
  }

  private onConnected(socket: Socket, address: string): void {
    this.tcp = socket;
    this.phase = 'open';
    this.opened = true;
    this.options.log({ event: 'relay-open', id: this.options.id, client: this.options.client, identity: this.options.identity, target: this.options.targetId, address, port: this.options.target.port });
    socket.on('data', (chunk: Buffer) => this.fromTarget(chunk));
    socket.on('drain', () => {
      if (this.wsPausedForTarget) {
        this.wsPausedForTarget = false;
        this.ws.resume();
      }
    });
    socket.on('end', () => this.end('targetClosed', 'target'));
    socket.on('error', () => this.end('targetLost', 'target'));
    socket.on('close', () => this.end('targetClosed', 'target'));
    let full = false;
    for (const chunk of this.early.splice(0)) full = !socket.write(chunk);
    this.earlyBytes = 0;
    if (full) this.wsPausedForTarget = true;
    else this.ws.resume();
  }

  private fromClient(data: RawData, isBinary: boolean): void {
    if (this.phase === 'closing' || this.phase === 'closed') return;
    this.pongSeen = true;
    if (!isBinary) return this.end('binaryOnly', 'gateway');
    // With the server's default binaryType the message is one Buffer; no copy needed.
    const chunk = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    this.bytesToTarget += chunk.length;
    this.touch();
    if (!this.tcp) {
      this.early.push(chunk);
      this.earlyBytes += chunk.length;
      return;
    }
    if (!this.tcp.write(chunk) && !this.wsPausedForTarget) {
      // The target reads slower than the browser sends: stop reading the WebSocket until 'drain'.
      this.wsPausedForTarget = true;
      this.ws.pause();
    }
  }

  private fromTarget(chunk: Buffer): void {
    if (this.phase === 'closed') return;
    this.bytesToClient += chunk.length;
    this.touch();
    this.toClientBuffered += chunk.length;
    this.ws.send(chunk, { binary: true }, () => {
      this.toClientBuffered -= chunk.length;
      if (this.tcpPausedForClient && this.toClientBuffered <= this.options.limits.highWaterBytes / 2) {
        this.tcpPausedForClient = false;
        this.tcp?.resume();
      }
    });
    if (!this.tcpPausedForClient && this.toClientBuffered > this.options.limits.highWaterBytes) {
      // The browser reads slower than the target sends: stop reading TCP until the queue drains.
      this.tcpPausedForClient = true;
      this.tcp?.pause();
    }
  }

  private onWsClose(code: number, reason: string): void {
    for (const t of this.timers) clearTimeout(t);
    clearInterval(this.heartbeat);
    this.attempting?.destroy();
    if (this.phase !== 'closing') {
      // The client closed first (or vanished): let what it sent reach the target, then end the TCP side.
      this.closeCode = code;
      this.closeReason = this.clientGone ? 'client-gone' : reason;
      this.closedBy = 'client';
      const tcp = this.tcp;
      if (tcp) {
        tcp.end();
        tcp.resume();
        setTimeout(() => tcp.destroy(), 5_000).unref();
      }
    } else {
      this.tcp?.destroy();
    }
    this.phase = 'closed';
    this.options.log({
      event: 'relay-close',
      id: this.options.id,
      client: this.options.client,
      identity: this.options.identity,
      target: this.options.targetId,
      bytesToTarget: this.bytesToTarget,
      bytesToClient: this.bytesToClient,
      durationMs: Date.now() - this.started,
      code: this.closeCode,
      reason: this.closeReason,
      closedBy: this.closedBy,
    });
    this.finished();
  }
}
