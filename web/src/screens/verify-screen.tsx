// Check `.hash` files: OK / MISMATCH / MISSING per pair.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { announce } from '../components/announcer.tsx';
import { FileDrop } from '../components/file-drop.tsx';
import { useFocusOn } from '../components/focus.ts';
import { LongValue } from '../components/long-value.tsx';
import { ProgressBar } from '../components/progress-bar.tsx';
import { t } from '../i18n/index.ts';
import { verifyFiles, verifyRows, type VerifyRow } from '../services/verify-batch.ts';

const ALGO_NAMES = { sha1: 'SHA-1', sha256: 'SHA-256' } as const;

function Fact({ label, value }: { label: string; value: string }) {
  return <span class="error-fact">{t('common.labelValue', { label, value: '' })}<LongValue value={value} class="mono" /></span>;
}

function describe(row: VerifyRow): { label: string; cls: string; detail: ComponentChildren } {
  switch (row.state) {
    case 'checking':
      return { label: t('verify.result.checking'), cls: 'hint', detail: '' };
    case 'missing-sidecar':
      return { label: t('verify.result.missing'), cls: 'error', detail: t('verify.detail.noSidecar', { name: row.expected }) };
    case 'missing-data':
      return { label: t('verify.result.missing'), cls: 'error', detail: t('verify.detail.noData', { name: row.expected }) };
    case 'read-failed':
      return { label: t('verify.result.unreadable'), cls: 'error', detail: t('verify.detail.readFailed', { name: row.name }) };
    case 'verdict': {
      const v = row.verdict;
      if (v.status === 'ok') return { label: t('verify.result.ok'), cls: 'ok', detail: t('verify.detail.ok', { algo: ALGO_NAMES[v.algorithm] }) };
      if (v.status === 'mismatch') {
        const algo = ALGO_NAMES[v.algorithm];
        return {
          label: t('verify.result.mismatch'),
          cls: 'error',
          detail: <>{t('verify.detail.mismatch', { algo })}<Fact label={t('verify.fact.sidecar')} value={v.expected} /><Fact label={t('verify.fact.file', { algo })} value={v.actual} /></>,
        };
      }
      if (v.status === 'wrong-name') return { label: t('verify.result.mismatch'), cls: 'error', detail: t('verify.detail.wrongName', { name: v.writtenName }) };
      return { label: t('verify.result.unreadable'), cls: 'error', detail: t('verify.detail.unreadable') };
    }
  }
}

export function VerifyScreen() {
  const rows = verifyRows.value;
  // Counts the user's drops, so each finished check moves focus to its summary once.
  const [run, setRun] = useState(0);
  const settled = rows.length > 0 && !rows.some((r) => r.state === 'checking');
  const ok = rows.filter((r) => r.state === 'verdict' && r.verdict.status === 'ok').length;
  const bad = rows.filter((r) => r.state !== 'checking' && !(r.state === 'verdict' && r.verdict.status === 'ok')).length;
  const summary = t('verify.summary', { ok, bad });
  const summaryRef = useFocusOn<HTMLParagraphElement>(settled && run > 0 ? run : null);
  useEffect(() => {
    if (settled && run > 0) announce(summary);
  }, [settled, run]);
  return (
    <section class="screen" data-testid="verify-screen">
      <h2>{t('nav.verify')}</h2>
      <p>{t('verify.intro')}</p>
      <FileDrop
        testId="verify"
        pickFilesLabel={t('verify.pick')}
        pickFolderLabel={t('verify.pickFolder')}
        dropLabel={t('hash.drop')}
        onFiles={(files) => {
          if (files.length === 0) return;
          setRun((n) => n + 1);
          void verifyFiles(files);
        }}
      />
      {rows.length > 0 && (
        <>
          <p class="summary" ref={summaryRef} tabIndex={-1} data-testid="verify-summary">{summary}</p>
          <table class="files" data-testid="verify-table">
            <thead>
              <tr>
                <th>{t('common.name')}</th>
                <th>{t('common.status')}</th>
                <th>{t('verify.col.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const d = describe(row);
                return (
                  <tr key={row.id} data-testid="verify-row" data-path={row.path} data-result={row.state === 'verdict' ? row.verdict.status : row.state}>
                    <td class="name" title={row.path}>{row.path}</td>
                    <td class={`${d.cls} status-label`}>{d.label}</td>
                    <td>{row.state === 'checking' ? <ProgressBar done={row.bytesDone} total={row.size} label={row.path} /> : d.detail}</td>
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
