// A server folder seen as deliveries: X and X.hash are one row with the .hash's state, and our
// own `.X.courier-part` temporaries are unfinished uploads, not files. The plain view lists every
// file on its own row but still knows each one's partner, so rename and delete can offer both.
import { dataNameOf, isSidecarName, sidecarName } from '../../../../core/hash/sidecar.ts';
import type { RemoteEntry } from '../../workers/session-protocol.ts';
import { dataNameOfTemporary } from '../../../../core/sftp/upload.ts';

export type ListingRow =
  | { kind: 'folder'; entry: RemoteEntry }
  /** A data file; `sidecar` is its X.hash when that is in the folder (pair view only). */
  | { kind: 'file'; entry: RemoteEntry; sidecar: RemoteEntry | null; partner: RemoteEntry | null }
  /** X.hash on its own: its X is not in the folder (or the plain view shows it separately). */
  | { kind: 'sidecar'; entry: RemoteEntry; partner: RemoteEntry | null }
  /** `.X.courier-part`: an upload of X that did not finish. */
  | { kind: 'unfinished'; entry: RemoteEntry; dataName: string };

export type ListingView = 'pairs' | 'plain';

export function listingRows(entries: readonly RemoteEntry[], view: ListingView): ListingRow[] {
  const files = new Map(entries.filter((e) => !e.isDir).map((e) => [e.name, e]));
  const rows: ListingRow[] = [];
  for (const entry of entries) {
    if (entry.isDir) {
      rows.push({ kind: 'folder', entry });
      continue;
    }
    const dataName = dataNameOfTemporary(entry.name) ?? null;
    if (dataName !== null && view === 'pairs') {
      rows.push({ kind: 'unfinished', entry, dataName });
      continue;
    }
    if (isSidecarName(entry.name) && dataName === null) {
      const data = files.get(dataNameOf(entry.name)) ?? null;
      // In the pair view the .hash is part of its data file's row.
      if (view === 'pairs' && data) continue;
      rows.push({ kind: 'sidecar', entry, partner: data });
      continue;
    }
    const side = files.get(sidecarName(entry.name)) ?? null;
    rows.push({ kind: 'file', entry, sidecar: view === 'pairs' ? side : null, partner: side });
  }
  return rows;
}
