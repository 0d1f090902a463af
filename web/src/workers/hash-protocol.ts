// Messages between the page and a hash worker.
import type { HashAlgorithm } from '../../../core/hash/digest.ts';

export type HashWorkerRequest =
  | { type: 'hash'; jobId: number; file: Blob; algorithm: HashAlgorithm }
  | { type: 'cancel'; jobId: number };

export type HashWorkerReply =
  | { type: 'progress'; jobId: number; bytes: number }
  | { type: 'done'; jobId: number; hex: string; bytes: number }
  | { type: 'cancelled'; jobId: number }
  | { type: 'error'; jobId: number; message: string; name: string };
