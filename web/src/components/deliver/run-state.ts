// The delivery runs of this page: the latest run (kept outside the panels, so a visit to another
// screen keeps it), how a run is started from picked files, continued, retried; and the count of
// settled runs, so the file list refreshes even if it was off screen.
import { signal } from '@preact/signals';
import type { DeliveryReceipt } from '../../../../core/delivery/receipt.ts';
import { dataNameOf, isSidecarName, sidecarName } from '../../../../core/hash/sidecar.ts';
import { t } from '../../i18n/index.ts';
import type { LocalFile } from '../../services/local-files.ts';
import { deliver, retryDelivery, SessionRequestError } from '../../services/session-client.ts';
import type { DeliverFile, WireError } from '../../workers/session-protocol.ts';

export interface CurrentRun {
  runId: string;
  /** The server folder the files go into. */
  folder: string;
  startedAt: number;
  receipt: DeliveryReceipt | null;
  error: WireError | null;
}

export const currentRun = signal<CurrentRun | null>(null);
export const runsSettled = signal(0);

/** Data files with the local .hash the user picked next to them (checked before sending). */
export async function pairUp(files: LocalFile[]): Promise<DeliverFile[]> {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const out: DeliverFile[] = [];
  for (const f of files) {
    if (isSidecarName(f.file.name) && byPath.has(dataNameOf(f.path))) continue; // checked with its data file
    const side = byPath.get(sidecarName(f.path));
    out.push(side ? { file: f.file, path: f.path, localSidecarText: await side.file.text() } : { file: f.file, path: f.path });
  }
  return out;
}

function wireOf(err: unknown): WireError {
  return err instanceof SessionRequestError ? err.wire : { code: 'error', message: err instanceof Error ? err.message : String(err) };
}

function patchRun(id: string, patch: Partial<CurrentRun>): void {
  if (currentRun.value?.runId === id) currentRun.value = { ...currentRun.value, ...patch };
}

function notifyDone(receipt: DeliveryReceipt): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || !document.hidden) return;
  const count = (s: string) => receipt.files.filter((f) => f.status === s).length;
  new Notification(t('queue.notify', { delivered: count('delivered'), failed: count('failed') }));
}

/** Sends `files` into `folder`; `continues` names an interrupted run whose record this one carries on. */
export async function startRun(files: DeliverFile[], folder: string, verifyReadBack: boolean, continues?: string): Promise<void> {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') void Notification.requestPermission().catch(() => undefined);
  const runId = continues ?? crypto.randomUUID();
  currentRun.value = { runId, folder, startedAt: Date.now(), receipt: null, error: null };
  try {
    const receipt = await deliver({ runId, files, folder, verifyReadBack, ...(continues ? { continues } : {}) });
    patchRun(runId, { receipt });
    notifyDone(receipt);
  } catch (err) {
    patchRun(runId, { error: wireOf(err) });
  }
  runsSettled.value++;
}

/** An unfinished upload found in the file list: the user picked its local file again. */
export function continueUnfinished(file: File, folder: string): Promise<void> {
  return startRun([{ file, path: file.name }], folder, false);
}

export async function retryItem(itemId: number): Promise<void> {
  const run = currentRun.value;
  if (!run) return;
  try {
    patchRun(run.runId, { receipt: await retryDelivery(run.runId, itemId), error: null });
  } catch (err) {
    patchRun(run.runId, { error: wireOf(err) });
  }
  runsSettled.value++;
}
