// A worker's WireError in the user's language: by the gateway's close reason when there is one,
// else by the error's stable code, else the English text we were given.
import type { WireError } from '../workers/session-protocol.ts';
import { t, type MessageKey } from './index.ts';
import { CATALOGUES } from './catalogue/index.ts';

const KNOWN = new Set(Object.keys(CATALOGUES.errors.en));

function text(v: unknown): string {
  return Array.isArray(v) ? v.join(', ') : v === undefined || v === null ? '' : String(v);
}

export function describeError(error: WireError): string {
  const d = error.details ?? {};
  const reason = typeof d.reason === 'string' ? d.reason : undefined;
  if (reason && KNOWN.has(`gateway.${reason}`)) return t(`gateway.${reason}` as MessageKey, { target: text(d.target) });
  // The WebSocket to the gateway itself never opened (network down, gateway stopped, wrong origin).
  if (error.code === 'connection-refused' && d.closeCode === 1006) return t('gateway.unreachable');
  const key = `error.${error.code}`;
  if (KNOWN.has(key)) {
    return t(key as MessageKey, {
      server: text(d.server), client: text(d.client), fingerprint: text(d.fingerprint), expected: text(d.pinned),
      serverMessage: d.serverMessage ? `: “${text(d.serverMessage)}”` : '', message: error.message, target: text(d.target),
    });
  }
  return t('error.error', { message: error.message });
}
