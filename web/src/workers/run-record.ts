// Keeps a delivery run's history record up to date while it goes on: every state change is
// written at once, byte progress at most twice a second, one write at a time (the latest wins).
// A run that continues an interrupted one carries on its record: the files that were already done
// keep their lines.
import type { DeliveryReceipt, ReceiptFile } from '../../../core/delivery/receipt.ts';
import { saveRecord, type DeliveryRecord } from '../services/delivery-history.ts';
import { log } from './session-channel.ts';
import type { QueueItemView } from './session-protocol.ts';

const PROGRESS_EVERY_MS = 500;

/** What an earlier, interrupted attempt of the same run had already finished. */
export interface CarriedOver {
  items: QueueItemView[];
  files: ReceiptFile[];
}

export class RunRecord {
  private lastWrite = 0;
  private lastStates = '';
  private writing: Promise<void> | null = null;
  private next: DeliveryRecord | null = null;
  /** Between begin() and finish(): changes of the run are written; after it, a late change (a cancel of an ended run) is not. */
  private running = false;

  constructor(private record: DeliveryRecord, private readonly carried: CarriedOver = { items: [], files: [] }) {}

  get id(): string {
    return this.record.id;
  }

  /** The run starts (or a retry starts it again). */
  begin(): void {
    this.running = true;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** The run changed: write now if a file changed state, else if enough time passed (`receipt` is taken only then). */
  update(items: QueueItemView[], receipt: () => DeliveryReceipt): void {
    if (!this.running) return;
    const states = items.map((i) => i.state).join();
    const now = performance.now();
    if (states === this.lastStates && now - this.lastWrite < PROGRESS_EVERY_MS) return;
    this.lastStates = states;
    this.lastWrite = now;
    this.write(this.merged(items, receipt(), 'running'));
  }

  /** The run ended (delivered, failed, cancelled or logged out): the final receipt is kept. */
  async finish(items: QueueItemView[], receipt: DeliveryReceipt | null): Promise<void> {
    this.running = false;
    this.write(this.merged(items, receipt, 'ended'));
    await this.flushed();
  }

  /** Resolves once every write asked for so far is done. */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private merged(items: QueueItemView[], receipt: DeliveryReceipt | null, state: DeliveryRecord['state']): DeliveryRecord {
    const all = [...this.carried.items, ...items];
    const merged: DeliveryRecord = { ...this.record, state, updatedAt: new Date().toISOString(), items: all };
    if (receipt) merged.receipt = { ...receipt, id: this.record.id, startedAt: this.record.startedAt, files: [...this.carried.files, ...receipt.files] };
    this.record = merged;
    return merged;
  }

  private write(record: DeliveryRecord): void {
    this.next = record;
    if (this.writing) return;
    this.writing = (async () => {
      while (this.next) {
        const r = this.next;
        this.next = null;
        try {
          await saveRecord(r);
        } catch (err) {
          log.warn(`the delivery history could not be saved: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      this.writing = null;
    })();
  }
}
