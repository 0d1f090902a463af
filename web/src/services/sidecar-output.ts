// Where `.hash` files go: straight into the data file's folder (never replacing an existing one
// silently), or as downloads, one by one or all in a .zip.
import { zipSync, strToU8 } from 'fflate';
import { parseSidecar } from '../../../core/hash/sidecar.ts';

export type FolderWriteResult = 'written' | 'exists-same' | 'exists-different' | 'overwritten';

async function existing(folder: FileSystemDirectoryHandle, name: string): Promise<FileSystemFileHandle | null> {
  try {
    return await folder.getFileHandle(name);
  } catch (err) {
    if (err instanceof DOMException && err.name === 'NotFoundError') return null;
    throw err;
  }
}

/**
 * Write `content` as `name` into `folder`. An existing file with the same digest is left alone;
 * one with a different digest is only replaced when `overwrite` is set.
 */
export async function writeSidecarIntoFolder(folder: FileSystemDirectoryHandle, name: string, content: string, hex: string, overwrite: boolean): Promise<FolderWriteResult> {
  const present = await existing(folder, name);
  if (present && !overwrite) {
    const parsed = parseSidecar(await (await present.getFile()).text());
    return parsed.ok && parsed.hex === hex.toLowerCase() ? 'exists-same' : 'exists-different';
  }
  const handle = present ?? (await folder.getFileHandle(name, { create: true }));
  const writable = await handle.createWritable();
  await writable.write(content);
  await writable.close();
  return present ? 'overwritten' : 'written';
}

export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function sidecarBlob(content: string): Blob {
  return new Blob([content], { type: 'text/plain' });
}

/** All sidecars in one zip, keeping the folder structure the user picked. */
export function zipSidecars(entries: { path: string; content: string }[]): Blob {
  const files: Record<string, Uint8Array> = {};
  for (const e of entries) files[e.path] = strToU8(e.content);
  const zipped = zipSync(files, { level: 6 });
  return new Blob([zipped as Uint8Array<ArrayBuffer>], { type: 'application/zip' });
}
