// Typed SSH failures. Each has a stable `code` (the UI translates by code), structured `details`
// for the message parameters, `transient` (worth a reconnect) decided here where the error is
// made, and an English message for logs and the CLI. Messages are rendered from the details,
// never parsed back.
import { DISCONNECT } from './messages.ts';

export type SshErrorCode =
  | 'host-key-changed'
  | 'host-key-not-published'
  | 'host-key-rejected'
  | 'key-refused'
  | 'key-algorithm-unsupported'
  | 'wrong-password'
  | 'password-expired'
  | 'auth-failed'
  | 'auth-cancelled'
  | 'no-common-kex'
  | 'no-common-host-key'
  | 'no-common-cipher'
  | 'no-common-mac'
  | 'connection-refused'
  | 'connection-lost'
  | 'timeout'
  | 'protocol-error'
  | 'channel-refused'
  | 'gateway-refused';

export type SshErrorDetails = Record<string, string | number | boolean | string[] | undefined>;

export interface SshErrorOptions {
  cause?: unknown;
  /** Overrides the class's rule, e.g. a gateway refusal that is only a busy gateway. */
  transient?: boolean;
}

export class SshError extends Error {
  /** A reconnect may succeed (connection lost, timeout); false for refusals that will repeat. */
  readonly transient: boolean;

  constructor(
    readonly code: SshErrorCode,
    message: string,
    readonly details: SshErrorDetails = {},
    options?: SshErrorOptions,
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SshError';
    this.transient = options?.transient ?? false;
  }
}

/** The server's host key differs from the pinned one: a hard stop, never a question. */
export class HostKeyChangedError extends SshError {
  declare readonly details: { host: string; algorithm: string; fingerprint: string; pinned: string[] };
  constructor(details: { host: string; algorithm: string; fingerprint: string; pinned: string[] }) {
    super(
      'host-key-changed',
      `the host key of ${details.host} has CHANGED (${details.algorithm} ${details.fingerprint}, expected ${details.pinned.join(' or ')}). ` +
        'Either the server was reinstalled or re-keyed, or someone is intercepting the connection. ' +
        'Nothing was sent. Ask the server operator for the new fingerprint before connecting again.',
      details,
    );
    this.name = 'HostKeyChangedError';
  }
}

/**
 * The server shows the key the user trusted earlier, but the operator now publishes another
 * fingerprint: the published one wins, so this is a hard stop too (the earlier trust may have been
 * given to an impostor, or the server was re-keyed and the old key is compromised).
 */
export class HostKeyNotPublishedError extends SshError {
  constructor(details: { host: string; algorithm: string; fingerprint: string; published: string[] }) {
    super(
      'host-key-not-published',
      `the host key of ${details.host} (${details.algorithm} ${details.fingerprint}) is the one trusted earlier on this computer, ` +
        `but the operator publishes ${details.published.join(' or ')}. The published fingerprint wins: nothing was sent. ` +
        'Ask the server operator which key is right before connecting again.',
      details,
    );
    this.name = 'HostKeyNotPublishedError';
  }
}

/** The user (or the policy) declined an unknown host key. */
export class HostKeyRejectedError extends SshError {
  declare readonly details: { host: string; algorithm: string; fingerprint: string };
  constructor(details: { host: string; algorithm: string; fingerprint: string }) {
    super('host-key-rejected', `the host key of ${details.host} (${details.algorithm} ${details.fingerprint}) was not trusted; connection closed`, details);
    this.name = 'HostKeyRejectedError';
  }
}

export type AuthenticationCode = 'key-refused' | 'key-algorithm-unsupported' | 'wrong-password' | 'password-expired' | 'auth-failed' | 'auth-cancelled';

export interface AuthenticationDetails extends SshErrorDetails {
  user?: string;
  where?: string;
  /** What the server's last USERAUTH_FAILURE said may continue. */
  serverMethods?: string[];
  /** Signature algorithms we signed (or offered) with, in order, for a key. */
  triedAlgorithms?: string[];
  /** The server's RFC 8308 server-sig-algs, if it sent them. */
  serverSigAlgs?: string[];
}

export class AuthenticationError extends SshError {
  declare readonly code: AuthenticationCode;
  declare readonly details: AuthenticationDetails;
  constructor(code: AuthenticationCode, message: string, details: AuthenticationDetails = {}) {
    super(code, message, details);
    this.name = 'AuthenticationError';
  }
}

export type NegotiationKind = 'kex' | 'host-key' | 'cipher' | 'mac';

const NEGOTIATION: Record<NegotiationKind, { code: 'no-common-kex' | 'no-common-host-key' | 'no-common-cipher' | 'no-common-mac'; what: string }> = {
  kex: { code: 'no-common-kex', what: 'key exchange' },
  'host-key': { code: 'no-common-host-key', what: 'host key type' },
  cipher: { code: 'no-common-cipher', what: 'cipher' },
  mac: { code: 'no-common-mac', what: 'MAC' },
};

/** Client and server share no algorithm of one kind. `theirs` and `ours` are real algorithms only (no signals). */
export class NegotiationError extends SshError {
  declare readonly details: { what: string; server: string[]; client: string[] };
  constructor(
    readonly kind: NegotiationKind,
    readonly theirs: readonly string[],
    readonly ours: readonly string[],
  ) {
    const { code, what } = NEGOTIATION[kind];
    super(code, `no common ${what}: the server offers ${theirs.join(', ') || '(nothing)'}, we offer ${ours.join(', ')}`, { what, server: [...theirs], client: [...ours] });
    this.name = 'NegotiationError';
  }
}

export type ConnectionCode = 'connection-refused' | 'connection-lost' | 'timeout' | 'gateway-refused';

export class SshConnectionError extends SshError {
  declare readonly code: ConnectionCode;
  constructor(code: ConnectionCode, message: string, details: SshErrorDetails = {}, options?: SshErrorOptions) {
    // A gateway refusal (unknown target, forbidden address) repeats; the rest may not.
    super(code, message, details, { ...options, transient: options?.transient ?? code !== 'gateway-refused' });
    this.name = 'SshConnectionError';
  }
}

/** The peer broke the protocol: a malformed, unexpected or forged packet. */
export class SshProtocolError extends SshError {
  constructor(message: string, details: SshErrorDetails = {}, options?: SshErrorOptions) {
    super('protocol-error', `SSH protocol error: ${message}`, details, options);
    this.name = 'SshProtocolError';
  }
}

/**
 * The DISCONNECT reason (RFC 4253 §11.1) an error is sent with: what kind of failure it is, or
 * the reason it carries (a packet error names its own, e.g. MAC_ERROR).
 */
export function disconnectReasonFor(error: SshError): number {
  if (error instanceof NegotiationError) return DISCONNECT.KEY_EXCHANGE_FAILED;
  if (error instanceof HostKeyChangedError || error instanceof HostKeyRejectedError) return DISCONNECT.HOST_KEY_NOT_VERIFIABLE;
  if (error instanceof AuthenticationError) {
    return error.code === 'auth-cancelled' || error.code === 'password-expired' ? DISCONNECT.AUTH_CANCELLED_BY_USER : DISCONNECT.NO_MORE_AUTH_METHODS_AVAILABLE;
  }
  return typeof error.details.reason === 'number' ? error.details.reason : DISCONNECT.PROTOCOL_ERROR;
}
