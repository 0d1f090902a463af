// The delivery receipt: shown, saved as JSON, or printed (print CSS shows only the receipt).
import type { DeliveryReceipt } from '../../../../core/delivery/receipt.ts';
import { receiptJson } from '../../../../core/delivery/receipt.ts';
import { formatBytes, formatDateTime, t } from '../../i18n/index.ts';
import { downloadBlob } from '../../services/sidecar-output.ts';

/** A remote path that may wrap after each "/" rather than in the middle of a name. */
function wrappable(path: string) {
  return path.split('/').map((part, i, all) => (i < all.length - 1 ? <>{part}/<wbr /></> : part));
}

const when = (iso?: string) => (iso ? formatDateTime(new Date(iso)) : '—');

export function ReceiptView({ receipt }: { receipt: DeliveryReceipt }) {
  return (
    <section class="panel receipt" data-testid="receipt">
      <p class="print-only">{t('app.title')}</p>
      <h3>{t('receipt.title')}</h3>
      <div class="actions no-print">
        <button type="button" class="primary" data-testid="receipt-json" onClick={() => downloadBlob(`receipt-${receipt.startedAt.replace(/[:.]/g, '-')}.json`, new Blob([receiptJson(receipt)], { type: 'application/json' }))}>
          {t('receipt.saveJson')}
        </button>
        <button type="button" onClick={() => window.print()}>{t('receipt.print')}</button>
      </div>
      <dl class="receipt-facts">
        <dt>{t('receipt.server')}</dt><dd>{receipt.server.label} ({receipt.server.targetId})</dd>
        <dt>{t('receipt.hostKey')}</dt><dd class="mono">{receipt.server.hostKeyAlgorithm ?? ''} {receipt.server.hostKeyFingerprint}</dd>
        <dt>{t('receipt.user')}</dt><dd>{receipt.user}</dd>
        <dt>{t('receipt.started')}</dt><dd>{when(receipt.startedAt)}</dd>
        <dt>{t('receipt.finished')}</dt><dd>{when(receipt.finishedAt)}</dd>
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
            <tr key={f.remotePath} data-testid="receipt-row" data-status={f.status}>
              <td class="name">{f.name}</td>
              <td class="num">{formatBytes(f.size)}</td>
              <td class="digest">{f.sha1}</td>
              <td class="mono">{wrappable(f.remotePath)}{f.sidecarPath ? <><br />{wrappable(f.sidecarPath)}</> : null}</td>
              <td>{t(`queue.state.${f.status}` as 'queue.state.delivered')}{f.verifiedByReadBack ? ` · ${t('receipt.verified')}` : ''}{f.error ? ` · ${f.error}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
