// Deliver: pick data files (their local .hash files are checked before sending), then follow the
// queue: per file and total progress, speed, time left, cancel and retry, and the receipt.
import { signal } from '@preact/signals';
import { useEffect, useState } from 'preact/hooks';
import type { DeliveryReceipt } from '../../../../core/delivery/receipt.ts';
import { dataNameOf, isSidecarName, sidecarName } from '../../../../core/hash/sidecar.ts';
import { describeError } from '../../i18n/describe-error.ts';
import { formatBytes, formatDuration, t } from '../../i18n/index.ts';
import type { LocalFile } from '../../services/local-files.ts';
import { cancelDelivery, deliver, queues, retryDelivery, SessionRequestError } from '../../services/session-client.ts';
import type { DeliverFile, QueueItemView } from '../../workers/session-protocol.ts';
import { FileDrop } from '../file-drop.tsx';
import { ProgressBar } from '../progress-bar.tsx';
import { ReceiptView } from './receipt-view.tsx';

interface CurrentRun {
  runId: string;
  startedAt: number;
  receipt: DeliveryReceipt | null;
  error: string | null;
}

/** The latest delivery run, kept outside the panel so it survives a visit to another screen. */
const currentRun = signal<CurrentRun | null>(null);
/** Counts finished runs and retries, so the file list refreshes even if it was not on screen then. */
export const runsSettled = signal(0);

async function pairUp(files: LocalFile[]): Promise<DeliverFile[]> {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const out: DeliverFile[] = [];
  for (const f of files) {
    if (isSidecarName(f.file.name) && byPath.has(dataNameOf(f.path))) continue; // checked with its data file
    const side = byPath.get(sidecarName(f.path));
    out.push(side ? { file: f.file, path: f.path, localSidecarText: await side.file.text() } : { file: f.file, path: f.path });
  }
  return out;
}

function notifyDone(receipt: DeliveryReceipt): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || !document.hidden) return;
  const delivered = receipt.files.filter((f) => f.status === 'delivered').length;
  new Notification(t('queue.notify', { delivered, failed: receipt.files.filter((f) => f.status === 'failed').length }));
}

