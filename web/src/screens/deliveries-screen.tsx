// Deliveries: every delivery made from this browser, kept as it went (a log-out, a reload or a
// closed tab loses none): when, where, which files, how it ended; reopen its receipt, save it as
// JSON, print it, or delete it from this browser.
import { useEffect, useRef, useState } from 'preact/hooks';
import { announce } from '../components/announcer.tsx';
import { askQuestion, QuestionDialogHost } from '../components/deliver/question-dialog.tsx';
import { moveFocus } from '../components/focus.ts';
import { historyRecords, liveRuns, refreshHistory, watchHistory } from '../components/deliver/history-signals.ts';
import { receiptCounts, ReceiptView, saveReceipt } from '../components/deliver/receipt-view.tsx';
import { isInterrupted } from '../components/deliver/resume-match.ts';
import { formatDateTime, t } from '../i18n/index.ts';
import { deleteRecord, type DeliveryRecord } from '../services/delivery-history.ts';
import { receiptOf } from '../services/record-receipt.ts';

function statusOf(r: DeliveryRecord, live: ReadonlySet<string>): { kind: 'running' | 'interrupted' | 'ended'; text: string } {
  if (live.has(r.id)) return { kind: 'running', text: t('history.running') };
  if (isInterrupted(r, live)) return { kind: 'interrupted', text: t('history.interrupted') };
  return { kind: 'ended', text: receiptCounts(receiptOf(r)) };
}

function fileNames(r: DeliveryRecord): string {
  const names = r.files.map((f) => f.name);
  return names.length <= 3 ? names.join(', ') : t('history.moreFiles', { names: names.slice(0, 3).join(', '), n: names.length - 3 });
}

export function DeliveriesScreen() {
  useEffect(() => watchHistory(), []);
  const records = historyRecords.value;
  const live = liveRuns.value;
  const [openId, setOpenId] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const opened = records?.find((r) => r.id === openId) ?? null;
  const receiptRef = useRef<HTMLDivElement>(null);
  const noticeRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (openId) moveFocus(receiptRef.current?.querySelector('h3'));
  }, [openId]);
  useEffect(() => {
    if (!notice) return;
    moveFocus(noticeRef.current);
    announce(notice);
  }, [notice]);

  const remove = async (r: DeliveryRecord) => {
    const answer = await askQuestion({
      testId: 'history-delete-dialog',
      message: t('history.deleteQuestion', { when: formatDateTime(new Date(r.startedAt)), server: r.server.label }),
      choices: [{ value: 'delete', label: t('history.delete'), style: 'danger' }, { value: 'cancel', label: t('common.cancel'), safe: true }],
    });
    if (answer?.choice !== 'delete') return;
    await deleteRecord(r.id);
    if (openId === r.id) setOpenId(null);
    await refreshHistory();
    setNotice(t('history.deleted', { when: formatDateTime(new Date(r.startedAt)) }));
  };

  return (
    <section class="screen" data-testid="deliveries-screen">
      <h2>{t('nav.deliveries')}</h2>
      <p>{t('history.intro')}</p>
      {notice && <p ref={noticeRef} class="success" data-testid="history-notice">{notice}</p>}
      {records && records.length === 0 && <p class="empty" data-testid="history-empty">{t('history.empty')}</p>}
      {records && records.length > 0 && (
        <table class="files" data-testid="history-table">
          <caption class="visually-hidden">{t('nav.deliveries')}</caption>
          <thead>
            <tr><th>{t('history.when')}</th><th>{t('history.where')}</th><th>{t('history.files')}</th><th>{t('common.status')}</th><th><span class="visually-hidden">{t('common.actions')}</span></th></tr>
          </thead>
          <tbody>
            {records.map((r) => {
              const status = statusOf(r, live);
              const label = `${formatDateTime(new Date(r.startedAt))}, ${r.server.label}`;
              return (
                <tr key={r.id} data-testid="history-row" data-run={r.id} data-status={status.kind} aria-current={r.id === openId ? 'true' : undefined}>
                  <td class="nowrap">{formatDateTime(new Date(r.startedAt))}</td>
                  <td>{r.server.label}<br /><span class="hint mono">{r.user} · {r.folder || '/'}</span></td>
                  <td>{t('history.fileCount', { n: r.files.length })}<br /><span class="hint">{fileNames(r)}</span></td>
                  <td data-testid="history-status">{status.text}</td>
                  <td class="row-actions">
                    <button type="button" data-testid="history-open" aria-label={`${t('history.open')}: ${label}`} onClick={() => setOpenId(r.id)}>{t('history.open')}</button>
                    <button type="button" data-testid="history-json" aria-label={`${t('receipt.saveJson')}: ${label}`} onClick={() => saveReceipt(receiptOf(r))}>{t('history.json')}</button>
                    <button type="button" class="danger" data-testid="history-delete" disabled={status.kind === 'running'} aria-label={`${t('history.delete')}: ${label}`} onClick={() => void remove(r)}>{t('history.delete')}</button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {opened && (
        <div ref={receiptRef} data-testid="history-receipt">
          <ReceiptView receipt={receiptOf(opened)} />
        </div>
      )}
      <QuestionDialogHost />
    </section>
  );
}
