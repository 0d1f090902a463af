// The downloads of this session, like the delivery queue: name, bar, bytes of total, speed, time
// left and cancel; a failure says why in the user's language. Outcomes are announced once; the
// ticking progress is not.
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../../i18n/describe-error.ts';
import { formatBytes, t } from '../../i18n/index.ts';
import { rateParts } from '../../i18n/progress-text.ts';
import { cancelDownload, downloads } from '../../services/session-client.ts';
import type { DownloadView } from '../../workers/session-protocol.ts';
import { announce } from '../announcer.tsx';
import { ErrorMessage } from '../error-message.tsx';
import { ProgressBar } from '../progress-bar.tsx';

function progressText(d: DownloadView, now: number): string {
  const amount = d.total !== undefined ? t('download.bytesOf', { bytes: formatBytes(d.bytes), total: formatBytes(d.total) }) : formatBytes(d.bytes);
  if (d.state !== 'running' || d.total === undefined) return amount;
  return [amount, ...rateParts({ since: d.startedAt, now, done: d.bytes, total: d.total })].join(' · ');
}

function outcomeText(d: DownloadView): string {
  return `${d.name}: ${t(`download.state.${d.state}`)}${d.error ? ` — ${describeError(d.error)}` : ''}`;
}

export function DownloadQueue() {
  const list = downloads.value;
  const running = list.some((d) => d.state === 'running');
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [running]);
  const ended = list.filter((d) => d.state !== 'running').map((d) => d.downloadId).join();
  useEffect(() => {
    const last = [...list].reverse().find((d) => d.state !== 'running');
    if (last) announce(outcomeText(last));
  }, [ended]);
  if (list.length === 0) return null;
  return (
    <table class="files downloads" data-testid="download-queue">
      <caption class="visually-hidden">{t('download.title')}</caption>
      <thead>
        <tr><th>{t('download.title')}</th><th>{t('hash.col.progress')}</th><th><span class="visually-hidden">{t('common.actions')}</span></th></tr>
      </thead>
      <tbody>
        {list.map((d) => (
          <tr key={d.downloadId} data-testid="download-row" data-name={d.name} data-state={d.state}>
            <td class="name" title={d.path}>{d.name}</td>
            <td class="progress-cell">
              <ProgressBar done={d.state === 'done' ? (d.total ?? d.bytes) : d.bytes} total={d.total ?? (d.state === 'done' ? d.bytes : 0)} label={d.name} />
              <span class="hint" data-testid="download-progress">{t(`download.state.${d.state}`)} · {progressText(d, now)}</span>
              {d.error && <ErrorMessage error={d.error} variant="inline" testId="download-error" />}
              {d.partialInBrowser && d.state !== 'running' && <p class="warn" data-testid="download-partial">{t('download.partialKept')}</p>}
            </td>
            <td class="row-actions">
              {d.state === 'running' && (
                <button type="button" data-testid="download-cancel" aria-label={`${t('queue.cancel')}: ${d.name}`} onClick={() => void cancelDownload(d.downloadId)}>{t('queue.cancel')}</button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
