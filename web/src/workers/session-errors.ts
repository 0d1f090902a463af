// Failures of the session worker itself (not of SSH or SFTP underneath) and how any failure
// crosses to the UI: a code, typed details and whether it is transient, decided where it is made.
import type { WireError } from './session-protocol.ts';

export type SessionFailureCode = 'no-connection' | 'password-expired' | 'unknown-run';

export class SessionFailure extends Error {
  constructor(readonly code: SessionFailureCode, message: string, readonly details: Record<string, unknown> = {}, readonly transient = false) {
    super(message);
    this.name = 'SessionFailure';
  }
}

/** A failure as the UI needs it: the code, the details and whether it is transient, as the error was made. */
export function toWireError(err: unknown): WireError {
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; message?: unknown; details?: unknown; serverMessage?: unknown; transient?: unknown };
    const details: Record<string, unknown> = typeof e.details === 'object' && e.details !== null ? { ...(e.details as Record<string, unknown>) } : {};
    if (typeof e.serverMessage === 'string') details.serverMessage = e.serverMessage;
    const wire: WireError = { code: typeof e.code === 'string' ? e.code : 'error', message: typeof e.message === 'string' ? e.message : String(err), details };
    if (typeof e.transient === 'boolean') wire.transient = e.transient;
    return wire;
  }
  return { code: 'error', message: String(err) };
}
