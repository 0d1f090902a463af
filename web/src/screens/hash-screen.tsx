// The hash tool: make `X.hash` for each data file X, on this PC.
import { useEffect, useState } from 'preact/hooks';
import type { HashAlgorithm } from '../../../core/hash/digest.ts';
import { sidecarName, type SidecarStyle } from '../../../core/hash/sidecar.ts';
import { announce } from '../components/announcer.tsx';
import { FileDrop } from '../components/file-drop.tsx';
import { useFocusOn } from '../components/focus.ts';
import { LongValue } from '../components/long-value.tsx';
import { ProgressBar } from '../components/progress-bar.tsx';
import { formatBytes, formatDuration, t } from '../i18n/index.ts';
import { rateParts, speedText } from '../i18n/progress-text.ts';
import { cancelBatch, clearBatch, overwriteSidecar, rows, startBatch, summary, warmUpPool, type HashRow } from '../services/hash-batch.ts';
import { canWriteFolders } from '../services/local-files.ts';
import { downloadBlob, sidecarBlob, zipSidecars } from '../services/sidecar-output.ts';

function RowOutput({ row }: { row: HashRow }) {
  if (row.status !== 'done' || !row.sidecarContent) return null;
  const name = sidecarName(row.name);
  switch (row.output) {
    case 'written':
      return <span class="ok">{t('hash.out.written')}</span>;
    case 'exists-same':
      return <span class="ok">{t('hash.out.existsSame')}</span>;
    case 'overwritten':
      return <span class="ok">{t('hash.out.overwritten')}</span>;
    case 'exists-different':
      return (
        <span class="warn">
          {t('hash.out.existsDifferent', { name })}{' '}
          <button type="button" class="small" onClick={() => void overwriteSidecar(row.id)}>{t('hash.out.overwrite')}</button>
        </span>
      );
    case 'write-failed':
      return <span class="error">{t('hash.out.writeFailed')}<Technical text={row.outputError} /></span>;
    case 'download':
      return (
        <button type="button" class="small" data-testid="download-one" title={name} aria-label={t('hash.out.downloadName', { name })} onClick={() => downloadBlob(name, sidecarBlob(row.sidecarContent!))}>
          {t('hash.out.download')}
        </button>
      );
    default:
      return null;
  }
}

/** The browser's own words about a file it could not read or write: a technical detail, apart. */
function Technical({ text }: { text?: string | undefined }) {
  return text ? <span class="technical">{t('common.labelValue', { label: t('error.tech.label'), value: text })}</span> : null;
}

function statusText(row: HashRow): string {
  switch (row.status) {
    case 'queued':
      return t('hash.status.queued');
    case 'hashing':
      return t('hash.status.hashing');
    case 'done':
      return t('hash.status.done');
    case 'cancelled':
      return t('hash.status.cancelled');
    case 'error':
      return t('hash.status.error');
  }
}

function Overall({ now }: { now: number }) {
  const list = rows.value;
  const sum = summary.value;
  const finished = sum?.finishedAt;
  // Focus goes to the outcome when a batch starts (the pick buttons are disabled meanwhile) and ends.
  const focusRef = useFocusOn<HTMLParagraphElement>(sum ? `${sum.startedAt}:${finished ?? ''}` : null);
  const total = list.reduce((a, r) => a + r.size, 0);
  const done = list.reduce((a, r) => a + (r.status === 'done' ? r.size : r.bytesDone), 0);
  const filesDone = list.filter((r) => r.status === 'done').length;
  const text = !sum
    ? ''
    : finished
      ? [t('hash.overallDone', { done: filesDone, total: list.length, bytes: formatBytes(total), duration: formatDuration((finished - sum.startedAt) / 1000) }), ...rateParts({ since: sum.startedAt, now: finished, done, total })].join(' · ')
      : [t('hash.overall', { done: filesDone, total: list.length, bytes: `${formatBytes(done)} / ${formatBytes(total)}` }), ...rateParts({ since: sum.startedAt, now, done, total })].join(' · ');
  useEffect(() => {
    if (sum && !finished) announce(t('hash.announce.start', { n: list.length }));
  }, [sum?.startedAt]);
  useEffect(() => {
    if (finished) announce(text);
  }, [finished]);
  if (!sum || list.length === 0) return null;
  return (
    <div class="overall" data-testid="hash-overall" data-finished={finished ? 'true' : 'false'}>
      <ProgressBar done={done} total={total} label={t('hash.col.progress')} />
      <p ref={focusRef} tabIndex={-1} data-testid="hash-outcome">{text}</p>
      {sum.skippedSidecars > 0 && <p class="hint">{t('hash.skippedSidecars', { n: sum.skippedSidecars })}</p>}
    </div>
  );
}

