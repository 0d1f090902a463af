// Browse the server like WinSCP: the folder on screen is where deliveries go; list, sort, open
// folders, download, rename and delete pairs whole, continue or remove unfinished uploads, new
// folder. A write-only drop box cannot be listed: the panel says so and delivery still works.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CodedError } from '../../i18n/describe-error.ts';
import { t } from '../../i18n/index.ts';
import { listFolder, makeFolder, SessionRequestError } from '../../services/session-client.ts';
import { saveRemoteFile } from '../../services/downloads.ts';
import { joinRemotePath as join } from '../../../../core/sftp/remote-path.ts';
import type { RemoteEntry } from '../../workers/session-protocol.ts';
import { BrowseTable, type RowActions } from './browse-table.tsx';
import { ErrorMessage } from '../error-message.tsx';
import { moveFocus } from '../focus.ts';
import { DownloadQueue } from './download-queue.tsx';
import { deleteEntry, outcomeText, renameEntry, type PairOutcome } from './pair-operations.ts';
import { listingRows, type ListingRow } from './pair-listing.ts';
import { askQuestion } from './question-dialog.tsx';
import { canGoUp, parentFolder, type UploadArea } from './remote-folder.ts';
import { continueUnfinished } from './run-state.ts';

type Status = { kind: 'noListing' | 'info'; text: string } | { kind: 'error'; error: CodedError } | null;

/** Any failure as a code to word; an unexpected one keeps its own message in the technical details. */
function problemOf(err: unknown): CodedError {
  if (err instanceof SessionRequestError) return err.wire;
  return { code: 'error', message: err instanceof Error ? err.message : String(err) };
}

/** The listing of the folder on screen; only the latest of overlapping requests counts. */
function useListing(path: string, refreshToken: number, setStatus: (s: Status) => void) {
  const [entries, setEntries] = useState<RemoteEntry[] | null>(null);
  const latest = useRef(0);
  const load = async () => {
    const request = ++latest.current;
    try {
      const list = await listFolder(path);
      if (request === latest.current) setEntries(list);
    } catch (err) {
      if (request !== latest.current) return;
      setEntries(null);
      if (err instanceof SessionRequestError && err.code === 'permission-denied') setStatus({ kind: 'noListing', text: t('browse.noListing') });
      else setStatus({ kind: 'error', error: problemOf(err) });
    }
  };
  useEffect(() => {
    setStatus(null);
    void load();
  }, [path, refreshToken]);
  return { entries, reload: load };
}

interface Props {
  area: UploadArea;
  /** The folder on screen. */
  path: string;
  onOpen: (folder: string) => void;
  sidecarRequired: boolean;
  refreshToken: number;
}

export function BrowsePanel({ area, path, onOpen, sidecarRequired, refreshToken }: Props) {
  const [status, setStatusState] = useState<Status>(null);
  const statusRef = useRef<HTMLDivElement>(null);
  const focusStatus = useRef(false);
  const setStatus = (s: Status, focus = false) => {
    focusStatus.current = focus && s !== null;
    setStatusState(s);
  };
  useEffect(() => {
    // The result of an action takes focus, so keyboard and screen-reader users hear what happened.
    if (focusStatus.current) moveFocus(statusRef.current?.firstElementChild as HTMLElement | null);
    focusStatus.current = false;
  }, [status]);
  const [plain, setPlain] = useState(false);
  const { entries, reload } = useListing(path, refreshToken, setStatus);
  const resumeInput = useRef<HTMLInputElement>(null);
  const resuming = useRef<string | null>(null);

  /** Runs an action; its result (or its failure) is said in the status line, then the list is read again. */
  const act = async (work: () => Promise<PairOutcome>) => {
    try {
      const outcome = await work();
      if (!outcome) return;
      setStatus({ kind: 'info', text: outcomeText(outcome) }, true);
    } catch (err) {
      setStatus({ kind: 'error', error: problemOf(err) }, true);
    }
    await reload();
  };

  const actions: RowActions = {
    open: (e) => onOpen(join(path, e.name)),
    download: (e) => {
      // The worker's failures show on the download's own row; only others need the status line.
      void saveRemoteFile(join(path, e.name), e.name, e.size).catch((err: unknown) => {
        if (!(err instanceof SessionRequestError)) setStatus({ kind: 'error', error: problemOf(err) });
      });
    },
    rename: (e, partner) => void act(() => renameEntry(path, e, partner)),
    remove: (e, partner) => void act(() => deleteEntry(path, e, partner)),
    resume: (row) => {
      resuming.current = row.dataName;
      resumeInput.current?.click();
    },
  };

  const newFolder = async () => {
    const answer = await askQuestion({
      testId: 'mkdir-dialog', message: t('browse.newFolderName'),
      text: { initial: '', valid: (v) => v !== '' && !v.includes('/') && v !== '.' && v !== '..' },
      choices: [{ value: 'create', label: t('browse.create'), style: 'primary' }, { value: 'cancel', label: t('common.cancel') }],
    });
    if (answer?.choice === 'create') void act(async () => {
      await makeFolder(join(path, answer.text));
      return { kind: 'created', names: [answer.text] };
    });
  };

  const rows: ListingRow[] = entries ? listingRows(entries, plain ? 'plain' : 'pairs') : [];
  return (
    <section class="panel" data-testid="browse-panel">
      <h3>{t('browse.title')}</h3>
      <div class="actions">
        <span class="path" data-testid="browse-path" title={t('browse.path')}>{path}</span>
        <button type="button" data-testid="browse-up" disabled={!canGoUp(area, path)} onClick={() => onOpen(parentFolder(path))}>{t('browse.up')}</button>
        <button type="button" onClick={() => void reload()}>{t('browse.refresh')}</button>
        <button type="button" data-testid="browse-mkdir" onClick={() => void newFolder()}>{t('browse.newFolder')}</button>
        <label class="check">
          <input type="checkbox" data-testid="browse-plain" checked={plain} onChange={(e) => setPlain((e.currentTarget as HTMLInputElement).checked)} />
          {t('browse.plainView')}
        </label>
      </div>
      {area.fixed && <p class="hint" data-testid="browse-fixed">{t('browse.fixedFolder', { folder: area.root })}</p>}
      <div ref={statusRef}>
        {status?.kind === 'error' && <ErrorMessage error={status.error} testId="browse-status" />}
        {status && status.kind !== 'error' && <p class={status.kind === 'info' ? 'success' : 'notice'} role="status" data-testid="browse-status" data-kind={status.kind}>{status.text}</p>}
      </div>
      <DownloadQueue />
      {entries && entries.length === 0 && <p class="empty">{t('browse.empty')}</p>}
      {rows.length > 0 && <BrowseTable rows={rows} sidecarRequired={sidecarRequired} actions={actions} />}
      <input
        ref={resumeInput}
        type="file"
        hidden
        data-testid="browse-resume-file"
        onChange={(e) => {
          const input = e.currentTarget as HTMLInputElement;
          const file = input.files?.[0];
          input.value = '';
          const expected = resuming.current;
          if (!file || !expected) return;
          if (file.name !== expected) setStatus({ kind: 'info', text: t('browse.resumeWrongFile', { name: expected }) }, true);
          else void continueUnfinished(file, path);
        }}
      />
    </section>
  );
}
