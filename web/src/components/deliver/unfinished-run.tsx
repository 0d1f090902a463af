// A delivery interrupted by a reload, a crash or a closed tab: shown on the Deliver screen with
// what it had done. Once connected to its server as its user, the user picks the same files again
// (matched by name, size and date) and continues it; the server's partial upload is continued only
// once proven to be the start of the local file. Discarding removes the unfinished uploads, unless
// the user keeps them.
import { useEffect, useRef, useState } from 'preact/hooks';
import { temporaryName } from '../../../../core/sftp/upload.ts';
import { joinRemotePath } from '../../../../core/sftp/remote-path.ts';
import { formatDateTime, t } from '../../i18n/index.ts';
import { announce } from '../announcer.tsx';
import { moveFocus } from '../focus.ts';
import { saveRecord, type DeliveryRecord } from '../../services/delivery-history.ts';
import { filesFromInput, type LocalFile } from '../../services/local-files.ts';
import { connectedInfo, removeFile, sessionTarget } from '../../services/session-client.ts';
import { isUnderWay } from '../../workers/session-protocol.ts';
import { historyRecords, liveRuns, refreshHistory, watchHistory } from './history-signals.ts';
import { askQuestion } from './question-dialog.tsx';
import { isInterrupted, matchPicked, unfinishedFiles, type ResumeMatch } from './resume-match.ts';
import { currentRun, pairUp, startRun } from './run-state.ts';

/** Marks the record ended; its unfinished files count as cancelled. Removes their temporaries unless kept. */
async function discard(record: DeliveryRecord, removePartials: boolean): Promise<void> {
  if (removePartials) {
    for (const f of unfinishedFiles(record)) await removeFile(joinRemotePath(record.folder, temporaryName(f.name))).catch(() => undefined);
  }
  const items = record.items.map((i) => (isUnderWay(i.state) ? { ...i, state: 'cancelled' as const } : i));
  await saveRecord({ ...record, state: 'ended', items, updatedAt: new Date().toISOString() });
}

function ResumeControls({ record }: { record: DeliveryRecord }) {
  const input = useRef<HTMLInputElement>(null);
  const [match, setMatch] = useState<ResumeMatch | null>(null);
  const picked = useRef<LocalFile[]>([]);
  const result = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (match) {
      moveFocus(result.current);
      announce(result.current?.textContent ?? '');
    }
  }, [match]);
  const go = async () => {
    if (!match) return;
    // Local .hash files picked with them are checked as in any delivery.
    const files = (await pairUp(picked.current)).filter((f) => match.matched.some((m) => m.file === f.file));
    void startRun(files, record.folder, false, record.id);
  };
  const forget = async () => {
    const answer = await askQuestion({
      testId: 'discard-dialog',
      message: t('resume.discardQuestion'),
      choices: [
        { value: 'remove', label: t('resume.discardRemove'), style: 'danger' },
        { value: 'keep', label: t('resume.discardKeep') },
        { value: 'cancel', label: t('common.cancel'), safe: true },
      ],
    });
    if (!answer || answer.choice === 'cancel') return;
    await discard(record, answer.choice === 'remove');
    await refreshHistory();
  };
  return (
    <>
      <div class="actions">
        <button type="button" class="primary" data-testid="resume-pick" onClick={() => input.current?.click()}>{t('resume.pick')}</button>
        <button type="button" class="danger" data-testid="resume-discard" onClick={() => void forget()}>{t('resume.discard')}</button>
        <input ref={input} type="file" multiple hidden data-testid="resume-files" onChange={(e) => {
          const el = e.currentTarget as HTMLInputElement;
          picked.current = filesFromInput(el.files);
          setMatch(matchPicked(record, picked.current));
          el.value = '';
        }} />
      </div>
      {match && (
        <div>
          <p ref={result} data-testid="resume-match">{t('resume.matched', { n: match.matched.length, total: match.unfinished.length })}</p>
          {match.changed.length > 0 && <p class="alert" data-testid="resume-changed">{t('resume.changed', { names: match.changed.join(', ') })}</p>}
          {match.matched.length > 0 && <button type="button" class="primary" data-testid="resume-start" onClick={() => void go()}>{t('resume.start', { n: match.matched.length })}</button>}
        </div>
      )}
    </>
  );
}

export function UnfinishedRuns() {
  useEffect(() => watchHistory(), []);
  const live = liveRuns.value;
  const ours = currentRun.value?.runId;
  const interrupted = (historyRecords.value ?? []).filter((r) => isInterrupted(r, live) && r.id !== ours);
  const info = connectedInfo.value;
  const target = sessionTarget.value;
  if (interrupted.length === 0) return null;
  return (
    <>
      {interrupted.map((r) => {
        const done = r.items.filter((i) => i.state === 'delivered').length;
        const here = info !== null && target === r.server.targetId && info.user === r.user;
        return (
          <section class="caution unfinished-run" key={r.id} data-testid="unfinished-run" data-run={r.id} aria-labelledby={`unfinished-${r.id}`}>
            <p id={`unfinished-${r.id}`}><strong>{t('resume.title')}</strong></p>
            <p>{t('resume.what', { when: formatDateTime(new Date(r.startedAt)), server: r.server.label, folder: r.folder, user: r.user, done, total: r.files.length })}</p>
            {here ? <ResumeControls record={r} /> : <p>{t('resume.connectFirst', { server: r.server.label, user: r.user })}</p>}
          </section>
        );
      })}
    </>
  );
}
