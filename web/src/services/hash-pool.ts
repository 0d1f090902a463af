// A small pool of hash workers, one per core (2 to 4): a folder of files hashes in parallel,
// while one big file streams through one worker. A worker busy with a small file is handed the
// next one already (it queues it), so a folder of small files never waits on the page between two.
import type { HashAlgorithm } from '../../../core/hash/digest.ts';
import type { HashWorkerReply, HashWorkerRequest } from '../workers/hash-protocol.ts';

interface Job {
  jobId: number;
  file: Blob;
  algorithm: HashAlgorithm;
  onProgress: (bytes: number) => void;
  resolve: (hex: string) => void;
  reject: (err: Error) => void;
  signal?: AbortSignal;
}

export class HashJobCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'HashJobCancelled';
  }
}

interface Slot {
  worker: Worker;
  /** The file being hashed first, then at most one queued behind it. */
  jobs: Job[];
}

/** A second file is queued behind one no larger than this (it will soon be done). */
const QUEUE_BEHIND_BYTES = 32 * 1024 * 1024;

export class HashWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;

  constructor(readonly size = HashWorkerPool.defaultSize()) {}

  static defaultSize(): number {
    const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
    return Math.max(2, Math.min(cores, 4));
  }

  /** Start the workers now, so that no script is fetched once hashing has begun. */
  warmUp(): void {
    while (this.slots.length < this.size) this.slots.push(this.spawn());
  }

  hash(file: Blob, algorithm: HashAlgorithm, onProgress: (bytes: number) => void, signal?: AbortSignal): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new HashJobCancelled());
        return;
      }
      const job: Job = { jobId: this.nextId++, file, algorithm, onProgress, resolve, reject, signal };
      signal?.addEventListener('abort', () => this.cancel(job), { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  dispose(): void {
    for (const slot of this.slots) slot.worker.terminate();
    this.slots.length = 0;
  }

  private spawn(): Slot {
    const worker = new Worker(new URL('../workers/hash-worker.ts', import.meta.url), { type: 'module' });
    const slot: Slot = { worker, jobs: [] };
    worker.onmessage = (event: MessageEvent<HashWorkerReply>) => this.onReply(slot, event.data);
    worker.onerror = (event) => {
      for (const job of slot.jobs.splice(0)) job.reject(new Error(event.message || 'hash worker failed'));
      this.pump();
    };
    return slot;
  }

  private cancel(job: Job): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      job.reject(new HashJobCancelled());
      return;
    }
    const slot = this.slots.find((s) => s.jobs.includes(job));
    slot?.worker.postMessage({ type: 'cancel', jobId: job.jobId } satisfies HashWorkerRequest);
  }

  private onReply(slot: Slot, reply: HashWorkerReply): void {
    const at = slot.jobs.findIndex((j) => j.jobId === reply.jobId);
    const job = slot.jobs[at];
    if (!job) return;
    if (reply.type === 'progress') {
      job.onProgress(reply.bytes);
      return;
    }
    slot.jobs.splice(at, 1);
    if (reply.type === 'done') {
      job.onProgress(reply.bytes);
      job.resolve(reply.hex);
    } else if (reply.type === 'cancelled') job.reject(new HashJobCancelled());
    else job.reject(Object.assign(new Error(reply.message), { name: reply.name }));
    this.pump();
  }

  private pump(): void {
    this.warmUp();
    // Idle workers first, then a second file behind a small one.
    for (const room of [0, 1]) {
      for (const slot of this.slots) {
        if (slot.jobs.length !== room || (room === 1 && slot.jobs[0]!.file.size > QUEUE_BEHIND_BYTES)) continue;
        const job = this.queue.shift();
        if (!job) return;
        slot.jobs.push(job);
        slot.worker.postMessage({ type: 'hash', jobId: job.jobId, file: job.file, algorithm: job.algorithm } satisfies HashWorkerRequest);
      }
    }
  }
}

let shared: HashWorkerPool | null = null;

/** The page's one pool: the hash tool and the checker share its workers (one per core, not two sets). */
export function sharedHashPool(): HashWorkerPool {
  shared ??= new HashWorkerPool();
  return shared;
}
