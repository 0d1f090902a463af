// A failure in the user's language, from its code and details only: by the gateway's close
// reason when there is one, else by the error's code. Fingerprints, digests and paths come as
// labelled facts; protocol names, the server's own words and our English log text only in the
// technical details. Nothing of `message` (English, for logs) is put into a sentence.
import { t, type MessageKey } from './index.ts';
import { CATALOGUES } from './catalogue/index.ts';
import { escapeControls } from '../../../core/text/control-chars.ts';

export interface ErrorFact {
  label: string;
  value: string;
}

export interface TechnicalDetail {
  text: string;
  /** Our own English text (log message): marked as English for screen readers. */
  english?: boolean;
}

export interface ErrorView {
  code: string;
  text: string;
  facts: ErrorFact[];
  technical: TechnicalDetail[];
}

/** What an error needs to be worded: a code and its details (a WireError, a key job reply, a core error). */
export interface CodedError {
  code: string;
  message?: string;
  details?: Record<string, unknown> | undefined;
}

const KNOWN = new Set(Object.keys(CATALOGUES.errors.en));

function text(v: unknown): string {
  return Array.isArray(v) ? v.join(', ') : v === undefined || v === null ? '' : String(v);
}

function fact(label: MessageKey, v: unknown): ErrorFact[] {
  const value = text(v);
  return value ? [{ label: t(label), value }] : [];
}

function bytesFact(label: MessageKey, v: unknown): ErrorFact[] {
  return typeof v === 'number' ? [{ label: t(label), value: t('common.bytes', { n: v }) }] : [];
}

const NEGOTIATION = new Set(['no-common-kex', 'no-common-host-key', 'no-common-cipher', 'no-common-mac']);
/** Codes whose English message says more than the translated text and helps the help desk. */
const MESSAGE_IS_TECHNICAL = new Set(['error', 'protocol-error', 'unsupported', 'malformed', 'key-job-failed', 'worker-failed', 'digest-coverage']);

function gatewayKey(error: CodedError): MessageKey | undefined {
  const d = error.details ?? {};
  const reason = typeof d.reason === 'string' ? d.reason : undefined;
  if (reason && KNOWN.has(`gateway.${reason}`)) return `gateway.${reason}` as MessageKey;
  // The WebSocket to the gateway itself never opened (network down, gateway stopped, wrong origin).
  if (error.code === 'connection-refused' && d.closeCode === 1006) return 'gateway.unreachable';
  return undefined;
}

export function errorView(error: CodedError): ErrorView {
  const d = error.details ?? {};
  const byGateway = gatewayKey(error);
  const key = byGateway ?? (KNOWN.has(`error.${error.code}`) ? (`error.${error.code}` as MessageKey) : 'error.error');
  const facts: ErrorFact[] = [];
  const technical: TechnicalDetail[] = [];
  switch (byGateway ? '' : error.code) {
    case 'host-key-changed':
      facts.push(...fact('error.fact.shown', d.fingerprint && `${text(d.algorithm)} ${text(d.fingerprint)}`.trim()), ...fact('error.fact.expected', d.pinned));
      break;
    case 'host-key-not-published':
      facts.push(...fact('error.fact.shown', d.fingerprint && `${text(d.algorithm)} ${text(d.fingerprint)}`.trim()), ...fact('error.fact.expected', d.published));
      break;
    case 'host-key-rejected':
      facts.push(...fact('error.fact.shown', d.fingerprint && `${text(d.algorithm)} ${text(d.fingerprint)}`.trim()));
      break;
    case 'host-key-changed-on-reconnect':
      facts.push(...fact('error.fact.shown', d.after), ...fact('error.fact.expected', d.before));
      break;
    case 'local-sidecar-mismatch':
      facts.push(...fact('error.fact.sidecar', d.expected), ...fact('error.fact.local', d.actual));
      break;
    case 'read-back-mismatch':
      facts.push(...fact('error.fact.remote', d.actual), ...fact('error.fact.local', d.expected));
      break;
    case 'size-mismatch':
    case 'download-oversize':
    case 'download-short':
      facts.push(...bytesFact('error.fact.sizeExpected', d.expectedBytes), ...bytesFact('error.fact.sizeActual', d.actualBytes));
      break;
  }
  if (NEGOTIATION.has(error.code) && (d.server !== undefined || d.client !== undefined)) {
    technical.push({ text: t('error.tech.offers', { server: text(d.server) || '—', client: text(d.client) || '—' }) });
  }
  if (typeof d.serverMessage === 'string' && d.serverMessage.trim()) technical.push({ text: t('error.tech.serverSaid', { message: escapeControls(d.serverMessage.trim()) }) });
  if (key === 'error.error' || (MESSAGE_IS_TECHNICAL.has(error.code) && !byGateway)) {
    if (error.message) technical.push({ text: error.message, english: true });
  }
  return { code: error.code, text: t(key, { target: text(d.target) }), facts, technical };
}

/** The same as one line of text, for places that show plain text (notifications, a status line). */
export function describeError(error: CodedError): string {
  const v = errorView(error);
  return [v.text, ...v.facts.map((f) => `${t('common.labelValue', { label: f.label, value: f.value })}.`)].join(' ');
}