export function SendPanel({ folder }: { folder: string }) {
  const [selected, setSelected] = useState<DeliverFile[]>([]);
  const [verify, setVerify] = useState(false);
  // The run outlives this panel (the user may visit another screen while it goes on).
  const run = currentRun.value;
  const runId = run?.runId ?? null;
  const receipt = run?.receipt ?? null;
  const error = run?.error ?? null;
  const startedAt = run?.startedAt ?? 0;
  const patchRun = (id: string, patch: Partial<CurrentRun>) => {
    if (currentRun.value?.runId === id) currentRun.value = { ...currentRun.value, ...patch };
  };
  const [now, setNow] = useState(Date.now());
  const items: QueueItemView[] = runId ? (queues.value[runId] ?? []) : [];
  const running = runId !== null && receipt === null;

  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [running]);

  const start = async () => {
    if (typeof Notification !== 'undefined' && Notification.permission === 'default') void Notification.requestPermission().catch(() => undefined);
    const id = crypto.randomUUID();
    const files = selected;
    // The files now belong to this run: an emptied selection cannot be sent twice by mistake.
    setSelected([]);
    currentRun.value = { runId: id, startedAt: Date.now(), receipt: null, error: null };
    try {
      const r = await deliver(id, files, verify);
      patchRun(id, { receipt: r });
      notifyDone(r);
    } catch (err) {
      patchRun(id, { error: err instanceof SessionRequestError ? describeError(err.wire) : String(err) });
    }
    runsSettled.value++;
  };

  const retry = async (itemId: number) => {
    if (!runId) return;
    try {
      patchRun(runId, { receipt: await retryDelivery(runId, itemId) });
    } catch (err) {
      patchRun(runId, { error: err instanceof SessionRequestError ? describeError(err.wire) : String(err) });
    }
    runsSettled.value++;
  };

  const total = items.reduce((a, i) => a + i.size, 0);
  const done = items.reduce((a, i) => a + (i.state === 'delivered' ? i.size : i.bytesDone), 0);
  const elapsed = (now - startedAt) / 1000;
  const rate = elapsed > 0 ? done / elapsed : 0;
  const count = (s: string) => items.filter((i) => i.state === s).length;
  const withHash = selected.filter((s) => s.localSidecarText !== undefined).length;

  return (
    <section class="panel" data-testid="send-panel">
      <h3>{t('send.title')}</h3>
      <p>{t('send.intro')}</p>
      <p class="hint" data-testid="send-target-folder">{t('send.to', { folder: folder || '/' })}</p>
      {!running && (
        <FileDrop testId="send" pickFilesLabel={t('send.pick')} pickFolderLabel={t('send.pickFolder')} dropLabel={t('hash.drop')} onFiles={(files) => void pairUp(files).then(setSelected)} />
      )}
      {selected.length > 0 && !running && (
        <>
          <p class="summary" data-testid="send-selected">{t('send.selected', { n: selected.length, bytes: formatBytes(selected.reduce((a, s) => a + s.file.size, 0)) })}</p>
          {withHash > 0 && <p class="hint">{t('send.withLocalHash', { n: withHash })}</p>}
          <label class="check">
            <input type="checkbox" checked={verify} data-testid="send-verify" onChange={(e) => setVerify((e.currentTarget as HTMLInputElement).checked)} /> {t('send.verify')}
          </label>
          <div class="actions">
            <button type="button" class="primary" data-testid="send-start" onClick={() => void start()}>{t('send.start', { n: selected.length })}</button>
            <button type="button" onClick={() => setSelected([])}>{t('send.clear')}</button>
          </div>
        </>
      )}
      {error && <p class="alert" role="alert">{error}</p>}
      {items.length > 0 && (
        <div class="overall" data-testid="queue-overall" data-finished={receipt ? 'true' : 'false'}>
          <ProgressBar done={done} total={total} label={t('hash.col.progress')} />
          <p role="status">
            {receipt
              ? t('queue.totalDone', { delivered: count('delivered'), failed: count('failed') + count('cancelled'), skipped: count('skipped') })
              : t('queue.total', { done: count('delivered'), total: items.length, bytes: `${formatBytes(done)} / ${formatBytes(total)}`, speed: formatBytes(rate), left: formatDuration(rate > 0 ? (total - done) / rate : Infinity) })}
          </p>
          {running && <button type="button" data-testid="send-cancel-all" onClick={() => runId && void cancelDelivery(runId)}>{t('send.cancelAll')}</button>}
        </div>
      )}
      {items.length > 0 && (
        <table class="files" data-testid="queue-table">
          <thead>
            <tr><th>{t('common.name')}</th><th class="num">{t('common.size')}</th><th>{t('hash.col.progress')}</th><th>{t('common.sha1')}</th><th><span class="visually-hidden">{t('common.actions')}</span></th></tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.id} data-testid="queue-row" data-name={i.name} data-state={i.state}>
                <td class="name" title={i.remotePath}>{i.name}</td>
                <td class="num">{formatBytes(i.size)}</td>
                <td class="progress-cell">
                  <ProgressBar done={i.state === 'delivered' ? i.size : i.bytesDone} total={i.size} label={i.name} />
                  <span class="hint">
                    {t(`queue.state.${i.state}` as 'queue.state.queued')}
                    {i.resumedFrom ? ` · ${t('queue.resumed', { bytes: formatBytes(i.resumedFrom) })}` : ''}
                  </span>
                  {i.error && i.state === 'failed' && <span class="error row-error">{describeError(i.error)}</span>}
                </td>
                <td class="digest" data-testid="queue-sha1">{i.sha1 ?? ''}</td>
                <td class="row-actions">
                  {(i.state === 'queued' || i.state === 'sending' || i.state === 'reconnecting') && runId && (
                    <button type="button" onClick={() => void cancelDelivery(runId, i.id)}>{t('queue.cancel')}</button>
                  )}
                  {(i.state === 'failed' || i.state === 'cancelled') && receipt && (
                    <button type="button" data-testid="queue-retry" onClick={() => void retry(i.id)}>{t('queue.retry')}</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {receipt && <ReceiptView receipt={receipt} />}
    </section>
  );
}
