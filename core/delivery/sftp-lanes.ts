// The SFTP sessions ("lanes") a delivery run writes over: the connection's first session plus up to
// `size - 1` more, each on its own SSH channel with its own flow-control window (on a long link one
// channel carries at most its window per round trip: sshd grants 2 MiB). They are opened when
// first needed and kept for the run. A server that refuses more channels gets extra connections
// instead, when the run may make them (the CLI), else the run makes do with fewer lanes.
import { SftpError } from '../sftp/errors.ts';
import type { SftpSession } from '../sftp/session.ts';

export interface LaneConnection {
  sftp: SftpSession;
  hostKeyFingerprint: string;
  /** Another SFTP session on the same SSH connection (another channel). */
  openSftp?: () => Promise<SftpSession>;
  close(): Promise<void>;
}

export interface LaneOptions {
  /** Most lanes, the first session included. */
  size: number;
  /** A new connection for a lane when the server refuses more channels (its host key must be the same). */
  connectExtra?: () => Promise<LaneConnection>;
  /** Told once why fewer lanes than asked could be opened. */
  onLimited?: (why: string) => void;
}

const isTransient = (err: unknown) => typeof err === 'object' && err !== null && (err as { transient?: unknown }).transient === true;

export class SftpLanes {
  private readonly all: SftpSession[];
  private readonly users = new Map<SftpSession, number>();
  private readonly extraConnections: LaneConnection[] = [];
  private readonly opened: SftpSession[] = [];
  private pending = 0;
  private channelsRefused = false;
  private connectionsRefused = false;
  private closed = false;

  constructor(private readonly primary: LaneConnection, private readonly options: LaneOptions) {
    this.all = [primary.sftp];
  }

  /** Lanes open now. */
  get count(): number {
    return this.all.length;
  }

  private usable(): SftpSession[] {
    return this.all.filter((s) => s.failure === null);
  }

  private async openOne(): Promise<SftpSession | null> {
    if (!this.channelsRefused && this.primary.openSftp) {
      try {
        return await this.primary.openSftp();
      } catch (err) {
        if (isTransient(err)) throw err;
        this.channelsRefused = true;
        this.options.onLimited?.(`the server refused another SFTP channel (${err instanceof Error ? err.message : String(err)})${this.options.connectExtra ? '; opening another connection instead' : ''}`);
      }
    }
    if (this.connectionsRefused || !this.options.connectExtra) return null;
    let extra: LaneConnection;
    try {
      extra = await this.options.connectExtra();
    } catch (err) {
      if (isTransient(err)) throw err;
      this.connectionsRefused = true;
      this.options.onLimited?.(`no further connection for parallel transfers (${err instanceof Error ? err.message : String(err)})`);
      return null;
    }
    if (extra.hostKeyFingerprint !== this.primary.hostKeyFingerprint) {
      // The pinned-key policy refuses a changed key already; never write a byte through a different one.
      await extra.close().catch(() => undefined);
      this.connectionsRefused = true;
      this.options.onLimited?.('another connection presented a different host key: not used');
      return null;
    }
    this.extraConnections.push(extra);
    return extra.sftp;
  }

  /**
   * Up to `want` distinct lanes for one file (at least one): idle ones first, then newly opened
   * ones while the pool may grow. When every lane is busy and no more can be opened, the least
   * used one is shared (SFTP multiplexes requests; only the window is shared then).
   */
  async acquire(want: number): Promise<SftpSession[]> {
    // The connection was let go meanwhile (another file's failure): like a lost session, worth a reconnect.
    if (this.closed) throw new SftpError('session-closed');
    const out: SftpSession[] = [];
    const take = (s: SftpSession) => {
      out.push(s);
      this.users.set(s, (this.users.get(s) ?? 0) + 1);
    };
    for (const s of this.usable()) if (out.length < want && !this.users.get(s)) take(s);
    try {
      while (out.length < want && this.all.length + this.pending < this.options.size && !(this.channelsRefused && (this.connectionsRefused || !this.options.connectExtra))) {
        this.pending++;
        let s: SftpSession | null;
        try {
          s = await this.openOne();
        } finally {
          this.pending--;
        }
        if (!s) break;
        if (this.closed) {
          await s.close().catch(() => undefined);
          throw new SftpError('session-closed');
        }
        this.all.push(s);
        this.opened.push(s);
        take(s);
      }
    } catch (err) {
      this.release(out);
      throw err;
    }
    if (out.length === 0) {
      const least = this.usable().sort((a, b) => (this.users.get(a) ?? 0) - (this.users.get(b) ?? 0))[0] ?? this.primary.sftp;
      take(least);
    }
    return out;
  }

  release(lanes: readonly SftpSession[]): void {
    for (const s of lanes) this.users.set(s, Math.max(0, (this.users.get(s) ?? 0) - 1));
  }

  /** Closes the lanes this pool opened (the first session belongs to the connection). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([
      ...this.opened.filter((s) => !this.extraConnections.some((c) => c.sftp === s)).map((s) => s.close().catch(() => undefined)),
      ...this.extraConnections.map((c) => c.close().catch(() => undefined)),
    ]);
  }
}
