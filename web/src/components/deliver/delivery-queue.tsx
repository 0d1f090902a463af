// The queue of one delivery run: total and per-file progress, speed, time left, and how each file
// ended — delivered, skipped, failed (with the reason) or cancelled — with a retry only where a
// retry can help. Cancelling a file that is being sent asks whether to keep its unfinished upload.
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../../i18n/describe-error.ts';
import { formatBytes, formatDuration, t } from '../../i18n/index.ts';
import { cancelDelivery, queues } from '../../services/session-client.ts';
import type { QueueItemView } from '../../workers/session-protocol.ts';
import { ProgressBar } from '../progress-bar.tsx';
import { askQuestion } from './question-dialog.tsx';
import { retryItem, type CurrentRun } from './run-state.ts';
import { transferRate } from './transfer-rate.ts';

const UNDER_WAY = new Set(['queued', 'sending', 'reconnecting']);

/** Stops one file or the run; a file partly sent leaves its temporary file only if the user says so. */
async function stop(runId: string, items: QueueItemView[], item?: QueueItemView): Promise<void> {
  const started = (item ? [item] : items).some((i) => i.state !== 'queued' && UNDER_WAY.has(i.state));
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
        {item.error && item.state === 'failed' && <span class="error row-error" data-testid="queue-error" data-code={item.error.code}>{describeError(item.error)}</span>}
      </td>
      <td class="digest" data-testid="queue-sha1">{item.sha1 ?? ''}</td>
      <td class="row-actions">
        {UNDER_WAY.has(item.state) && (
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
  if (items.length === 0) return null;
  const total = items.reduce((a, i) => a + i.size, 0);
  const done = items.reduce((a, i) => a + (i.state === 'delivered' ? i.size : i.bytesDone), 0);
  const rate = transferRate(done, total, run.startedAt, now);
  const c = counts(items);
  const progress = [
    t('queue.progress', { done: c.delivered, total: items.length }),
    `${formatBytes(done)} / ${formatBytes(total)}`,
    ...(rate.speed !== undefined ? [t('download.speed', { speed: formatBytes(rate.speed) })] : []),
    ...(rate.left !== undefined ? [t('download.left', { left: formatDuration(rate.left) })] : []),
  ].join(' · ');
  return (
    <>
      <div class="overall" data-testid="queue-overall" data-finished={finished ? 'true' : 'false'}>
        <ProgressBar done={done} total={total} label={t('hash.col.progress')} />
        {/* The outcome is announced when the run ends; the ticking progress is not. */}
        <p role="status" data-testid="queue-summary" tabIndex={-1}>
          {finished ? t('queue.outcome', c) : progress}
        </p>
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
