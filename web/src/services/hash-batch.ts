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
const sources = new Map<number, LocalFile>();

export function warmUpPool(): void {
  sharedHashPool().warmUp();
}

function update(id: number, patch: Partial<HashRow>): void {
  rows.value = rows.value.map((r) => (r.id === id ? { ...r, ...patch } : r));
}

/** Progress comes in up to 10 times a second per worker; batch it into one state change a frame. */
const pendingProgress = new Map<number, number>();
let progressScheduled = false;
function reportProgress(id: number, bytes: number): void {
  pendingProgress.set(id, bytes);
  if (progressScheduled) return;
  progressScheduled = true;
  setTimeout(() => {
    progressScheduled = false;
    const snapshot = new Map(pendingProgress);
    pendingProgress.clear();
    rows.value = rows.value.map((r) => (snapshot.has(r.id) && r.status === 'hashing' ? { ...r, bytesDone: snapshot.get(r.id)! } : r));
  }, 100);
}

async function placeSidecar(row: HashRow, source: LocalFile, content: string, hex: string, overwrite: boolean): Promise<void> {
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
  const data = files.filter((f) => !isSidecarName(f.file.name));
  const list: HashRow[] = data.map((f, i) => ({
    id: i + 1, path: f.path, name: f.file.name, size: f.file.size, bytesDone: 0, status: 'queued', output: 'pending',
  }));
  sources.clear();
  data.forEach((f, i) => sources.set(i + 1, f));
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
          if (rows.value.find((r) => r.id === row.id)?.status === 'queued') update(row.id, { status: 'hashing', startedAt: performance.now() });
          reportProgress(row.id, bytes);
        }, ctl.signal);
        const content = formatSidecar(hex, row.name, style);
        const current = rows.value.find((r) => r.id === row.id);
        update(row.id, { status: 'done', hex, bytesDone: row.size, finishedAt: performance.now(), startedAt: current?.startedAt ?? performance.now(), sidecarContent: content });
        await placeSidecar(row, source, content, hex, false);
      } catch (err) {
        if (err instanceof HashJobCancelled) update(row.id, { status: 'cancelled' });
        else update(row.id, { status: 'error', error: err instanceof Error ? err.message : String(err) });
      }
    }),
  );
  if (controller === ctl && summary.value) summary.value = { ...summary.value, finishedAt: performance.now() };
}

export function cancelBatch(): void {
  controller?.abort();
  controller = null;
}

export function clearBatch(): void {
  cancelBatch();
  rows.value = [];
  summary.value = null;
  sources.clear();
}

/** The user confirmed replacing a different existing `.hash` file. */
export async function overwriteSidecar(id: number): Promise<void> {
  const row = rows.value.find((r) => r.id === id);
  const source = sources.get(id);
  if (!row || !source || !row.hex || !row.sidecarContent) return;
  await placeSidecar(row, source, row.sidecarContent, row.hex, true);
}
