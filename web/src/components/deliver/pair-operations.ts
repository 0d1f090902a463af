// Rename and delete that keep pairs whole: acting on X offers to do the same to X.hash (ticked by
// default), and the reverse. A pair is deleted .hash first and renamed data file first, so a .hash
// never names a file that is not (yet) there under its name.
import { dataNameOf, isSidecarName, sidecarName } from '../../../../core/hash/sidecar.ts';
import { joinRemotePath as join } from '../../../../core/sftp/remote-path.ts';
import { escapeControls as shown } from '../../../../core/text/control-chars.ts';
import { t } from '../../i18n/index.ts';
import { removeFile, removeFolder, renamePath } from '../../services/session-client.ts';
import type { RemoteEntry } from '../../workers/session-protocol.ts';
import { askQuestion } from './question-dialog.tsx';

/** What was done, for the status line: `[from, to]` renames or deleted names. */
export type PairOutcome = { kind: 'renamed'; names: [string, string][] } | { kind: 'deleted' | 'created'; names: string[] } | null;

/** The partner's new name when `entry` is renamed to `to`: X.hash follows X; X follows X.hash only to a `.hash` name. */
function partnerTarget(entry: RemoteEntry, to: string): string | null {
  if (isSidecarName(entry.name)) return isSidecarName(to) ? dataNameOf(to) : null;
  return sidecarName(to);
}

const validName = (from: string) => (to: string) => to !== '' && to !== from && !to.includes('/') && to !== '.' && to !== '..';

export async function renameEntry(folder: string, entry: RemoteEntry, partner: RemoteEntry | null): Promise<PairOutcome> {
  const answer = await askQuestion({
    testId: 'rename-dialog',
    message: t('browse.renameTo', { name: shown(entry.name) }),
    text: { initial: entry.name, valid: validName(entry.name) },
    ...(partner ? { tick: { label: t('browse.alsoRename', { name: shown(partner.name) }), checked: true } } : {}),
    choices: [{ value: 'rename', label: t('browse.rename'), style: 'primary' }, { value: 'cancel', label: t('common.cancel') }],
  });
  if (!answer || answer.choice !== 'rename') return null;
  const to = answer.text;
  const names: [string, string][] = [];
  const partnerTo = partner && answer.ticked ? partnerTarget(entry, to) : null;
  // The data file first: its .hash then follows it.
  const steps: [string, string][] = isSidecarName(entry.name) && partner && partnerTo ? [[partner.name, partnerTo], [entry.name, to]] : [[entry.name, to], ...(partner && partnerTo ? [[partner.name, partnerTo] as [string, string]] : [])];
  for (const [from, target] of steps) {
    await renamePath(join(folder, from), join(folder, target));
    names.push([from, target]);
  }
  return { kind: 'renamed', names };
}

export async function deleteEntry(folder: string, entry: RemoteEntry, partner: RemoteEntry | null): Promise<PairOutcome> {
  const answer = await askQuestion({
    testId: 'delete-dialog',
    message: t(entry.isDir ? 'browse.confirmDeleteFolder' : 'browse.confirmDelete', { name: shown(entry.name) }),
    ...(partner ? { tick: { label: t('browse.alsoDelete', { name: shown(partner.name) }), checked: true } } : {}),
    choices: [{ value: 'delete', label: t('browse.delete'), style: 'danger' }, { value: 'cancel', label: t('common.cancel'), safe: true }],
  });
  if (!answer || answer.choice !== 'delete') return null;
  if (entry.isDir) {
    await removeFolder(join(folder, entry.name));
    return { kind: 'deleted', names: [entry.name] };
  }
  const both = partner && answer.ticked ? [entry, partner] : [entry];
  // The .hash first: it must never outlive the data file it vouches for.
  const order = both.sort((a, b) => Number(isSidecarName(b.name)) - Number(isSidecarName(a.name)));
  const names: string[] = [];
  for (const e of order) {
    await removeFile(join(folder, e.name));
    names.push(e.name);
  }
  return { kind: 'deleted', names };
}

export function outcomeText(outcome: Exclude<PairOutcome, null>): string {
  if (outcome.kind === 'renamed') return t('browse.renamed', { list: outcome.names.map(([a, b]) => `${shown(a)} → ${shown(b)}`).join(', ') });
  return t(outcome.kind === 'created' ? 'browse.created' : 'browse.deleted', { list: outcome.names.map(shown).join(', ') });
}