export function HashScreen() {
  const [algorithm, setAlgorithm] = useState<HashAlgorithm>('sha1');
  const [style, setStyle] = useState<SidecarStyle>('hex');
  const [now, setNow] = useState(performance.now());
  const running = summary.value !== null && summary.value.finishedAt === undefined;

  useEffect(() => {
    // Start the workers before any file is chosen: nothing is fetched while hashing.
    warmUpPool();
  }, []);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(performance.now()), 250);
    return () => clearInterval(timer);
  }, [running]);

  const done = rows.value.filter((r) => r.status === 'done' && r.sidecarContent);
  const downloadable = done.filter((r) => r.output === 'download');

  return (
    <section class="screen" data-testid="hash-screen">
      <h2>{t('nav.hash')}</h2>
      <p>{t('hash.intro')}</p>
      <div class="options">
        <label>
          {t('hash.algorithm')}
          <select data-testid="hash-algorithm" value={algorithm} disabled={running} onChange={(e) => setAlgorithm((e.currentTarget as HTMLSelectElement).value as HashAlgorithm)}>
            <option value="sha1">{t('hash.sha1')}</option>
            <option value="sha256">{t('hash.sha256')}</option>
          </select>
        </label>
        <label>
          {t('hash.format')}
          <select data-testid="hash-format" value={style} disabled={running} onChange={(e) => setStyle((e.currentTarget as HTMLSelectElement).value as SidecarStyle)}>
            <option value="hex">{t('hash.format.hex')}</option>
            <option value="sha1sum">{t('hash.format.sha1sum')}</option>
            <option value="fciv">{t('hash.format.fciv')}</option>
          </select>
        </label>
      </div>
      <FileDrop
        testId="hash"
        disabled={running}
        pickFilesLabel={t('hash.pickFiles')}
        pickFolderLabel={t('hash.pickFolder')}
        dropLabel={t('hash.drop')}
        onFiles={(files) => files.length > 0 && void startBatch(files, algorithm, style)}
      />
      <p class="hint">{canWriteFolders() ? t('hash.folderMode') : t('hash.downloadMode')}</p>
      <Overall now={now} />
      {rows.value.length > 0 && (
        <>
          <div class="actions">
            {running && <button type="button" data-testid="hash-cancel" onClick={cancelBatch}>{t('hash.cancelAll')}</button>}
            {!running && <button type="button" onClick={clearBatch}>{t('hash.clear')}</button>}
            {downloadable.length > 0 && (
              <button
                type="button"
                class="primary"
                data-testid="download-zip"
                onClick={() => downloadBlob('hash-files.zip', zipSidecars(downloadable.map((r) => ({ path: sidecarName(r.path), content: r.sidecarContent! }))))}
              >
                {t('hash.downloadAll')}
              </button>
            )}
          </div>
          <table class="files" data-testid="hash-table">
            <thead>
              <tr>
                <th>{t('common.name')}</th>
                <th class="num">{t('common.size')}</th>
                <th>{t('hash.col.progress')}</th>
                <th>{t('hash.col.digest')}</th>
                <th>{t('hash.col.output')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.value.map((row) => {
                const speed = row.status === 'hashing' || row.status === 'done' ? speedText({ since: row.startedAt ?? now, now: row.finishedAt ?? now, done: row.bytesDone, total: row.size }) : undefined;
                return (
                  <tr key={row.id} data-testid="hash-row" data-name={row.name} data-status={row.status}>
                    <td class="name" title={row.path}>{row.path}</td>
                    <td class="num">{formatBytes(row.size)}</td>
                    <td class="progress-cell">
                      <ProgressBar done={row.status === 'done' ? row.size : row.bytesDone} total={row.size} label={row.name} />
                      <span class="hint">{statusText(row)}{speed ? ` · ${speed}` : ''}</span>
                      {row.status === 'error' && <Technical text={row.error} />}
                    </td>
                    <td class="digest" data-testid="hash-hex">{row.hex ? <LongValue value={row.hex} /> : ''}</td>
                    <td><RowOutput row={row} /></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
