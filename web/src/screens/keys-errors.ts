// A key job's failure as a coded error, worded by the error catalogue like every other failure
// (error.<code>): the worker's English message only reaches the technical details.
import type { CodedError } from '../i18n/describe-error.ts';
import type { KeyWorkerReply } from '../workers/key-protocol.ts';

export function keyJobError(reply: Extract<KeyWorkerReply, { type: 'error' }>): CodedError {
  const code = reply.code === 'public' ? 'public-key' : reply.code === 'other' ? 'key-job-failed' : reply.code;
  return { code, message: reply.message };
}
