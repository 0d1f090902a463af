// A history record's receipt: the one the run kept, or — for a run that ended before it could keep
// one (interrupted at once) — one made from its files' last known states.
import type { DeliveryReceipt, ReceiptFile } from '../../../core/delivery/receipt.ts';
import type { QueueItemView } from '../workers/session-protocol.ts';
import type { DeliveryRecord } from './delivery-history.ts';

/** A receipt line from a file's queue state; a file that was under way counts as cancelled. */
export function receiptLineOf(item: QueueItemView, startedAt: string): ReceiptFile {
  const status = item.state === 'delivered' || item.state === 'skipped' || item.state === 'failed' ? item.state : 'cancelled';
  const line: ReceiptFile = { name: item.name, size: item.size, sha1: status === 'delivered' ? (item.sha1 ?? '') : '', remotePath: item.remotePath ?? item.name, status, startedAt };
  if (item.sidecarPath) line.sidecarPath = item.sidecarPath;
  if (item.resumedFrom) line.resumedFrom = item.resumedFrom;
  if (item.error) line.error = item.error.message;
  return line;
}

export function receiptOf(record: DeliveryRecord): DeliveryReceipt {
  if (record.receipt && record.receipt.files.length >= record.items.length) return record.receipt;
  return {
    format: 'sftp-courier-receipt',
    version: 1,
    id: record.id,
    server: { profileId: record.server.profileId, label: record.server.label, targetId: record.server.targetId, hostKeyFingerprint: record.receipt?.server.hostKeyFingerprint ?? '' },
    user: record.user,
    startedAt: record.startedAt,
    ...(record.state === 'ended' ? { finishedAt: record.updatedAt } : {}),
    files: record.items.map((i) => receiptLineOf(i, record.startedAt)),
  };
}
