/// <reference lib="webworker" />
// Generates, writes and imports keys off the UI thread: Argon2 (PPK v3, the key store) and
// bcrypt_pbkdf (OpenSSH) block for up to a second. Keys to keep go straight into the key store
// from here, locked with the user's passphrase. Imported files are read here, not in the page.
import {
  buildKeyFiles, detectFormat, generateKeyMaterial, KeyError, keyFileText, KeyStore, needsPassphrase, readKeyFile, summarize,
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

const MAX_KEY_FILE = 1024 * 1024;

async function fileBytes(file: Blob): Promise<Uint8Array> {
  // A key file is a few KiB: do not read a huge file picked by mistake.
  return new Uint8Array(await file.slice(0, MAX_KEY_FILE + 1).arrayBuffer());
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
      const stored = msg.keep
        ? await (await keyStore()).add(file, { name: msg.keep.name, passphrase: msg.passphrase || msg.keep.passphrase, allowUnprotected: msg.keep.allowUnprotected })
        : undefined;
      post({ type: 'generated', jobId, files, summary: summarize(file), stored });
    } else if (msg.type === 'probe') {
      const bytes = await fileBytes(msg.file);
      const format = bytes.length > MAX_KEY_FILE ? undefined : detectFormat(keyFileText(bytes));
      post({ type: 'probed', jobId, format, encrypted: format ? needsPassphrase(bytes) : false });
    } else {
      post({ type: 'stage', jobId, stage: 'reading' });
      const result = await readKeyFile(await fileBytes(msg.file), msg.passphrase);
      if (!result.privateKey) {
        post({ type: 'error', jobId, code: 'public', message: 'public key' });
        return;
      }
      const stored = await (await keyStore()).add(result.privateKey, {
        name: msg.keep.name,
        passphrase: msg.keep.passphrase || msg.passphrase,
        allowUnprotected: msg.keep.allowUnprotected,
      });
      post({ type: 'imported', jobId, summary: result.summary, stored });
    }
  } catch (err) {
    if (err instanceof KeyError) post({ type: 'error', jobId, code: err.code, message: err.message });
    else post({ type: 'error', jobId, code: 'other', message: err instanceof Error ? err.message : String(err) });
  }
}

self.onmessage = (event: MessageEvent<KeyWorkerRequest>) => void handle(event.data);
