// The proof of a delivery the user keeps: which server (by host key), which account, and each
// file's name, size, SHA-1 and remote path, with times.

export type DeliveredStatus = 'delivered' | 'failed' | 'skipped' | 'cancelled';

export interface ReceiptFile {
  name: string;
  size: number;
  sha1: string;
  remotePath: string;
  /** The `.hash` file written next to it, when the profile asks for one. */
  sidecarPath?: string;
  status: DeliveredStatus;
  /** Bytes that were already on the server from an earlier, interrupted attempt. */
  resumedFrom?: number;
  /** The file was read back from the server and its SHA-1 compared. */
  verifiedByReadBack?: boolean;
  startedAt: string;
  finishedAt?: string;
  error?: string;
}

export interface DeliveryReceipt {
  format: 'sftp-courier-receipt';
  version: 1;
  id: string;
  server: { profileId: string; label: string; targetId: string; hostKeyFingerprint: string; hostKeyAlgorithm?: string };
  user: string;
  startedAt: string;
  finishedAt?: string;
  files: ReceiptFile[];
}

export function newReceipt(args: { id: string; profileId: string; label: string; targetId: string; hostKeyFingerprint: string; hostKeyAlgorithm?: string; user: string; now: Date }): DeliveryReceipt {
  return {
    format: 'sftp-courier-receipt',
    version: 1,
    id: args.id,
    server: { profileId: args.profileId, label: args.label, targetId: args.targetId, hostKeyFingerprint: args.hostKeyFingerprint, ...(args.hostKeyAlgorithm ? { hostKeyAlgorithm: args.hostKeyAlgorithm } : {}) },
    user: args.user,
    startedAt: args.now.toISOString(),
    files: [],
  };
}

export function receiptJson(receipt: DeliveryReceipt): string {
  return JSON.stringify(receipt, null, 2) + '\n';
}

export function receiptSummary(receipt: DeliveryReceipt): { delivered: number; failed: number; skipped: number; bytes: number } {
  let delivered = 0, failed = 0, skipped = 0, bytes = 0;
  for (const f of receipt.files) {
    if (f.status === 'delivered') {
      delivered++;
      bytes += f.size;
    } else if (f.status === 'skipped') skipped++;
    else failed++;
  }
  return { delivered, failed, skipped, bytes };
}

/** A plain-text rendering for the CLI and the help line (the web app prints its own page). */
export function receiptText(receipt: DeliveryReceipt): string {
  const s = receiptSummary(receipt);
  const lines = [
    'SFTP Courier — delivery receipt',
    `Receipt:   ${receipt.id}`,
    `Server:    ${receipt.server.label} (${receipt.server.targetId})`,
    `Host key:  ${receipt.server.hostKeyFingerprint}${receipt.server.hostKeyAlgorithm ? ` (${receipt.server.hostKeyAlgorithm})` : ''}`,
    `User:      ${receipt.user}`,
    `Started:   ${receipt.startedAt}`,
    `Finished:  ${receipt.finishedAt ?? '—'}`,
    `Result:    ${s.delivered} delivered, ${s.failed} failed, ${s.skipped} skipped (${s.bytes} bytes)`,
    '',
  ];
  for (const f of receipt.files) {
    lines.push(`${f.status.toUpperCase().padEnd(9)} ${f.remotePath}`);
    lines.push(`          size ${f.size}  sha1 ${f.sha1 || '—'}${f.sidecarPath ? `  + ${f.sidecarPath}` : ''}${f.verifiedByReadBack ? '  (read back and verified)' : ''}`);
    if (f.error) lines.push(`          error: ${f.error}`);
  }
  return lines.join('\n') + '\n';
}
