// Turns what dev-tunnels-ssh throws or reports on close into our typed errors.
import { SshConnectionError as LibraryConnectionError, SshDisconnectReason } from '@microsoft/dev-tunnels-ssh';
import { NegotiationError, SshConnectionError, SshError, SshProtocolError, type NegotiationKind } from './errors.ts';

const NEGOTIATION = /Failed (\w+) negotiation: Server \(([^)]*)\) Client \(([^)]*)\)/;

const KINDS: Record<string, NegotiationKind> = {
  KeyExchange: 'kex',
  PublicKey: 'host-key',
  ClientEncryption: 'cipher',
  ServerEncryption: 'cipher',
  ClientHmac: 'mac',
  ServerHmac: 'mac',
};

const SIGNALS = /^(ext-info-[cs]|kex-strict-[cs]-v00@openssh\.com)$/;

function list(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x && !SIGNALS.test(x));
}

/** Maps any error seen while connecting or running the session; `where` names the peer. */
export function mapSshError(e: unknown, where: string): SshError {
  if (e instanceof SshError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const neg = NEGOTIATION.exec(message);
  if (neg) {
    const kind = KINDS[neg[1]!];
    if (kind) return new NegotiationError(kind, list(neg[2]!), list(neg[3]!));
  }
  if (e instanceof LibraryConnectionError) {
    switch (e.reason) {
      case SshDisconnectReason.connectionLost:
        return new SshConnectionError('connection-lost', `the connection to ${where} was cut`, { where }, { cause: e });
      case SshDisconnectReason.macError:
        return new SshProtocolError(`a packet from ${where} failed its integrity check (corrupted or tampered)`, { where }, { cause: e });
      case SshDisconnectReason.hostKeyNotVerifiable:
        return new SshProtocolError(`the server's host-key signature is invalid: ${message}`, { where }, { cause: e });
      default:
        return new SshProtocolError(message, { where, reason: e.reason }, { cause: e });
    }
  }
  return new SshProtocolError(message, { where }, { cause: e });
}

/** What the session's close event says, as a typed error (null when we closed it ourselves). */
export function mapSessionClose(reason: SshDisconnectReason, message: string, error: Error | null, where: string): SshError {
  if (error) return mapSshError(error, where);
  if (reason === SshDisconnectReason.connectionLost) return new SshConnectionError('connection-lost', `the connection to ${where} was cut`, { where });
  return new SshConnectionError('connection-lost', `${where} closed the connection${message ? `: ${message}` : ''} (reason ${SshDisconnectReason[reason] ?? reason})`, { where, reason, serverMessage: message });
}
