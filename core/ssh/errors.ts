// Typed SSH failures. Each has a stable `code` (the UI translates by code), structured `details`
// for the message parameters, and an English message for logs and the CLI.

export type SshErrorCode =
  | 'host-key-changed'
  | 'host-key-not-published'
  | 'host-key-rejected'
  | 'key-refused'
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

export type SshErrorDetails = Record<string, string | number | string[] | undefined>;

/** Failures of the path, not of the peer's answer: a new connection attempt may succeed. */
const TRANSIENT_CODES: ReadonlySet<SshErrorCode> = new Set(['connection-refused', 'connection-lost', 'timeout']);

export class SshError extends Error {
  constructor(
    readonly code: SshErrorCode,
    message: string,
    readonly details: SshErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SshError';
  }

  /** Worth reconnecting for (connection refused or lost, timeout); every other code is permanent. */
  get transient(): boolean {
    return TRANSIENT_CODES.has(this.code);
  }
}

/** The server's host key differs from the pinned one: a hard stop, never a question. */
export class HostKeyChangedError extends SshError {
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
  constructor(details: { host: string; algorithm: string; fingerprint: string }) {
    super('host-key-rejected', `the host key of ${details.host} (${details.algorithm} ${details.fingerprint}) was not trusted; connection closed`, details);
    this.name = 'HostKeyRejectedError';
  }
}

export class AuthenticationError extends SshError {
  constructor(code: 'key-refused' | 'wrong-password' | 'password-expired' | 'auth-failed' | 'auth-cancelled', message: string, details: SshErrorDetails = {}) {
    super(code, message, details);
    this.name = 'AuthenticationError';
  }
}

/** Client and server share no algorithm of one kind. */
export class NegotiationError extends SshError {
  constructor(code: 'no-common-kex' | 'no-common-host-key' | 'no-common-cipher' | 'no-common-mac', what: string, server: string[], client: string[]) {
    super(code, `no common ${what}: the server offers ${server.join(', ') || '(nothing)'}, we offer ${client.join(', ')}`, { what, server, client });
    this.name = 'NegotiationError';
  }
}

export class SshConnectionError extends SshError {
  constructor(code: 'connection-refused' | 'connection-lost' | 'timeout' | 'gateway-refused', message: string, details: SshErrorDetails = {}, options?: { cause?: unknown }) {
    super(code, message, details, options);
    this.name = 'SshConnectionError';
  }
}

/** The peer broke the protocol: a malformed, unexpected or forged packet. */
export class SshProtocolError extends SshError {
  constructor(message: string, details: SshErrorDetails = {}, options?: { cause?: unknown }) {
    super('protocol-error', `SSH protocol error: ${message}`, details, options);
    this.name = 'SshProtocolError';
  }
}
