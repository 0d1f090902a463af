// Start a download where the browser allows the best: the user's chosen file (showSaveFilePicker,
// Edge/Chrome), else a download streamed through the service worker (Firefox), else — with neither —
// in memory, saved at the end.
import { safeLocalName } from '../../../core/sftp/local-name.ts';
import { download } from './session-client.ts';
import { streamThroughServiceWorker } from './download-stream.ts';
import { downloadBlob } from './sidecar-output.ts';

type SavePicker = (options?: { suggestedName?: string }) => Promise<FileSystemFileHandle>;

/**
 * Resolves when the download ended: 'saved', or 'dismissed' when the user closed the save dialog.
 * Throws on failure. The local name is the server's name made safe (no path, nothing Windows refuses).
 */
export async function saveRemoteFile(path: string, remoteName: string, size: number | undefined): Promise<'saved' | 'dismissed'> {
  const downloadId = crypto.randomUUID();
  const name = safeLocalName(remoteName);
  const picker = (globalThis as { showSaveFilePicker?: SavePicker }).showSaveFilePicker;
  if (picker) {
    let handle: FileSystemFileHandle;
    try {
      handle = await picker({ suggestedName: name });
    } catch {
      return 'dismissed';
    }
    await download(downloadId, path, size, { kind: 'file', handle });
    return 'saved';
  }
  const streamed = await streamThroughServiceWorker(name);
  if (streamed) {
    const transfer = download(downloadId, path, size, { kind: 'stream', port: streamed.port });
    streamed.open();
    try {
      await transfer;
    } finally {
      streamed.close();
    }
    return 'saved';
  }
  const result = await download(downloadId, path, size, { kind: 'memory' });
  if (result.blob) downloadBlob(name, result.blob);
  return 'saved';
}
