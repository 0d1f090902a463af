// The downloads of this session, like the delivery queue: name, bar, bytes of total, speed, time
// left and cancel; a failure says why in the user's language.
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../../i18n/describe-error.ts';
import { formatBytes, formatDuration, t } from '../../i18n/index.ts';
import { cancelDownload, downloads } from '../../services/session-client.ts';
import type { DownloadView } from '../../workers/session-protocol.ts';
import { ProgressBar } from '../progress-bar.tsx';
import { transferRate } from './transfer-rate.ts';

function progressText(d: DownloadView, now: number): string {
  const amount = d.total !== undefined ? t('download.bytesOf', { bytes: formatBytes(d.bytes), total: formatBytes(d.total) }) : formatBytes(d.bytes);
  if (d.state !== 'running') return amount;
  const rate = transferRate(d.bytes, d.total, d.startedAt, now);
  const parts = [amount];
  if (rate.speed !== undefined) parts.push(t('download.speed', { speed: formatBytes(rate.speed) }));
  if (rate.left !== undefined) parts.push(t('download.left', { left: formatDuration(rate.left) }));
  return parts.join(' · ');
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
  if (list.length === 0) return null;
  const ended = [...list].reverse().find((d) => d.state !== 'running');
  return (
    <>
    {/* Outcomes are announced; bytes ticking by are not. */}
    <p class="visually-hidden" role="status" data-testid="download-outcome">
      {ended ? `${ended.name}: ${t(`download.state.${ended.state}`)}${ended.error ? ` — ${describeError(ended.error)}` : ''}` : ''}
    </p>
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
              {d.error && <span class="error row-error" data-testid="download-error" data-code={d.error.code}>{describeError(d.error)}</span>}
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
    </>
  );
}
