// The Deliveries history as the screens see it: every record, which runs are going on now, and
// a refresh whenever any tab or worker changed a record.
import { signal } from '@preact/signals';
import { listRecords, onRecordsChanged, type DeliveryRecord } from '../../services/delivery-history.ts';
import { liveRunIds } from '../../services/run-liveness.ts';

export const historyRecords = signal<DeliveryRecord[] | null>(null);
export const liveRuns = signal<ReadonlySet<string>>(new Set());

let watching = false;

export async function refreshHistory(): Promise<void> {
  try {
    const [records, live] = await Promise.all([listRecords(), liveRunIds()]);
    historyRecords.value = records;
    liveRuns.value = live;
  } catch {
    historyRecords.value = [];
  }
}

/** Starts following the history (once per page). */
export function watchHistory(): void {
  void refreshHistory();
  if (watching) return;
  watching = true;
  let queued: ReturnType<typeof setTimeout> | null = null;
  onRecordsChanged(() => {
    // Progress writes come often: refresh at most a few times a second.
    queued ??= setTimeout(() => {
      queued = null;
      void refreshHistory();
    }, 300);
  });
}
