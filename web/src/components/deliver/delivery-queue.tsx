// The queue of one delivery run: total and per-file progress, speed, time left, and how each file
// ended — delivered, skipped, failed (with the reason) or cancelled — with a retry only where a
// retry can help. Cancelling a file that is being sent asks whether to keep its unfinished upload.
import { useEffect, useState } from 'preact/hooks';
import { formatBytes, t } from '../../i18n/index.ts';
import { rateParts } from '../../i18n/progress-text.ts';
import { cancelDelivery, queues } from '../../services/session-client.ts';
import { isSending, isUnderWay, type QueueItemView } from '../../workers/session-protocol.ts';
import { announce } from '../announcer.tsx';
import { ErrorMessage } from '../error-message.tsx';
import { useFocusOn } from '../focus.ts';
import { ProgressBar } from '../progress-bar.tsx';
import { askQuestion } from './question-dialog.tsx';
import { retryItem, type CurrentRun } from './run-state.ts';

/** Stops one file or the run; a file partly sent leaves its temporary file only if the user says so. */
async function stop(runId: string, items: QueueItemView[], item?: QueueItemView): Promise<void> {
  const started = (item ? [item] : items).some((i) => isSending(i.state));
  if (!started) {
    await cancelDelivery(runId, item?.id);
    return;
  }
  const answer = await askQuestion({
    testId: 'cancel-dialog',
    message: item ? t('queue.cancelQuestion', { name: item.name }) : t('queue.cancelAllQuestion'),
    choices: [
      { value: 'remove', label: t('queue.cancelRemove'), style: 'danger' },
      { value: 'keep', label: t('queue.cancelKeep') },
      { value: 'continue', label: t('queue.cancelNo'), safe: true },
    ],
  });
  if (!answer || answer.choice === 'continue') return;
  await cancelDelivery(runId, item?.id, answer.choice === 'keep');
}

function counts(items: QueueItemView[]) {
  const n = (s: string) => items.filter((i) => i.state === s).length;
  return { delivered: n('delivered'), skipped: n('skipped'), failed: n('failed'), cancelled: n('cancelled') };
}

function Row({ item, run, finished }: { item: QueueItemView; run: CurrentRun; finished: boolean }) {
  const items = queues.value[run.runId] ?? [];
  return (
    <tr data-testid="queue-row" data-name={item.name} data-state={item.state}>
      <td class="name" title={item.remotePath}>{item.name}</td>
      <td class="num">{formatBytes(item.size)}</td>
      <td class="progress-cell">
        <ProgressBar done={item.state === 'delivered' ? item.size : item.bytesDone} total={item.size} label={item.name} />
        <span class="hint">
          {t(`queue.state.${item.state}`)}
          {item.resumedFrom ? ` · ${t('queue.resumed', { bytes: formatBytes(item.resumedFrom) })}` : ''}
        </span>
        {item.error && item.state === 'failed' && <ErrorMessage error={item.error} variant="inline" testId="queue-error" />}
      </td>
      <td class="digest" data-testid="queue-sha1">{item.sha1 ?? ''}</td>
      <td class="row-actions">
        {isUnderWay(item.state) && (
          <button type="button" data-testid="queue-cancel" aria-label={`${t('queue.cancel')}: ${item.name}`} onClick={() => void stop(run.runId, items, item)}>{t('queue.cancel')}</button>
        )}
        {finished && (item.state === 'cancelled' || (item.state === 'failed' && item.retryable)) && (
          <button type="button" data-testid="queue-retry" aria-label={`${t('queue.retry')}: ${item.name}`} onClick={() => void retryItem(item.id)}>{t('queue.retry')}</button>
        )}
      </td>
    </tr>
  );
}

export function DeliveryQueue({ run }: { run: CurrentRun }) {
  const items = queues.value[run.runId] ?? [];
  const finished = run.receipt !== null || run.error !== null;
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (finished) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [finished]);
  const c = counts(items);
  const outcome = t('queue.outcome', c);
  // When the run ends, its outcome is announced and takes focus (the button that started it is gone).
  const summaryRef = useFocusOn<HTMLParagraphElement>(finished && items.length > 0 ? run.runId : null);
  useEffect(() => {
    if (finished && items.length > 0) announce(outcome);
  }, [finished]);
  if (items.length === 0) return null;
  const total = items.reduce((a, i) => a + i.size, 0);
  const done = items.reduce((a, i) => a + (i.state === 'delivered' ? i.size : i.bytesDone), 0);
  const progress = [
    t('queue.progress', { done: c.delivered, total: items.length }),
    `${formatBytes(done)} / ${formatBytes(total)}`,
    ...rateParts({ since: run.startedAt, now, done, total }),
  ].join(' · ');
  return (
    <>
      <div class="overall" data-testid="queue-overall" data-finished={finished ? 'true' : 'false'}>
        <ProgressBar done={done} total={total} label={t('hash.col.progress')} />
        <p ref={summaryRef} data-testid="queue-summary">{finished ? outcome : progress}</p>
        {!finished && (
          <button type="button" data-testid="send-cancel-all" onClick={() => void stop(run.runId, items)}>{t('send.cancelAll')}</button>
        )}
      </div>
      <table class="files" data-testid="queue-table">
        <thead>
          <tr><th>{t('common.name')}</th><th class="num">{t('common.size')}</th><th>{t('hash.col.progress')}</th><th>{t('common.sha1')}</th><th><span class="visually-hidden">{t('common.actions')}</span></th></tr>
        </thead>
        <tbody>
          {items.map((i) => <Row key={i.id} item={i} run={run} finished={finished} />)}
        </tbody>
      </table>
    </>
  );
}
