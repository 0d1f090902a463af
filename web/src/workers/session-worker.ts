/// <reference lib="webworker" />
// The session worker: one SSH connection through the gateway relay, its SFTP session, and the
// delivery runs on it. The UI thread only sends requests and draws what comes back.
import './ssh-shims.ts';
import { connectSsh, type SshConnection } from '../../../core/ssh/connection.ts';
import { pinnedHostKeyPolicy, type HostKeyInfo } from '../../../core/ssh/host-key-policy.ts';
import { connectWebSocket } from '../../../core/ssh/transport-websocket.ts';
import { KeyStore } from '../../../core/keys/key-store.ts';
import { SftpSession } from '../../../core/sftp/session.ts';
import { isDirectory } from '../../../core/sftp/attributes.ts';
import { blobSource } from '../../../core/sftp/byte-source.ts';
import { downloadFile } from '../../../core/sftp/download.ts';
import { DeliveryRun, type DeliveryItem, type DeliverySession } from '../../../core/delivery/delivery-run.ts';
import { SessionLog } from '../../../core/delivery/session-log.ts';
import type { ExistingChoice } from '../../../core/delivery/deliver-pair.ts';
import { indexedDbPinStore } from '../services/host-key-pins.ts';
import { asksForNewPassword } from './password-expiry.ts';
import type {
  ConnectedInfo, ConnectRequest, FromWorker, PromptAnswer, QueueItemView, RemoteEntry, SessionReplyValue, SessionRequest, ToWorker, WireError,
} from './session-protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

interface Live {
  ssh: SshConnection;
  sftp: SftpSession;
}

let request: ConnectRequest | null = null;
let live: Live | null = null;
/** The key the user trusted once this session: reconnects must meet the very same key. */
let trustedThisSession: string | null = null;
let nextPromptId = 1;
const prompts = new Map<number, (answer: PromptAnswer) => void>();
const runs = new Map<string, DeliveryRun>();
const log = new SessionLog();
log.subscribe((entry) => post({ type: 'log', entry }));

function post(message: FromWorker): void {
  self.postMessage(message);
}

export function toWireError(err: unknown): WireError {
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; message?: unknown; details?: unknown; serverMessage?: unknown };
    const details: Record<string, unknown> = typeof e.details === 'object' && e.details !== null ? { ...(e.details as Record<string, unknown>) } : {};
    if (typeof e.serverMessage === 'string') details.serverMessage = e.serverMessage;
    return { code: typeof e.code === 'string' ? e.code : 'error', message: typeof e.message === 'string' ? e.message : String(err), details };
  }
  return { code: 'error', message: String(err) };
}

function ask(prompt: Extract<FromWorker, { type: 'prompt' }>['prompt']): Promise<PromptAnswer> {
  const promptId = nextPromptId++;
  return new Promise((resolve) => {
    prompts.set(promptId, resolve);
    post({ type: 'prompt', promptId, prompt });
  });
}

let store: Promise<KeyStore> | undefined;
function keyStore(): Promise<KeyStore> {
  store ??= KeyStore.open();
  return store;
}

function relayUrl(targetId: string): string {
  const origin = self.location.origin.replace(/^http/, 'ws');
  return `${origin}/relay?target=${encodeURIComponent(targetId)}`;
}

