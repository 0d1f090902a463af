// How the gateway ends a relay, as WebSocket close codes and short reason strings. Pure data, so
// the web app can import it and map `reason` (stable, ASCII, never shown raw) to a translated
// message. The browser WebSocket API cannot see HTTP status codes, so the gateway accepts the
// upgrade and then closes with one of these; only a wrong Origin is refused before the upgrade
// (HTTP 403), which the browser reports as a plain failed connection (close code 1006).
//
// 4xxx codes are ours; their last three digits echo the nearest HTTP status to help reading logs.

export interface GatewayCloseCode {
  readonly code: number;
  readonly reason: string;
  /** English explanation for logs, docs and developers; the app translates by `reason`. */
  readonly meaning: string;
}

export const GATEWAY_CLOSE = {
  /** The server ended the TCP connection in an orderly way (e.g. after an SSH disconnect). */
  targetClosed: { code: 1000, reason: 'target-closed', meaning: 'The SFTP server closed the connection.' },
  /** The gateway is shutting down (SIGTERM) and the grace period for live transfers is over. */
  goingAway: { code: 1001, reason: 'gateway-shutdown', meaning: 'The gateway is restarting or shutting down.' },
  /** A text frame arrived: the relay carries binary SSH bytes only. */
  binaryOnly: { code: 1008, reason: 'binary-only', meaning: 'Only binary WebSocket messages are relayed.' },
  /** A message over the size limit (sent by the ws library itself, reason may be empty). */
  messageTooBig: { code: 1009, reason: 'message-too-big', meaning: 'A WebSocket message was larger than the gateway allows.' },
  /** Unexpected failure inside the gateway. */
  internalError: { code: 1011, reason: 'internal-error', meaning: 'The gateway hit an unexpected error.' },

  /** The query names a host or port, or is otherwise malformed: clients name a target id only. */
  badRequest: { code: 4400, reason: 'bad-request', meaning: 'The relay request must name a configured target id and nothing else.' },
  /** The target's name resolves to a loopback, private, link-local or metadata address. */
  targetForbidden: { code: 4403, reason: 'target-forbidden', meaning: 'The target resolves to an address the gateway may not reach.' },
  /** The client's address is in no range of `allowClients` (or of the target's own list). */
  clientNotAllowed: { code: 4406, reason: 'client-not-allowed', meaning: 'This gateway does not accept connections from your network.' },
  /** `requireIdentity` is on and no trusted proxy named the user. */
  signInRequired: { code: 4401, reason: 'sign-in-required', meaning: 'This gateway needs you to sign in (through its proxy) first.' },
  /** Too many relays from this client network ended the way failed logins do: wait (back-off). */
  tooManyAttempts: { code: 4431, reason: 'too-many-attempts', meaning: 'Too many failed login attempts from your network; wait a few minutes.' },
  /** This target gets too many new or failed-looking relays (from all clients together): wait. */
  targetRateLimited: { code: 4432, reason: 'target-rate-limited', meaning: 'Too many connection attempts to this server right now; wait a minute.' },
  /** No target with that id in the gateway's configuration. */
  unknownTarget: { code: 4404, reason: 'unknown-target', meaning: 'The gateway has no target with this id.' },
  /** No data either way for longer than the idle timeout. */
  idleTimeout: { code: 4408, reason: 'idle-timeout', meaning: 'The connection was idle for too long.' },
  /** The session lasted longer than the maximum session length. */
  sessionTooLong: { code: 4409, reason: 'session-too-long', meaning: 'The connection reached the maximum session length.' },
  /** Too many new connections from this address in a short time (token bucket). */
  rateLimited: { code: 4429, reason: 'rate-limited', meaning: 'Too many connection attempts from this address; wait a moment.' },
  /** Too many simultaneous connections from this address. */
  tooManyFromAddress: { code: 4430, reason: 'too-many-per-address', meaning: 'Too many simultaneous connections from this address.' },
  /** Too many simultaneous connections in total. */
  gatewayBusy: { code: 4503, reason: 'gateway-busy', meaning: 'The gateway is at its connection limit; try again later.' },
  /** The target's name did not resolve. */
  targetUnresolvable: { code: 4502, reason: 'target-unresolvable', meaning: "The SFTP server's name could not be resolved." },
  /** TCP connection refused or unreachable. */
  targetUnreachable: { code: 4501, reason: 'target-unreachable', meaning: 'The SFTP server refused or could not be reached.' },
  /** TCP connection not established within the connect timeout. */
  connectTimeout: { code: 4504, reason: 'connect-timeout', meaning: 'The SFTP server did not answer in time.' },
  /** The TCP connection broke mid-stream (reset, network error). */
  targetLost: { code: 4505, reason: 'target-lost', meaning: 'The connection to the SFTP server broke.' },
} as const satisfies Record<string, GatewayCloseCode>;

export type GatewayCloseName = keyof typeof GATEWAY_CLOSE;

/** The entry for a close code seen by the client, if it is one of ours. */
export function describeGatewayClose(code: number, reason: string): GatewayCloseCode | undefined {
  const all: readonly GatewayCloseCode[] = Object.values(GATEWAY_CLOSE);
  return all.find((c) => c.reason === reason) ?? all.find((c) => c.code === code);
}
