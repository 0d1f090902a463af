// Which of the files the user picked again belong to an interrupted delivery: the same name, size
// and last-modified time as a file that run had not finished. A file of the same name that changed
// since is named, never continued.
import type { DeliveryRecord, FileIdentity } from '../../services/delivery-history.ts';
import type { LocalFile } from '../../services/local-files.ts';

const FINISHED = new Set(['delivered', 'skipped']);

export interface ResumeMatch {
  /** Picked files that are the unfinished ones. */
  matched: LocalFile[];
  /** Names of picked files that have an unfinished file's name but another size or date. */
  changed: string[];
  /** The interrupted run's files not yet delivered or skipped. */
  unfinished: FileIdentity[];
}

export function unfinishedFiles(record: DeliveryRecord): FileIdentity[] {
  return record.files.filter((f, i) => !FINISHED.has(record.items[i]?.state ?? 'queued'));
}

export function matchPicked(record: DeliveryRecord, picked: readonly LocalFile[]): ResumeMatch {
  const unfinished = unfinishedFiles(record);
  const matched: LocalFile[] = [];
  const changed: string[] = [];
  for (const p of picked) {
    const same = unfinished.find((u) => u.name === p.file.name);
    if (!same) continue;
    if (same.size === p.file.size && same.lastModified === p.file.lastModified) matched.push(p);
    else changed.push(p.file.name);
  }
  return { matched, changed, unfinished };
}

/** An interrupted record: it says running, but no page holds its run any more. */
export function isInterrupted(record: DeliveryRecord, live: ReadonlySet<string>): boolean {
  return record.state === 'running' && !live.has(record.id);
}
