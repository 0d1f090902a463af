// What a failed attempt means for a delivery run, decided from the error's own data (its code and
// `transient` flag, set where it was made): reconnect and continue, fail this file, or end the run.
import { SshError } from '../ssh/errors.ts';
import { SftpError } from '../sftp/errors.ts';
import { DeliveryError } from './delivery-error.ts';

export interface DeliveryFailure {
  /** Stable code the app words from its catalogue (`error.<code>`). */
  code: string;
  /** English, for the log, the CLI and the receipt's record. */
  message: string;
  /** Parameters of the message (paths, sizes, algorithm lists, the server's own words). */
  details: Record<string, unknown>;
  /** Another attempt on a new connection may succeed (connection lost, timeout). */
  transient: boolean;
  /** `run`: no other file can succeed either (authentication, host key, no common algorithm, permission…). */
  scope: 'file' | 'run';
  /** Retrying this file, as it is, can help. */
  retryable: boolean;
}

/** SFTP answers that no other file of this run would escape. */
const RUN_WIDE_SFTP = new Set(['permission-denied', 'no-such-file', 'protocol-error', 'op-unsupported']);

/** Failures a plain retry of the same file cannot fix: the user must change something first. */
const NOT_RETRYABLE = new Set(['local-sidecar-mismatch', 'local-sidecar-unreadable', 'exists-not-replaced', 'target-exists', 'read-back-refused']);

export function classifyFailure(err: unknown): DeliveryFailure {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof SshError) {
    return { code: err.code, message, details: { ...err.details }, transient: err.transient, scope: err.transient ? 'file' : 'run', retryable: err.transient };
  }
  if (err instanceof SftpError) {
    const details: Record<string, unknown> = {};
    if (err.path !== undefined) details.path = err.path;
    if (err.serverMessage !== undefined) details.serverMessage = err.serverMessage;
    if (err.expectedBytes !== undefined) details.expectedBytes = err.expectedBytes;
    if (err.actualBytes !== undefined) details.actualBytes = err.actualBytes;
    const scope = !err.transient && RUN_WIDE_SFTP.has(err.code) ? 'run' : 'file';
    return { code: err.code, message, details, transient: err.transient, scope, retryable: err.transient || (scope === 'file' && !NOT_RETRYABLE.has(err.code)) };
  }
  if (err instanceof DeliveryError) {
    const scope = err.code === 'host-key-changed-on-reconnect' ? 'run' : 'file';
    return { code: err.code, message, details: { ...err.details }, transient: false, scope, retryable: scope === 'file' && !NOT_RETRYABLE.has(err.code) };
  }
  // A local read error (file moved or changed on disk in the browser, EACCES in Node) or a bug.
  const code = typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'error';
  return { code, message, details: {}, transient: false, scope: 'file', retryable: true };
}
