// Protocol version exchange (RFC 4253 §4.2): our identification line out, the server's in. The
// server may send other lines first (banners of some appliances); each line ends with CR LF
// (a bare LF is accepted, as OpenSSH does). Bounded: a peer that never sends a version line
// gets a clear error, not an ever-growing buffer.
import { SshProtocolError } from './errors.ts';

export const CLIENT_VERSION = 'SSH-2.0-SFTPCourier_1.0';

/** RFC 4253: 255 characters per line including CR LF. */
const MAX_LINE = 255;
/** Pre-version lines we tolerate before giving up (OpenSSH allows 1024 lines). */
const MAX_LINES = 1024;

export interface ServerVersion {
  /** The identification line without CR LF, e.g. `SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3`. */
  line: string;
  /** What came before the version line (not shown by OpenSSH, kept for diagnostics). */
  preamble: string[];
}

export class VersionExchange {
  private pending: Uint8Array = new Uint8Array(0);
  private readonly preamble: string[] = [];

  /** Our identification line, as bytes to send first. */
  static clientLine(): Uint8Array {
    return new TextEncoder().encode(`${CLIENT_VERSION}\r\n`);
  }

  /**
   * Feeds bytes from the server. Returns the version and the bytes after its line (the first
   * binary packet may follow in the same chunk), or null while the line is incomplete.
   */
  receive(chunk: Uint8Array): { version: ServerVersion; rest: Uint8Array } | null {
    const data = this.pending.length ? join(this.pending, chunk) : chunk;
    let start = 0;
    for (;;) {
      const eol = data.indexOf(0x0a, start);
      if (eol < 0) {
        if (data.length - start > MAX_LINE) throw new SshProtocolError('the server sent a line longer than 255 characters instead of an SSH version', { phase: 'version' });
        this.pending = data.slice(start);
        return null;
      }
      const end = eol > start && data[eol - 1] === 0x0d ? eol - 1 : eol;
      if (eol + 1 - start > MAX_LINE) throw new SshProtocolError('the server sent a line longer than 255 characters instead of an SSH version', { phase: 'version' });
      const line = ascii(data.subarray(start, end));
      start = eol + 1;
      if (line.startsWith('SSH-')) {
        const m = /^SSH-(\d+\.\d+)-(\S+)/.exec(line);
        if (!m) throw new SshProtocolError(`malformed version line from the server: ${JSON.stringify(line)}`, { phase: 'version' });
        if (m[1] !== '2.0' && m[1] !== '1.99') throw new SshProtocolError(`the server speaks SSH protocol ${m[1]}, not 2.0`, { phase: 'version', serverVersion: line });
        this.pending = new Uint8Array(0);
        return { version: { line, preamble: this.preamble }, rest: data.subarray(start) };
      }
      this.preamble.push(line);
      if (this.preamble.length > MAX_LINES) throw new SshProtocolError('the server sent more than 1024 lines without an SSH version', { phase: 'version' });
    }
  }
}

function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function ascii(bytes: Uint8Array): string {
  let s = '';
  // Control characters and bytes above 0x7e are shown escaped: the line reaches logs and screens.
  for (const b of bytes) s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return s;
}
