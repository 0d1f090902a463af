/// <reference lib="webworker" />
// The session worker's line to the UI thread: news posted as messages, questions asked and
// answered by id, and the session log every module writes to.
import { SessionLog } from '../../../core/delivery/session-log.ts';
import type { FromWorker, PromptAnswer } from './session-protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

export type Prompt = Extract<FromWorker, { type: 'prompt' }>['prompt'];

export const log = new SessionLog();
log.subscribe((entry) => post({ type: 'log', entry }));

export function post(message: FromWorker): void {
  self.postMessage(message);
}

let nextPromptId = 1;
const prompts = new Map<number, (answer: PromptAnswer) => void>();

/** Asks the user (a dialog on the UI thread) and waits for the answer. */
export function ask(prompt: Prompt): Promise<PromptAnswer> {
  const promptId = nextPromptId++;
  return new Promise((resolve) => {
    prompts.set(promptId, resolve);
    post({ type: 'prompt', promptId, prompt });
  });
}

export function answer(promptId: number, value: PromptAnswer): void {
  const resolve = prompts.get(promptId);
  prompts.delete(promptId);
  resolve?.(value);
}
