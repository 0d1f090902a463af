// Failures of the delivery layer itself (not of SSH or SFTP underneath): each has a stable code and
// typed details, so the app words it from its catalogue and the CLI from `message`. None of them
// is transient: another attempt on a new connection would fail the same way.

export interface DeliveryErrorDetails {
  /** A local X.hash does not match X: nothing was sent. */
  'local-sidecar-mismatch': { fileName: string; expected: string; actual: string };
  /** A local X.hash holds no digest we can read. */
  'local-sidecar-unreadable': { fileName: string };
  /** X read back from the server has another SHA-1 (or size) than the local file. */
  'read-back-mismatch': { path: string; expected: string; actual: string };
  /** Read-back verification was asked for, but the server does not let us read X (a drop box). */
  'read-back-refused': { path: string };
  /** The SHA-1 computed does not cover exactly the bytes the server holds: it proves nothing. */
  'digest-coverage': { path: string; hashedBytes: number; serverBytes: number; localBytes: number };
  /** After reconnecting, the server showed another host key than at the start of the run. */
  'host-key-changed-on-reconnect': { before: string; after: string };
  /** X exists on the server and the run was told not to touch existing files (CLI `--existing fail`). */
  'exists-not-replaced': { path: string };
}

export type DeliveryErrorCode = keyof DeliveryErrorDetails;

const MESSAGES: { [C in DeliveryErrorCode]: (d: DeliveryErrorDetails[C]) => string } = {
  'local-sidecar-mismatch': (d) => `${d.fileName}.hash says ${d.expected} but the file's SHA-1 is ${d.actual}: nothing was sent.`,
  'local-sidecar-unreadable': (d) => `${d.fileName}.hash holds no SHA-1 or SHA-256 digest: nothing was sent.`,
  'read-back-mismatch': (d) => `${d.path} on the server has SHA-1 ${d.actual}, the local file ${d.expected}.`,
  'read-back-refused': (d) => `${d.path} cannot be read back from the server (no read permission), so it could not be verified.`,
  'digest-coverage': (d) => `${d.path}: the SHA-1 covers ${d.hashedBytes} bytes, the server holds ${d.serverBytes}, the local file has ${d.localBytes}; not called delivered.`,
  'host-key-changed-on-reconnect': (d) => `the server presented another host key after reconnecting (${d.after}, before ${d.before})`,
  'exists-not-replaced': (d) => `${d.path} already exists on the server (use --existing skip, overwrite or keep-both)`,
};

export class DeliveryError<C extends DeliveryErrorCode = DeliveryErrorCode> extends Error {
  readonly transient = false;
  constructor(readonly code: C, readonly details: DeliveryErrorDetails[C]) {
    super(MESSAGES[code](details));
    this.name = 'DeliveryError';
  }
}

export function isDeliveryError<C extends DeliveryErrorCode>(err: unknown, code?: C): err is DeliveryError<C> {
  return err instanceof DeliveryError && (code === undefined || err.code === code);
}
