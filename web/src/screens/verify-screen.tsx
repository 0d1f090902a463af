// Check `.hash` files: OK / MISMATCH / MISSING per pair.
import { FileDrop } from '../components/file-drop.tsx';
import { ProgressBar } from '../components/progress-bar.tsx';
import { t } from '../i18n/index.ts';
import { verifyFiles, verifyRows, type VerifyRow } from '../services/verify-batch.ts';

const ALGO_NAMES = { sha1: 'SHA-1', sha256: 'SHA-256' } as const;

function describe(row: VerifyRow): { label: string; cls: string; detail: string } {
  switch (row.state) {
    case 'checking':
      return { label: t('verify.result.checking'), cls: 'hint', detail: '' };
    case 'missing-sidecar':
      return { label: t('verify.result.missing'), cls: 'error', detail: t('verify.detail.noSidecar', { name: row.expected }) };
    case 'missing-data':
      return { label: t('verify.result.missing'), cls: 'error', detail: t('verify.detail.noData', { name: row.expected }) };
    case 'verdict': {
      const v = row.verdict;
      if (v.status === 'ok') return { label: t('verify.result.ok'), cls: 'ok', detail: t('verify.detail.ok', { algo: ALGO_NAMES[v.algorithm] }) };
      if (v.status === 'mismatch')
        return { label: t('verify.result.mismatch'), cls: 'error', detail: t('verify.detail.mismatch', { algo: ALGO_NAMES[v.algorithm], actual: v.actual, expected: v.expected }) };
      if (v.status === 'wrong-name') return { label: t('verify.result.mismatch'), cls: 'error', detail: t('verify.detail.wrongName', { name: v.writtenName }) };
      return { label: t('verify.result.unreadable'), cls: 'error', detail: t('verify.detail.unreadable') };
    }
  }
}

export function VerifyScreen() {
  const rows = verifyRows.value;
  const ok = rows.filter((r) => r.state === 'verdict' && r.verdict.status === 'ok').length;
  const bad = rows.filter((r) => r.state !== 'checking' && !(r.state === 'verdict' && r.verdict.status === 'ok')).length;
  return (
    <section class="screen" data-testid="verify-screen">
      <h2>{t('nav.verify')}</h2>
      <p>{t('verify.intro')}</p>
      <FileDrop
        testId="verify"
        pickFilesLabel={t('verify.pick')}
        pickFolderLabel={t('verify.pickFolder')}
        dropLabel={t('hash.drop')}
        onFiles={(files) => files.length > 0 && void verifyFiles(files)}
      />
      {rows.length > 0 && (
        <>
          <p class="summary" role="status" data-testid="verify-summary">{t('verify.summary', { ok, bad })}</p>
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
