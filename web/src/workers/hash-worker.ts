/// <reference lib="webworker" />
// Hashes one file at a time, streaming it through hash-wasm off the UI thread. `file.stream()`
// was the fastest reader measured in Chromium; progress is posted at most every 100 ms.
import { digestStream, HashCancelledError } from '../../../core/hash/stream-digest.ts';
import type { HashWorkerReply, HashWorkerRequest } from './hash-protocol.ts';

declare const self: DedicatedWorkerGlobalScope;
const running = new Map<number, AbortController>();

function post(reply: HashWorkerReply): void {
  self.postMessage(reply);
}

async function hash(jobId: number, file: Blob, algorithm: 'sha1' | 'sha256'): Promise<void> {
  const controller = new AbortController();
  running.set(jobId, controller);
  let lastPost = 0;
  try {
    const { hex, bytes } = await digestStream(file.stream(), {
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
    running.delete(jobId);
  }
}

self.onmessage = (event: MessageEvent<HashWorkerRequest>) => {
  const msg = event.data;
  if (msg.type === 'hash') void hash(msg.jobId, msg.file, msg.algorithm);
  else running.get(msg.jobId)?.abort();
};
