// The file list of one server folder: folders first, then data files with their .hash state,
// orphaned .hash files, and unfinished uploads of ours; sortable by name, size and date.
import { useState } from 'preact/hooks';
import { escapeControls as shown } from '../../../../core/text/control-chars.ts';
import { formatBytes, formatDateTime, language, t } from '../../i18n/index.ts';
import type { RemoteEntry } from '../../workers/session-protocol.ts';
import type { ListingRow } from './pair-listing.ts';

type SortKey = 'name' | 'size' | 'mtime';

export interface RowActions {
  open(entry: RemoteEntry): void;
  download(entry: RemoteEntry): void;
  rename(entry: RemoteEntry, partner: RemoteEntry | null): void;
  remove(entry: RemoteEntry, partner: RemoteEntry | null): void;
  /** Continue an unfinished upload: the user picks the local file again. */
  resume(row: Extract<ListingRow, { kind: 'unfinished' }>): void;
}

function compare(a: RemoteEntry, b: RemoteEntry, key: SortKey, up: boolean): number {
  if (a.isDir !== b.isDir) return a.isDir ? -1 : 1;
  const dir = up ? 1 : -1;
  if (key === 'name') return a.name.localeCompare(b.name, language.value) * dir;
  return ((a[key] ?? 0) - (b[key] ?? 0)) * dir;
}

function SidecarState({ row, required }: { row: ListingRow; required: boolean }) {
  if (row.kind === 'file' && row.sidecar) return <span class="ok pair-state" title={shown(row.sidecar.name)}>✓ .hash</span>;
  if (row.kind === 'file' && required && row.partner === null) return <span class="warn pair-state">{t('browse.hashMissing')}</span>;
  if (row.kind === 'sidecar' && row.partner === null) return <span class="warn pair-state">{t('browse.dataMissing')}</span>;
  if (row.kind === 'unfinished') return <span class="warn pair-state">{t('browse.unfinished')}</span>;
  return null;
}

function Actions({ row, actions }: { row: ListingRow; actions: RowActions }) {
  const e = row.entry;
  const partner = row.kind === 'file' || row.kind === 'sidecar' ? row.partner : null;
  const named = (key: 'browse.download' | 'browse.rename' | 'browse.delete' | 'browse.resume') => ({ 'aria-label': `${t(key)}: ${shown(row.kind === 'unfinished' ? row.dataName : e.name)}` });
  if (row.kind === 'unfinished') {
    return (
      <>
        <button type="button" data-testid="browse-resume" {...named('browse.resume')} onClick={() => actions.resume(row)}>{t('browse.resume')}</button>
        <button type="button" class="danger" data-testid="browse-delete" {...named('browse.delete')} onClick={() => actions.remove(e, null)}>{t('browse.delete')}</button>
      </>
    );
  }
  return (
    <>
      {!e.isDir && <button type="button" data-testid="browse-download" {...named('browse.download')} onClick={() => actions.download(e)}>{t('browse.download')}</button>}
      <button type="button" data-testid="browse-rename" {...named('browse.rename')} onClick={() => actions.rename(e, partner)}>{t('browse.rename')}</button>
      <button type="button" class="danger" data-testid="browse-delete" {...named('browse.delete')} onClick={() => actions.remove(e, partner)}>{t('browse.delete')}</button>
    </>
  );
}

export function BrowseTable({ rows, sidecarRequired, actions }: { rows: ListingRow[]; sidecarRequired: boolean; actions: RowActions }) {
  const [sort, setSort] = useState<{ key: SortKey; up: boolean }>({ key: 'name', up: true });
  const sorted = [...rows].sort((a, b) => compare(a.entry, b.entry, sort.key, sort.up));
  const header = (key: SortKey, label: string, cls?: string) => (
    <th class={cls} aria-sort={sort.key === key ? (sort.up ? 'ascending' : 'descending') : 'none'}>
      <button type="button" class="link" onClick={() => setSort({ key, up: sort.key === key ? !sort.up : true })}>
        {label}<span aria-hidden="true">{sort.key === key ? (sort.up ? ' ▲' : ' ▼') : ''}</span>
      </button>
    </th>
  );
  return (
    <table class="files" data-testid="browse-table">
      <thead>
        <tr>
          {header('name', t('common.name'))}
          <th>{t('browse.pair')}</th>
          {header('size', t('common.size'), 'num')}
          {header('mtime', t('browse.date'))}
          <th><span class="visually-hidden">{t('common.actions')}</span></th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((row) => {
          const e = row.entry;
          const state = row.kind === 'file' ? (row.sidecar || row.partner ? 'present' : 'missing') : row.kind;
          return (
            <tr key={e.name} data-testid="browse-row" data-name={e.name} data-kind={row.kind} data-sidecar={state}>
              {/* A server's names are shown inert: control characters visible as \x1b, \r. */}
              <td class="name" title={shown(e.name)}>
                {e.isDir ? (
                  <button type="button" class="link" onClick={() => actions.open(e)}><span class="folder-icon" aria-hidden="true">📁</span>{shown(e.name)}</button>
                ) : shown(row.kind === 'unfinished' ? row.dataName : e.name)}
              </td>
              <td><SidecarState row={row} required={sidecarRequired} /></td>
              <td class="num">{e.isDir || e.size === undefined ? '' : formatBytes(e.size)}</td>
              <td>{e.mtime ? formatDateTime(new Date(e.mtime * 1000)) : ''}</td>
              <td class="row-actions"><Actions row={row} actions={actions} /></td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
