// One run of the hash tool over the files the user gave: hashes them in the worker pool, keeps
// per-file and overall progress, and puts each `.hash` file next to its data file or up for download.
import { signal } from '@preact/signals';
import type { HashAlgorithm } from '../../../core/hash/digest.ts';
import { formatSidecar, isSidecarName, sidecarName, type SidecarStyle } from '../../../core/hash/sidecar.ts';
import { HashJobCancelled, sharedHashPool } from './hash-pool.ts';
import { ensureWritable, type LocalFile } from './local-files.ts';
import { writeSidecarIntoFolder, type FolderWriteResult } from './sidecar-output.ts';

export type RowStatus = 'queued' | 'hashing' | 'done' | 'cancelled' | 'error';
export type OutputState = FolderWriteResult | 'download' | 'write-failed' | 'pending';

export interface HashRow {
  id: number;
  path: string;
  name: string;
  size: number;
  bytesDone: number;
  startedAt?: number;
  finishedAt?: number;
  status: RowStatus;
  hex?: string;
  error?: string;
  output: OutputState;
  outputError?: string;
  /** What the `.hash` file holds (set when done). */
  sidecarContent?: string;
}

export interface BatchSummary {
  startedAt: number;
  finishedAt?: number;
  skippedSidecars: number;
  folderMode: boolean;
}

export const rows = signal<HashRow[]>([]);
export const summary = signal<BatchSummary | null>(null);

let controller: AbortController | null = null;
/** The shown run's number: results of a run that was replaced or cleared are dropped, a cancelled one still ends. */
let batch = 0;
const sources = new Map<number, LocalFile>();

export function warmUpPool(): void {
  sharedHashPool().warmUp();
}

/**
 * Row changes wait here and reach the screen together at most every 250 ms (as often as the
 * overall line ticks): a folder of many small files changes rows hundreds of times a second, and
 * each change re-lays out the whole table (512 rows: most of the page's time in a profile), which
 * kept the page, and the workers waiting on it, busy.
 */
const pending = new Map<number, Partial<HashRow>>();
let commitTimer: ReturnType<typeof setTimeout> | null = null;

function commit(): void {
  if (commitTimer !== null) clearTimeout(commitTimer);
  commitTimer = null;
  if (pending.size === 0) return;
  const patches = new Map(pending);
  pending.clear();
  rows.value = rows.value.map((r) => (patches.has(r.id) ? { ...r, ...patches.get(r.id) } : r));
}

/** The row as it will be once pending changes are shown. */
function rowNow(id: number): HashRow | undefined {
  const row = rows.value.find((r) => r.id === id);
  return row && { ...row, ...pending.get(id) };
}

function update(id: number, patch: Partial<HashRow>): void {
  pending.set(id, { ...pending.get(id), ...patch });
  commitTimer ??= setTimeout(commit, 250);
}

function reportProgress(id: number, bytes: number): void {
  if (rowNow(id)?.status === 'hashing') update(id, { bytesDone: bytes });
}

type RowUpdate = (id: number, patch: Partial<HashRow>) => void;

async function placeSidecar(update: RowUpdate, row: HashRow, source: LocalFile, content: string, hex: string, overwrite: boolean): Promise<void> {
  if (!source.folder) {
    update(row.id, { output: 'download' });
    return;
  }
  try {
    if (!(await ensureWritable(source.folder))) {
      update(row.id, { output: 'download', outputError: 'permission' });
      return;
    }
    const result = await writeSidecarIntoFolder(source.folder, sidecarName(row.name), content, hex, overwrite);
    update(row.id, { output: result });
  } catch (err) {
    update(row.id, { output: 'write-failed', outputError: err instanceof Error ? err.message : String(err) });
  }
}

export async function startBatch(files: LocalFile[], algorithm: HashAlgorithm, style: SidecarStyle): Promise<void> {
  cancelBatch();
  const run = ++batch;
  const set: RowUpdate = (id, patch) => run === batch && update(id, patch);
  const data = files.filter((f) => !isSidecarName(f.file.name));
  const list: HashRow[] = data.map((f, i) => ({
    id: i + 1, path: f.path, name: f.file.name, size: f.file.size, bytesDone: 0, status: 'queued', output: 'pending',
  }));
  sources.clear();
  data.forEach((f, i) => sources.set(i + 1, f));
  pending.clear();
  rows.value = list;
  summary.value = { startedAt: performance.now(), skippedSidecars: files.length - data.length, folderMode: data.some((f) => f.folder) };
  warmUpPool();
  const ctl = new AbortController();
  controller = ctl;
  await Promise.all(
    list.map(async (row) => {
      const source = sources.get(row.id)!;
      try {
        const hex = await sharedHashPool().hash(source.file, algorithm, (bytes) => {
          if (run !== batch) return;
          if (rowNow(row.id)?.status === 'queued') update(row.id, { status: 'hashing', startedAt: performance.now() });
          reportProgress(row.id, bytes);
        }, ctl.signal);
        const content = formatSidecar(hex, row.name, style);
        const current = rowNow(row.id);
        set(row.id, { status: 'done', hex, bytesDone: row.size, finishedAt: performance.now(), startedAt: current?.startedAt ?? performance.now(), sidecarContent: content });
        await placeSidecar(set, row, source, content, hex, false);
      } catch (err) {
        if (err instanceof HashJobCancelled) set(row.id, { status: 'cancelled' });
        else set(row.id, { status: 'error', error: err instanceof Error ? err.message : String(err) });
      }
    }),
  );
  if (run !== batch) return;
  commit();
  // A cancelled run ends too (it used to stay 'running', its Cancel button shown, for good).
  if (summary.value) summary.value = { ...summary.value, finishedAt: performance.now() };
  if (controller === ctl) controller = null;
}

export function cancelBatch(): void {
  controller?.abort();
  controller = null;
}

export function clearBatch(): void {
  cancelBatch();
  batch++;
  pending.clear();
  rows.value = [];
  summary.value = null;
  sources.clear();
}

/** The user confirmed replacing a different existing `.hash` file. */
export async function overwriteSidecar(id: number): Promise<void> {
  const row = rowNow(id);
  const source = sources.get(id);
  if (!row || !source || !row.hex || !row.sidecarContent) return;
  await placeSidecar(update, row, source, row.sidecarContent, row.hex, true);
  commit();
}
