// Runs key jobs in the key worker, one promise per job, with stage updates for the UI.
import type { KeyJobStage, KeyWorkerReply, KeyWorkerRequest } from '../workers/key-protocol.ts';

type Final = Exclude<KeyWorkerReply, { type: 'stage' }>;
type Request = KeyWorkerRequest extends infer R ? (R extends { jobId: number } ? Omit<R, 'jobId'> : never) : never;

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (r: Final) => void; onStage?: (s: KeyJobStage) => void }>();

function keyWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('../workers/key-worker.ts', import.meta.url), { type: 'module' });
  w.onmessage = (event: MessageEvent<KeyWorkerReply>) => {
    const reply = event.data;
    const job = pending.get(reply.jobId);
    if (!job) return;
    if (reply.type === 'stage') job.onStage?.(reply.stage);
    else {
      pending.delete(reply.jobId);
      job.resolve(reply);
    }
  };
  w.onerror = (event) => {
    for (const [jobId, job] of pending) job.resolve({ type: 'error', jobId, code: 'other', message: event.message || 'key worker failed' });
    pending.clear();
    worker = undefined;
  };
  worker = w;
  return w;
}

/** Starts the worker early, so its code is loaded before the user needs it (and offline). */
export function warmUpKeyWorker(): void {
  keyWorker();
}

export function runKeyJob(request: Request, onStage?: (stage: KeyJobStage) => void): Promise<Final> {
  const jobId = nextId++;
  return new Promise((resolve) => {
    pending.set(jobId, { resolve, onStage });
    keyWorker().postMessage({ ...request, jobId } as KeyWorkerRequest);
  });
}
