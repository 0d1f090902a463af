// Delivery runs on the session: each sends its files into the folder the user had on screen,
// remembers a "do this for all" answer about existing files, keeps its history record up to date
// as it goes, and holds a Web Lock while it runs (so a reloaded page can tell it was interrupted).
import { blobSource } from '../../../core/sftp/byte-source.ts';
import { SftpSession } from '../../../core/sftp/session.ts';
import { DeliveryRun, type DeliveryItem, type DeliverySession } from '../../../core/delivery/delivery-run.ts';
import type { ExistingChoice } from '../../../core/delivery/deliver-pair.ts';
import type { DeliveryReceipt } from '../../../core/delivery/receipt.ts';
import { getRecord, type DeliveryRecord, type FileIdentity } from '../services/delivery-history.ts';
import { receiptLineOf } from '../services/record-receipt.ts';
import { holdWhileRunning } from '../services/run-liveness.ts';
import { ask, log, post } from './session-channel.ts';
import { current, liveSession, reportDeliveries, sessionRequest } from './session-connection.ts';
import { SessionFailure } from './session-errors.ts';
import { isSending, isUnderWay, type DeliverRequest, type QueueItemView } from './session-protocol.ts';
import { RunRecord, type CarriedOver } from './run-record.ts';

interface ActiveRun {
  run: DeliveryRun;
  record: RunRecord;
  /** The answer the user gave "for all" existing files of this run. */
  existingForAll: ExistingChoice | null;
  settled: Promise<unknown>;
}

const runs = new Map<string, ActiveRun>();

reportDeliveries(() => [...runs.values()].some((r) => r.run.items.some((i) => isSending(i.state))));

function view(item: DeliveryItem): QueueItemView {
  const v: QueueItemView = { id: item.id, name: item.pair.name, size: item.pair.data.size, bytesDone: item.bytesDone, state: item.state, attempts: item.attempts };
  if (item.startedAt !== undefined) v.startedAt = item.startedAt;
  if (item.receipt) {
    if (item.receipt.sha1) v.sha1 = item.receipt.sha1;
    v.remotePath = item.receipt.remotePath;
    if (item.receipt.sidecarPath) v.sidecarPath = item.receipt.sidecarPath;
    if (item.receipt.resumedFrom) v.resumedFrom = item.receipt.resumedFrom;
  }
  if (item.error) {
    v.error = { code: item.error.code, message: item.error.message, details: item.error.details, transient: item.error.transient };
    v.retryable = item.error.retryable;
  }
  return v;
}

const identityKey = (f: Pick<FileIdentity, 'name' | 'size' | 'lastModified'>) => `${f.name}\u0000${f.size}\u0000${f.lastModified}`;

/** What an interrupted record keeps when the user continues it with `files`: every other file, as it ended. */
function carriedOver(record: DeliveryRecord, files: FileIdentity[]): CarriedOver {
  const again = new Set(files.map(identityKey));
  const out: CarriedOver = { items: [], files: [] };
  record.files.forEach((f, i) => {
    if (again.has(identityKey(f))) return;
    const item = record.items[i];
    if (!item) return;
    const ended: QueueItemView = isUnderWay(item.state) ? { ...item, state: 'cancelled' } : item;
    out.items.push(ended);
    out.files.push(record.receipt?.files.find((r) => r.name === item.name && r.status === ended.state) ?? receiptLineOf(ended, record.startedAt));
  });
  return out;
}

async function openRecord(req: DeliverRequest, files: FileIdentity[]): Promise<RunRecord> {
  const session = sessionRequest();
  if (!session) throw new SessionFailure('no-connection', 'not connected');
  const earlier = req.continues ? await getRecord(req.continues) : undefined;
  const now = new Date().toISOString();
  const record: DeliveryRecord = {
    id: req.runId,
    server: { profileId: session.profileId, label: session.profileLabel, targetId: session.targetId },
    user: session.username,
    folder: req.folder,
    startedAt: earlier?.startedAt ?? now,
    updatedAt: now,
    state: 'running',
    files: earlier ? [...earlier.files.filter((f) => !files.some((g) => identityKey(g) === identityKey(f))), ...files] : files,
    items: [],
    receipt: null,
  };
  return new RunRecord(record, earlier ? carriedOver(earlier, files) : undefined);
}

