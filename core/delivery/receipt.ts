// The proof of a delivery the user keeps: which server (by host key), which account, and each
// file's name, size, SHA-1 and remote path, with times.

/** `pending`: only in a snapshot taken while the run goes on; a finished receipt never has it. */
export type DeliveredStatus = 'delivered' | 'failed' | 'skipped' | 'cancelled' | 'pending';

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
  /** How those bytes were known to be right: confirmed by the server in this run, or read back and compared. */
  resumeProof?: 'confirmed' | 'read-back';
  /** The server could not continue at an offset, so the file was sent again from byte 0. */
  restartedFromZero?: true;
  /** The folder forbids renames: X was written under its final name (no temporary name). */
  writtenDirectly?: true;
  /** The file was read back from the server and its SHA-1 compared. */
  verifiedByReadBack?: boolean;
  startedAt: string;
  finishedAt?: string;
  /** In a snapshot of a run under way: bytes of X the server confirmed so far. */
  bytesDone?: number;
  /** Why it failed, in English (for the record and the CLI); the app words `errorCode` itself. */
  error?: string;
  errorCode?: string;
  errorDetails?: Record<string, unknown>;
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

export function receiptSummary(receipt: DeliveryReceipt): { delivered: number; failed: number; skipped: number; cancelled: number; pending: number; bytes: number } {
  const s = { delivered: 0, failed: 0, skipped: 0, cancelled: 0, pending: 0, bytes: 0 };
  for (const f of receipt.files) {
    s[f.status]++;
    if (f.status === 'delivered') s.bytes += f.size;
  }
  return s;
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
    `Result:    ${s.delivered} delivered, ${s.failed} failed, ${s.skipped} skipped, ${s.cancelled} cancelled (${s.bytes} bytes)`,
    '',
  ];
  for (const f of receipt.files) {
    lines.push(`${f.status.toUpperCase().padEnd(9)} ${f.remotePath}`);
    lines.push(`          size ${f.size}  sha1 ${f.sha1 || '—'}${f.sidecarPath ? `  + ${f.sidecarPath}` : ''}${f.verifiedByReadBack ? '  (read back and verified)' : ''}`);
    if (f.resumedFrom) lines.push(`          resumed at byte ${f.resumedFrom} (${f.resumeProof === 'read-back' ? 'the partial was read back and compared' : 'confirmed by the server'})`);
    if (f.restartedFromZero) lines.push('          sent again from the start: the server cannot continue a file at an offset');
    if (f.writtenDirectly) lines.push('          written directly under its final name: the folder does not allow renaming');
    if (f.error) lines.push(`          error: ${f.error}`);
  }
  return lines.join('\n') + '\n';
}
