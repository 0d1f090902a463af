/// <reference lib="webworker" />
// Hashes files one at a time, in the order asked, off the UI thread. The pool may already send the
// next file while one is hashed, so no round trip through a busy page sits between two small
// files. Each file is read ahead while hashing, or digested by WebCrypto in one go when small
// (core/hash/blob-digest.ts); progress is posted at most every 100 ms.
import { digestBlob } from '../../../core/hash/blob-digest.ts';
import { HashCancelledError } from '../../../core/hash/stream-digest.ts';
import type { HashWorkerReply, HashWorkerRequest } from './hash-protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

type HashJob = Extract<HashWorkerRequest, { type: 'hash' }>;

const queue: HashJob[] = [];
let current: { jobId: number; controller: AbortController } | null = null;

function post(reply: HashWorkerReply): void {
  self.postMessage(reply);
}

async function hash({ jobId, file, algorithm }: HashJob): Promise<void> {
  const controller = new AbortController();
  current = { jobId, controller };
  let lastPost = 0;
  try {
    const { hex, bytes } = await digestBlob(file, {
      algorithm,
      signal: controller.signal,
      onProgress(done) {
        const now = performance.now();
        if (now - lastPost >= 100) {
          lastPost = now;
          post({ type: 'progress', jobId, bytes: done });
        }
      },
    });
    post({ type: 'done', jobId, hex, bytes });
  } catch (err) {
    if (err instanceof HashCancelledError) post({ type: 'cancelled', jobId });
    else post({ type: 'error', jobId, message: err instanceof Error ? err.message : String(err), name: err instanceof Error ? err.name : 'Error' });
  } finally {
    current = null;
  }
}

async function drain(): Promise<void> {
  if (current) return;
  for (let job = queue.shift(); job; job = queue.shift()) await hash(job);
}

self.onmessage = (event: MessageEvent<HashWorkerRequest>) => {
  const msg = event.data;
  if (msg.type === 'hash') {
    queue.push(msg);
    void drain();
    return;
  }
  const waiting = queue.findIndex((j) => j.jobId === msg.jobId);
  if (waiting >= 0) {
    queue.splice(waiting, 1);
    post({ type: 'cancelled', jobId: msg.jobId });
  } else if (current?.jobId === msg.jobId) current.controller.abort();
};