export async function deliver(req: DeliverRequest): Promise<DeliveryReceipt> {
  const session = sessionRequest();
  if (!session) throw new SessionFailure('no-connection', 'not connected');
  const files: FileIdentity[] = req.files.map((f) => ({ name: f.file.name, size: f.file.size, lastModified: f.file.lastModified, path: f.path }));
  const record = await openRecord(req, files);
  let lastPost = 0;
  const active: ActiveRun = { run: null as unknown as DeliveryRun, record, existingForAll: null, settled: Promise.resolve() };
  const run = new DeliveryRun(
    req.files.map((f) => ({ name: f.file.name, data: { ...blobSource(f.file), size: f.file.size }, ...(f.localSidecarText !== undefined ? { localSidecarText: f.localSidecarText } : {}) })),
    {
      receiptId: req.runId,
      profile: { id: session.profileId, label: session.profileLabel, targetId: session.targetId, uploadFolder: req.folder, sidecar: session.sidecar, tempRename: session.tempRename },
      user: session.username,
      log,
      verifyReadBack: req.verifyReadBack,
      onExisting: async (path): Promise<ExistingChoice> => {
        if (active.existingForAll) return active.existingForAll;
        const answer = await ask({ kind: 'existing', path, runId: req.runId });
        if (answer.kind !== 'existing') return 'skip';
        if (answer.forAll) active.existingForAll = answer.choice;
        return answer.choice;
      },
      onChange: (items) => {
        const views = items.map(view);
        record.update(views, () => run.snapshot());
        const now = performance.now();
        const settled = items.every((i) => i.state !== 'sending');
        if (settled || now - lastPost > 150) {
          lastPost = now;
          post({ type: 'queue', runId: req.runId, items: views });
        }
      },
      connect: async (): Promise<DeliverySession> => {
        const s = await current();
        return {
          sftp: s.sftp,
          hostKeyFingerprint: s.ssh.hostKey.sha256,
          hostKeyAlgorithm: s.ssh.hostKey.keyAlgorithm,
          // More SFTP channels on this connection (each its own window): files go side by side.
          openSftp: async () => SftpSession.open(await s.ssh.openSubsystem('sftp')),
          // Browsing goes on over the same connection: only a dead one is let go.
          close: async () => {
            if (liveSession() !== s) await s.ssh.close().catch(() => undefined);
          },
        };
      },
    },
  );
  active.run = run;
  runs.set(req.runId, active);
  record.begin();
  const finished = holdWhileRunning(req.runId, async () => {
    const receipt = await run.run();
    await record.finish(run.items.map(view), receipt);
    return receipt;
  });
  active.settled = finished.catch(() => undefined);
  const receipt = await finished;
  post({ type: 'queue', runId: req.runId, items: run.items.map(view) });
  return receipt;
}

export function cancel(runId: string, itemId: number | undefined, keepPartial: boolean): null {
  runs.get(runId)?.run.cancel(itemId, { keepPartial });
  return null;
}

export async function retry(runId: string, itemId: number): Promise<DeliveryReceipt> {
  const active = runs.get(runId);
  if (!active) throw new SessionFailure('unknown-run', 'no such delivery', { runId });
  active.record.begin();
  const work = holdWhileRunning(runId, async () => {
    const receipt = await active.run.retry(itemId);
    await active.record.finish(active.run.items.map(view), receipt);
    return receipt;
  });
  active.settled = work.catch(() => undefined);
  const receipt = await work;
  post({ type: 'queue', runId, items: active.run.items.map(view) });
  return receipt;
}

/** Log-out: every run stops (its temporaries removed while the connection is still there) and its record is kept. */
export async function stopAll(): Promise<void> {
  const running = [...runs.values()].filter((r) => r.record.isRunning);
  for (const active of running) active.run.cancel();
  await Promise.race([Promise.all(running.map((r) => r.settled)), new Promise((ok) => setTimeout(ok, 10_000))]);
}