async function open(req: ConnectRequest): Promise<Live> {
  const transport = await connectWebSocket({ url: relayUrl(req.targetId), description: `gateway target ${req.targetId}` });
  const policy = pinnedHostKeyPolicy({
    pins: req.publishedFingerprints,
    trusted: trustedThisSession ? [trustedThisSession] : [],
    store: indexedDbPinStore,
    prompt: async (key: HostKeyInfo) => {
      log.info(`unknown host key ${key.keyAlgorithm} ${key.sha256}: asking the user`);
      const answer = await ask({ kind: 'host-key', hostKey: { target: key.target, keyAlgorithm: key.keyAlgorithm, sha256: key.sha256, md5: key.md5 }, published: req.publishedFingerprints });
      const decision = answer.kind === 'host-key' ? answer.decision : 'reject';
      if (decision !== 'reject') trustedThisSession = key.sha256;
      log.info(`host key ${decision}`);
      return decision;
    },
  });
  const password = req.auth.kind === 'password' ? req.auth.password : undefined;
  const auth = req.auth.kind === 'key'
    ? { key: await (await keyStore()).userKey(req.auth.keyId) }
    : {
        password,
        // A server that asks for a new password (expired, e.g. the Cancer Registry's 14 days) is
        // told nothing: the user renews it on the operator's portal.
        keyboardInteractive: async (prompts: { prompt: string }[], instruction: string) => {
          if (asksForNewPassword(instruction, prompts)) throw new Error('password-expired');
          return prompts.map(() => password ?? '');
        },
      };
  log.info(`connecting to ${req.targetId} as ${req.username} (${req.auth.kind === 'key' ? 'key' : 'password'})`);
  let ssh: SshConnection;
  try {
    ssh = await connectSsh(transport, { target: req.targetId, username: req.username, hostKeyPolicy: policy, auth });
  } catch (err) {
    const e = err as { code?: string; details?: { reason?: unknown } };
    if (e.code === 'auth-cancelled' && e.details?.reason === 'password-expired') {
      throw { code: 'password-expired', message: `the password of ${req.username} has expired: the server asks for a new one` };
    }
    throw err;
  }
  // A key accepted from the store or the profile is this session's key from now on.
  trustedThisSession = ssh.hostKey.sha256;
  log.info(`connected: ${ssh.serverVersion}; host key ${ssh.hostKey.keyAlgorithm} ${ssh.hostKey.sha256}; ${ssh.algorithms.kex}, ${ssh.algorithms.cipher}, ${ssh.algorithms.mac}${ssh.algorithms.strictKex ? ', strict kex' : ''}`);
  let sftp: SftpSession;
  try {
    sftp = await SftpSession.open(await ssh.openSubsystem('sftp'));
  } catch (err) {
    await ssh.close().catch(() => undefined);
    throw err;
  }
  const session: Live = { ssh, sftp };
  ssh.onClose((error) => {
    if (live !== session) return;
    live = null;
    const delivering = [...runs.values()].some((r) => r.items.some((i) => i.state === 'sending' || i.state === 'reconnecting'));
    if (error) log.warn(`connection lost: ${error.message}`);
    post({ type: 'connection', state: delivering && error ? 'lost' : 'closed', ...(error ? { error: toWireError(error) } : {}) });
  });
  return session;
}

async function current(): Promise<Live> {
  if (live) return live;
  if (!request) throw { code: 'no-connection', message: 'not connected' };
  live = await open(request);
  post({ type: 'connection', state: 'restored' });
  return live;
}

function entryOf(e: { filename: string; attributes: { size?: number; mtime?: number; permissions?: number } }): RemoteEntry {
  const out: RemoteEntry = { name: e.filename, isDir: isDirectory(e.attributes) };
  if (e.attributes.size !== undefined) out.size = e.attributes.size;
  if (e.attributes.mtime !== undefined) out.mtime = e.attributes.mtime;
  return out;
}

function view(item: DeliveryItem): QueueItemView {
  const v: QueueItemView = { id: item.id, name: item.pair.name, size: item.pair.data.size, bytesDone: item.bytesDone, state: item.state, attempts: item.attempts };
  if (item.startedAt !== undefined) v.startedAt = item.startedAt;
  if (item.receipt) {
    if (item.receipt.sha1) v.sha1 = item.receipt.sha1;
    v.remotePath = item.receipt.remotePath;
    if (item.receipt.sidecarPath) v.sidecarPath = item.receipt.sidecarPath;
    if (item.receipt.resumedFrom) v.resumedFrom = item.receipt.resumedFrom;
  }
  if (item.error) v.error = { code: item.error.code, message: item.error.message, details: { ...item.error.details, retryable: item.error.retryable } };
  return v;
}

