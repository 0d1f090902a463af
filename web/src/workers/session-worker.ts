/// <reference lib="webworker" />
// The session worker: one SSH connection through the gateway relay, its SFTP session, and the
// transfers on it (session-connection, -files, -downloads, -deliveries). The UI thread only sends
// requests and draws what comes back.
import { answer, log, post } from './session-channel.ts';
import { connect, disconnect } from './session-connection.ts';
import { cancel, deliver, retry, stopAll } from './session-deliveries.ts';
import { cancelDownload, download } from './session-downloads.ts';
import { toWireError } from './session-errors.ts';
import * as files from './session-files.ts';
import type { SessionReplyValue, SessionRequest, ToWorker } from './session-protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

function handle(req: SessionRequest): Promise<SessionReplyValue> | SessionReplyValue {
  switch (req.op) {
    case 'connect':
      return connect(req.req);
    case 'list':
      return files.list(req.path);
    case 'realpath':
      return files.realpath(req.path);
    case 'mkdir':
      return files.mkdir(req.path);
    case 'remove':
      return files.remove(req.path);
    case 'rmdir':
      return files.rmdir(req.path);
    case 'rename':
      return files.rename(req.from, req.to);
    case 'download':
      return download(req.downloadId, req.path, req.size, req.sink);
    case 'cancel-download':
      return cancelDownload(req.downloadId);
    case 'deliver':
      return deliver(req.run);
    case 'cancel':
      return cancel(req.runId, req.itemId, req.keepPartial ?? false);
    case 'retry':
      return retry(req.runId, req.itemId);
    case 'disconnect':
      return stopAll().then(disconnect).then(() => null);
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  if (msg.type === 'answer') {
    answer(msg.promptId, msg.answer);
    return;
  }
  Promise.resolve()
    .then(() => handle(msg.request))
    .then(
      (value) => post({ type: 'reply', id: msg.id, ok: true, value }),
      (err: unknown) => {
        const error = toWireError(err);
        log.error(`${msg.request.op}: ${error.message}`);
        post({ type: 'reply', id: msg.id, ok: false, error });
      },
    );
};
