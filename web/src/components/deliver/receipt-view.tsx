// The delivery receipt: shown, saved as JSON, or printed (print CSS shows only the receipt). Only
// delivered files are listed as on the server; every other file says how it ended and why.
import type { DeliveryReceipt, ReceiptFile } from '../../../../core/delivery/receipt.ts';
import { receiptJson } from '../../../../core/delivery/receipt.ts';
import { BUILTIN_PROFILES } from '../../../../core/delivery/builtin-profiles.ts';
import { formatBytes, formatDateTime, t } from '../../i18n/index.ts';
import { profileLabel } from '../../i18n/profile-label.ts';
import { downloadBlob } from '../../services/sidecar-output.ts';
import { ErrorMessage } from '../error-message.tsx';
import { LongValue } from '../long-value.tsx';

/** A remote path that may wrap after each "/" rather than in the middle of a name. */
function wrappable(path: string) {
  return path.split('/').map((part, i, all) => (i < all.length - 1 ? <>{part}/<wbr /></> : part));
}

const when = (iso?: string) => (iso ? formatDateTime(new Date(iso)) : '—');

export function receiptFileName(receipt: DeliveryReceipt): string {
  return `receipt-${receipt.startedAt.replace(/[:.]/g, '-')}.json`;
}

export function saveReceipt(receipt: DeliveryReceipt): void {
  downloadBlob(receiptFileName(receipt), new Blob([receiptJson(receipt)], { type: 'application/json' }));
}

/** The receipt's counts of each outcome, in words. */
export function receiptCounts(receipt: DeliveryReceipt): string {
  const n = (s: ReceiptFile['status']) => receipt.files.filter((f) => f.status === s).length;
  return t('queue.outcome', { delivered: n('delivered'), failed: n('failed'), skipped: n('skipped'), cancelled: n('cancelled') });
}

function Outcome({ f }: { f: ReceiptFile }) {
  const notes = [
    f.verifiedByReadBack ? t('receipt.verified') : '',
    f.resumedFrom ? t(f.resumeProof === 'read-back' ? 'receipt.resumedChecked' : 'queue.resumed', { bytes: formatBytes(f.resumedFrom) }) : '',
    f.restartedFromZero ? t('receipt.restarted') : '',
    f.writtenDirectly ? t('receipt.direct') : '',
  ].filter(Boolean);
  return (
    <>
      {/* A snapshot taken while the run goes on calls a file under way `pending`. */}
      {t(`queue.state.${f.status === 'pending' ? 'sending' : f.status}`)}
      {notes.map((n) => ` · ${n}`).join('')}
      {f.status === 'failed' && f.errorCode ? <ErrorMessage error={{ code: f.errorCode, details: f.errorDetails ?? {} }} variant="inline" /> : null}
    </>
  );
}

/** The server as named now, in the user's language (a built-in profile's name is translated), and its target id once. */
function serverName(receipt: DeliveryReceipt): string {
  const { profileId, label, targetId } = receipt.server;
  const name = profileLabel({ id: profileId, label, builtIn: BUILTIN_PROFILES.some((p) => p.id === profileId) });
  return name === targetId ? name : `${name} · ${targetId}`;
}

export function ReceiptView({ receipt }: { receipt: DeliveryReceipt }) {
  return (
    <section class="panel receipt" data-testid="receipt">
      <p class="print-only">{t('app.title')}</p>
      <h3>{t('receipt.title')}</h3>
      <div class="actions no-print">
        <button type="button" class="primary" data-testid="receipt-json" onClick={() => saveReceipt(receipt)}>{t('receipt.saveJson')}</button>
        <button type="button" data-testid="receipt-print" onClick={() => window.print()}>{t('receipt.print')}</button>
      </div>
      <dl class="receipt-facts">
        <dt>{t('receipt.server')}</dt><dd>{serverName(receipt)}</dd>
        <dt>{t('receipt.hostKey')}</dt><dd class="mono">{receipt.server.hostKeyAlgorithm ?? ''} <LongValue value={receipt.server.hostKeyFingerprint} /></dd>
        <dt>{t('receipt.user')}</dt><dd>{receipt.user}</dd>
        <dt>{t('receipt.started')}</dt><dd>{when(receipt.startedAt)}</dd>
        <dt>{t('receipt.finished')}</dt><dd>{when(receipt.finishedAt)}</dd>
        <dt>{t('receipt.result')}</dt><dd data-testid="receipt-counts">{receiptCounts(receipt)}</dd>
      </dl>
      <table class="files">
        <thead>
          <tr>
            <th>{t('receipt.file')}</th>
            <th class="num">{t('common.size')}</th>
            <th>{t('common.sha1')}</th>
            <th>{t('receipt.remote')}</th>
            <th>{t('common.status')}</th>
          </tr>
        </thead>
        <tbody>
          {receipt.files.map((f) => (
            <tr key={`${f.remotePath}:${f.status}`} data-testid="receipt-row" data-status={f.status} data-name={f.name}>
              <td class="name">{f.name}</td>
              <td class="num">{formatBytes(f.size)}</td>
              <td class="digest">{f.status === 'delivered' ? <LongValue value={f.sha1} /> : ''}</td>
              {/* Only what is on the server is listed as on the server. */}
              <td class="mono" data-testid="receipt-remote">{f.status === 'delivered' ? <>{wrappable(f.remotePath)}{f.sidecarPath ? <><br />{wrappable(f.sidecarPath)}</> : null}</> : '—'}</td>
              <td><Outcome f={f} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
