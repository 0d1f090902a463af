// Browse the server: list, sort, open folders, download, rename, delete (with confirmation), new
// folder. A write-only drop box cannot be listed: the panel says so and delivery still works.
import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from '../../i18n/describe-error.ts';
import { formatBytes, formatDateTime, language, t } from '../../i18n/index.ts';
import {
  connectedInfo, download, downloadProgress, listFolder, makeFolder, removeFile, removeFolder, renamePath, SessionRequestError,
} from '../../services/session-client.ts';
import { joinRemotePath as join } from '../../../../core/sftp/remote-path.ts';
import { downloadBlob } from '../../services/sidecar-output.ts';
import { askConfirm, askText } from '../ask-dialog.tsx';
import type { RemoteEntry } from '../../workers/session-protocol.ts';

type SortKey = 'name' | 'size' | 'mtime';

type SavePicker = (options?: { suggestedName?: string }) => Promise<FileSystemFileHandle>;


function parent(dir: string): string {
  const i = dir.replace(/\/+$/, '').lastIndexOf('/');
  return i <= 0 ? '/' : dir.slice(0, i);
}

/** Any failure in the user's language; an unexpected one keeps its own message after a translated lead-in. */
function problemText(err: unknown): string {
  if (err instanceof SessionRequestError) return describeError(err.wire);
  return t('error.error', { message: err instanceof Error ? err.message : String(err) });
}

export function BrowsePanel({ startFolder, refreshToken }: { startFolder: string; refreshToken: number }) {
  const [path, setPath] = useState(startFolder);
  const [entries, setEntries] = useState<RemoteEntry[] | null>(null);
  const [status, setStatus] = useState<{ kind: 'noListing' | 'error' | 'info'; text: string } | null>(null);
  const [sort, setSort] = useState<{ key: SortKey; up: boolean }>({ key: 'name', up: true });

  // Listings can overlap (a refresh while the first one is still on its way): only the latest counts.
  const latest = useRef(0);
  const load = async (dir: string) => {
    const request = ++latest.current;
    setStatus(null);
    try {
      const list = await listFolder(dir);
      if (request === latest.current) setEntries(list);
    } catch (err) {
      if (request !== latest.current) return;
      setEntries(null);
      if (err instanceof SessionRequestError && err.code === 'permission-denied') setStatus({ kind: 'noListing', text: t('browse.noListing') });
      else setStatus({ kind: 'error', text: problemText(err) });
    }
  };
  useEffect(() => setPath(startFolder), [startFolder]);
  useEffect(() => void load(path), [path, refreshToken]);

  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (err) {
      setStatus({ kind: 'error', text: problemText(err) });
      return;
    }
    await load(path);
  };

  const get = async (entry: RemoteEntry) => {
    const full = join(path, entry.name);
    const picker = (globalThis as { showSaveFilePicker?: SavePicker }).showSaveFilePicker;
    try {
      let target: FileSystemFileHandle | undefined;
      if (picker) {
        try {
          target = await picker({ suggestedName: entry.name });
        } catch {
          return; // the user closed the dialog
        }
      }
      const result = await download(full, target);
      if (result.blob) downloadBlob(entry.name, result.blob);
      setStatus({ kind: 'info', text: t('browse.downloaded', { name: entry.name, bytes: formatBytes(result.bytes) }) });
    } catch (err) {
      setStatus({ kind: 'error', text: problemText(err) });
    } finally {
      downloadProgress.value = null;
    }
  };

  const sorted = [...(entries ?? [])].sort((a, b) => {
    if (a.isDir !== b.isDir) return a.isDir ? -1 : 1;
    const dir = sort.up ? 1 : -1;
    if (sort.key === 'name') return a.name.localeCompare(b.name, language.value) * dir;
    return ((a[sort.key] ?? 0) - (b[sort.key] ?? 0)) * dir;
  });
  const header = (key: SortKey, label: string, cls?: string) => (
    <th class={cls} aria-sort={sort.key === key ? (sort.up ? 'ascending' : 'descending') : 'none'}>
      <button type="button" class="link" onClick={() => setSort({ key, up: sort.key === key ? !sort.up : true })}>
        {label}<span aria-hidden="true">{sort.key === key ? (sort.up ? ' ▲' : ' ▼') : ''}</span>
      </button>
    </th>
  );
  const dl = downloadProgress.value;

  return (
    <section class="panel" data-testid="browse-panel">
      <h3>{t('browse.title')}</h3>
      <div class="actions">
        <span class="path" data-testid="browse-path" title={t('browse.path')}>{path}</span>
        <button type="button" disabled={path === '/' || !connectedInfo.value} onClick={() => setPath(parent(path))}>{t('browse.up')}</button>
        <button type="button" onClick={() => void load(path)}>{t('browse.refresh')}</button>
        <button
          type="button"
          data-testid="browse-mkdir"
          onClick={async () => {
            const name = (await askText(t('browse.newFolderName'), '', t('browse.create')))?.trim();
            if (name && !name.includes('/')) void act(() => makeFolder(join(path, name)));
          }}
        >
          {t('browse.newFolder')}
        </button>
      </div>
      {status && <p class={status.kind === 'error' ? 'alert' : status.kind === 'info' ? 'success' : 'notice'} role={status.kind === 'error' ? 'alert' : 'status'} data-testid="browse-status" data-kind={status.kind}>{status.text}</p>}
      {dl && <p class="hint">{t('browse.downloading', { name: dl.path, bytes: formatBytes(dl.bytes) })}</p>}
      {entries && entries.length === 0 && <p class="empty">{t('browse.empty')}</p>}
      {entries && entries.length > 0 && (
        <table class="files" data-testid="browse-table">
          <thead>
            <tr>
              {header('name', t('common.name'))}
              {header('size', t('common.size'), 'num')}
              {header('mtime', t('browse.date'))}
              <th><span class="visually-hidden">{t('common.actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((e) => (
              <tr key={e.name} data-testid="browse-row" data-name={e.name}>
                <td class="name" title={e.name}>
                  {e.isDir ? <button type="button" class="link" onClick={() => setPath(join(path, e.name))}><span class="folder-icon" aria-hidden="true">📁</span>{e.name}</button> : e.name}
                </td>
                <td class="num">{e.isDir || e.size === undefined ? '' : formatBytes(e.size)}</td>
                <td>{e.mtime ? formatDateTime(new Date(e.mtime * 1000)) : ''}</td>
                <td class="row-actions">
                  {!e.isDir && <button type="button" onClick={() => void get(e)}>{t('browse.download')}</button>}
                  <button
                    type="button"
                    onClick={async () => {
                      const to = (await askText(t('browse.renameTo', { name: e.name }), e.name, t('browse.rename')))?.trim();
                      if (to && to !== e.name && !to.includes('/')) void act(() => renamePath(join(path, e.name), join(path, to)));
                    }}
                  >
                    {t('browse.rename')}
                  </button>
                  <button
                    type="button"
                    class="danger"
                    data-testid="browse-delete"
                    onClick={async () => {
                      if (await askConfirm(t('browse.confirmDelete', { name: e.name }), t('browse.delete'))) void act(() => (e.isDir ? removeFolder(join(path, e.name)) : removeFile(join(path, e.name))));
                    }}
                  >
                    {t('browse.delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
