/// <reference lib="webworker" />
// Generates, writes and imports keys off the UI thread: Argon2 (PPK v3) and bcrypt_pbkdf
// (OpenSSH) block for up to a second. Keys to keep go straight into the key store from here.
import {
  buildKeyFiles, generateKeyMaterial, KeyError, KeyStore, readKeyFile, summarize,
} from '../../../core/keys/index.ts';
import type { KeyWorkerReply, KeyWorkerRequest } from './key-protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

function post(reply: KeyWorkerReply): void {
  self.postMessage(reply);
}

let store: Promise<KeyStore> | undefined;
function keyStore(): Promise<KeyStore> {
  store ??= KeyStore.open();
  return store;
}

async function handle(msg: KeyWorkerRequest): Promise<void> {
  const { jobId } = msg;
  try {
    if (msg.type === 'generate') {
      post({ type: 'stage', jobId, stage: 'generating' });
      const key = await generateKeyMaterial(msg.spec);
      const file = { key, comment: msg.comment };
      post({ type: 'stage', jobId, stage: 'writing' });
      const files = await buildKeyFiles(file, { ident: msg.ident, passphrase: msg.passphrase });
      const stored = msg.keep ? await (await keyStore()).add(file) : undefined;
      post({ type: 'generated', jobId, files, summary: summarize(file), stored });
    } else {
      post({ type: 'stage', jobId, stage: 'reading' });
      const result = await readKeyFile(msg.data, msg.passphrase);
      if (!result.privateKey) {
        post({ type: 'error', jobId, code: 'public', message: 'public key' });
        return;
      }
      const stored = await (await keyStore()).add(result.privateKey);
      post({ type: 'imported', jobId, summary: result.summary, stored });
    }
  } catch (err) {
    if (err instanceof KeyError) post({ type: 'error', jobId, code: err.code, message: err.message });
    else post({ type: 'error', jobId, code: 'other', message: err instanceof Error ? err.message : String(err) });
  }
}

self.onmessage = (event: MessageEvent<KeyWorkerRequest>) => void handle(event.data);
