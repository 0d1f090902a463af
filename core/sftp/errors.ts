// Every failure of the SFTP layer is an SftpError with a stable `code` (for i18n later) and a plain
// English message; the server's own text, when there is one, is kept apart in `serverMessage`.
import { FX } from './constants.ts';

export type SftpErrorCode =
  // The SSH_FX_* status codes a server can answer with.
  | 'no-such-file'
  | 'permission-denied'
  | 'failure'
  | 'bad-message'
  | 'no-connection'
  | 'connection-lost'
  | 'op-unsupported'
  // Raised by this client.
  | 'protocol-error'
  | 'session-closed'
  | 'cancelled'
  | 'target-exists'
  | 'rename-not-permitted'
  | 'size-mismatch'
  | 'source-too-short'
  | 'file-too-large'
  | 'download-oversize'
  | 'download-short';

const MESSAGES: Record<SftpErrorCode, string> = {
  'no-such-file': 'No such file or folder on the server.',
  'permission-denied': 'The server refused: permission denied.',
  failure: 'The server reported a failure.',
  'bad-message': 'The server did not understand a request (bad message).',
  'no-connection': 'There is no connection to the server.',
  'connection-lost': 'The connection to the server was lost.',
  'op-unsupported': 'The server does not support this operation.',
  'protocol-error': 'The server sent a malformed or unexpected SFTP packet; the session was closed.',
  'session-closed': 'The SFTP session is closed.',
  cancelled: 'The transfer was cancelled.',
  'target-exists': 'A file with that name already exists on the server; it was not overwritten.',
  'rename-not-permitted': 'The server does not allow renaming the uploaded file into place; upload directly under the final name instead.',
  'size-mismatch': 'The file on the server does not have the size that was sent.',
  'source-too-short': 'The local file ended before the resume point: it changed since the partial upload.',
  'file-too-large': 'The file on the server is larger than expected.',
  'download-oversize': 'The server sent more bytes than the size it announced for the file; the download was stopped.',
  'download-short': 'The server sent fewer bytes than the size it announced for the file.',
};

/** Codes that say the session or connection broke: another attempt on a new connection may succeed. */
const TRANSIENT: ReadonlySet<SftpErrorCode> = new Set(['no-connection', 'connection-lost', 'session-closed']);

export interface SftpErrorDetails {
  path?: string;
  serverMessage?: string;
  /** The SSH_FX_* number, when the error came from a status reply. */
  status?: number;
  expectedBytes?: number;
  actualBytes?: number;
  cause?: unknown;
}

export class SftpError extends Error {
  readonly code: SftpErrorCode;
  readonly path?: string;
  readonly serverMessage?: string;
  readonly status?: number;
  /** The announced and actual sizes, for download-oversize / download-short / size-mismatch. */
  readonly expectedBytes?: number;
  readonly actualBytes?: number;

  constructor(code: SftpErrorCode, detail?: string, details: SftpErrorDetails = {}) {
    const base = MESSAGES[code];
    const parts = [base];
    if (details.path !== undefined) parts.push(`(${details.path})`);
    if (detail) parts.push(detail);
    super(parts.join(' '), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'SftpError';
    this.code = code;
    if (details.path !== undefined) this.path = details.path;
    if (details.serverMessage !== undefined) this.serverMessage = details.serverMessage;
    if (details.status !== undefined) this.status = details.status;
    if (details.expectedBytes !== undefined) this.expectedBytes = details.expectedBytes;
    if (details.actualBytes !== undefined) this.actualBytes = details.actualBytes;
  }

  /** Worth another attempt on a fresh connection (decided by the code, where the error is made). */
  get transient(): boolean {
    return TRANSIENT.has(this.code);
  }
}

export function isSftpError(err: unknown, code?: SftpErrorCode): err is SftpError {
  return err instanceof SftpError && (code === undefined || err.code === code);
}

const STATUS_CODES: Record<number, SftpErrorCode> = {
  [FX.NO_SUCH_FILE]: 'no-such-file',
  [FX.PERMISSION_DENIED]: 'permission-denied',
  [FX.FAILURE]: 'failure',
  [FX.BAD_MESSAGE]: 'bad-message',
  [FX.NO_CONNECTION]: 'no-connection',
  [FX.CONNECTION_LOST]: 'connection-lost',
  [FX.OP_UNSUPPORTED]: 'op-unsupported',
};

const GENERIC_SERVER_TEXTS = new Set(['success', 'end of file', 'no such file', 'permission denied', 'failure', 'bad message', 'no connection', 'connection lost', 'operation unsupported', 'unknown error']);

/** The error for a non-OK, non-EOF SSH_FXP_STATUS reply. Unknown codes count as 'failure'. */
export function statusError(status: number, serverMessage: string, path?: string): SftpError {
  const code = STATUS_CODES[status] ?? 'failure';
  // OpenSSH's texts only restate the code ("No such file"): show the server's words when they add something.
  const shown = serverMessage && !GENERIC_SERVER_TEXTS.has(serverMessage.toLowerCase()) ? `Server said: "${serverMessage}".` : undefined;
  const details: SftpErrorDetails = { status, serverMessage };
  if (path !== undefined) details.path = path;
  return new SftpError(code, shown, details);
}

export function protocolError(detail: string): SftpError {
  return new SftpError('protocol-error', detail);
}