async function handle(req: SessionRequest): Promise<SessionReplyValue> {
  switch (req.op) {
    case 'connect': {
      if (live) await live.ssh.close().catch(() => undefined);
      live = null;
      trustedThisSession = null;
      request = req.req;
      live = await open(req.req);
      const home = await live.sftp.realpath('.');
      const info: ConnectedInfo = {
        user: req.req.username,
        hostKey: { target: live.ssh.hostKey.target, keyAlgorithm: live.ssh.hostKey.keyAlgorithm, sha256: live.ssh.hostKey.sha256, md5: live.ssh.hostKey.md5 },
        algorithms: live.ssh.algorithms,
        serverVersion: live.ssh.serverVersion,
        home,
        extensions: [...live.sftp.extensions.keys()],
      };
      return info;
    }
    case 'list':
      return (await (await current()).sftp.list(req.path)).map(entryOf);
    case 'realpath':
      return (await current()).sftp.realpath(req.path);
    case 'mkdir':
      await (await current()).sftp.mkdir(req.path);
      log.info(`created folder ${req.path}`);
      return null;
    case 'remove':
      await (await current()).sftp.remove(req.path);
      log.info(`deleted ${req.path}`);
      return null;
    case 'rmdir':
      await (await current()).sftp.rmdir(req.path);
      log.info(`deleted folder ${req.path}`);
      return null;
    case 'rename':
      await (await current()).sftp.rename(req.from, req.to);
      log.info(`renamed ${req.from} to ${req.to}`);
      return null;
    case 'download': {
      const { sftp } = await current();
      let bytes = 0;
      const report = () => post({ type: 'progress', transfer: 'download', path: req.path, bytes });
      if (req.target) {
        // Streams straight to the file the user chose: memory stays flat whatever the size.
        const writable = await req.target.createWritable();
        const counting = new WritableStream<Uint8Array>({
          async write(chunk) {
            await writable.write(chunk as Uint8Array<ArrayBuffer>);
            bytes += chunk.byteLength;
            report();
          },
          async close() {
            await writable.close();
          },
          async abort() {
            await writable.abort();
          },
        });
        await downloadFile(sftp, req.path, counting);
        log.info(`downloaded ${req.path} (${bytes} bytes)`);
        return { bytes };
      }
      const parts: Uint8Array[] = [];
      await downloadFile(sftp, req.path, (chunk) => {
        parts.push(chunk.slice());
        bytes += chunk.byteLength;
        report();
      });
      log.info(`downloaded ${req.path} (${bytes} bytes)`);
      return { bytes, blob: new Blob(parts as Uint8Array<ArrayBuffer>[]) };
    }
    case 'deliver': {
      const connectReq = request;
      if (!connectReq) throw { code: 'no-connection', message: 'not connected' };
      let lastPost = 0;
      const run = new DeliveryRun(
        req.files.map((f) => ({ name: f.file.name, data: { ...blobSource(f.file), size: f.file.size }, ...(f.localSidecarText !== undefined ? { localSidecarText: f.localSidecarText } : {}) })),
        {
          receiptId: req.runId,
          profile: { id: connectReq.profileId, label: connectReq.profileLabel, targetId: connectReq.targetId, uploadFolder: connectReq.uploadFolder, sidecar: connectReq.sidecar, tempRename: connectReq.tempRename },
          user: connectReq.username,
          log,
          verifyReadBack: req.verifyReadBack,
          onExisting: async (path): Promise<ExistingChoice> => {
            const answer = await ask({ kind: 'existing', path });
            return answer.kind === 'existing' ? answer.choice : 'skip';
          },
          onChange: (items) => {
            const now = performance.now();
            const settled = items.every((i) => i.state !== 'sending');
            if (settled || now - lastPost > 150) {
              lastPost = now;
              post({ type: 'queue', runId: req.runId, items: items.map(view) });
            }
          },
          connect: async (): Promise<DeliverySession> => {
            const s = await current();
            return {
              sftp: s.sftp,
              hostKeyFingerprint: s.ssh.hostKey.sha256,
              hostKeyAlgorithm: s.ssh.hostKey.keyAlgorithm,
              // Browsing goes on over the same connection: only a dead one is let go.
              close: async () => {
                if (live !== s) await s.ssh.close().catch(() => undefined);
              },
            };
          },
        },
      );
      runs.set(req.runId, run);
      const receipt = await run.run();
      post({ type: 'queue', runId: req.runId, items: run.items.map(view) });
      return receipt;
    }
    case 'cancel':
      runs.get(req.runId)?.cancel(req.itemId);
      return null;
    case 'retry': {
      const run = runs.get(req.runId);
      if (!run) throw { code: 'unknown-run', message: 'no such delivery' };
      const receipt = await run.retry(req.itemId);
      post({ type: 'queue', runId: req.runId, items: run.items.map(view) });
      return receipt;
    }
    case 'disconnect': {
      const s = live;
      live = null;
      request = null;
      trustedThisSession = null;
      for (const run of runs.values()) run.cancel();
      const exchanges = s?.ssh.keyExchanges ?? 0;
      await s?.ssh.close().catch(() => undefined);
      log.info(`logged out (${exchanges} key exchange${exchanges === 1 ? '' : 's'} in this connection)`);
      post({ type: 'connection', state: 'closed' });
      return null;
    }
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  if (msg.type === 'answer') {
    const resolve = prompts.get(msg.promptId);
    prompts.delete(msg.promptId);
    resolve?.(msg.answer);
    return;
  }
  handle(msg.request).then(
    (value) => post({ type: 'reply', id: msg.id, ok: true, value }),
    (err: unknown) => {
      const error = toWireError(err);
      log.error(`${msg.request.op}: ${error.message}`);
      post({ type: 'reply', id: msg.id, ok: false, error });
    },
  );
};
