// Files the user picks or drops, with the folder they sit in when the browser gives us one
// (File System Access API in Edge/Chrome), so `.hash` files can be written right next to them.

export interface LocalFile {
  file: File;
  /** Path relative to what the user picked, e.g. `batch-2026/gegevens.dat`. */
  path: string;
  /** The folder holding the file, writable after the user's permission; absent for plain inputs. */
  folder?: FileSystemDirectoryHandle;
}

interface PermissionCapable {
  queryPermission?(desc: { mode: 'read' | 'readwrite' }): Promise<PermissionState>;
  requestPermission?(desc: { mode: 'read' | 'readwrite' }): Promise<PermissionState>;
}

type DirectoryPicker = (options?: { mode?: 'read' | 'readwrite'; id?: string }) => Promise<FileSystemDirectoryHandle>;

export function canWriteFolders(): boolean {
  return typeof (globalThis as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker === 'function';
}

async function walk(dir: FileSystemDirectoryHandle, prefix: string, out: LocalFile[]): Promise<void> {
  for await (const [name, handle] of dir.entries()) {
    if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle, `${prefix}${name}/`, out);
    else out.push({ file: await (handle as FileSystemFileHandle).getFile(), path: `${prefix}${name}`, folder: dir });
  }
}

/** Ask for a folder with write access; `null` when the user closes the dialog. */
export async function pickWritableFolder(): Promise<LocalFile[] | null> {
  const picker = (globalThis as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker;
  if (!picker) return null;
  let root: FileSystemDirectoryHandle;
  try {
    root = await picker({ mode: 'readwrite', id: 'courier-data' });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') return null;
    throw err;
  }
  const files: LocalFile[] = [];
  await walk(root, `${root.name}/`, files);
  return files;
}

export function filesFromInput(list: FileList | null): LocalFile[] {
  return Array.from(list ?? []).map((file) => ({ file, path: file.webkitRelativePath || file.name }));
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((ok, fail) => reader.readEntries(ok, fail));
}

async function walkEntry(entry: FileSystemEntry, prefix: string, out: LocalFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((ok, fail) => (entry as FileSystemFileEntry).file(ok, fail));
    out.push({ file, path: `${prefix}${entry.name}` });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns batches until an empty one.
  for (let batch = await readEntries(reader); batch.length > 0; batch = await readEntries(reader)) {
    for (const child of batch) await walkEntry(child, `${prefix}${entry.name}/`, out);
  }
}

/** Dropped files and folders. Folders dropped in Edge/Chrome come with a handle we may write to. */
export async function filesFromDrop(data: DataTransfer): Promise<LocalFile[]> {
  const items = Array.from(data.items).filter((i) => i.kind === 'file');
  const out: LocalFile[] = [];
  const withHandles = items.map((i) => (i as DataTransferItem & { getAsFileSystemHandle?: () => Promise<FileSystemHandle | null> }).getAsFileSystemHandle?.());
  const entries = items.map((i) => i.webkitGetAsEntry());
  for (let k = 0; k < items.length; k++) {
    const handle = await withHandles[k];
    if (handle && handle.kind === 'directory') {
      await walk(handle as FileSystemDirectoryHandle, `${handle.name}/`, out);
      continue;
    }
    const entry = entries[k];
    if (entry?.isDirectory) await walkEntry(entry, '', out);
    else {
      const file = items[k]?.getAsFile();
      if (file) out.push({ file, path: file.name });
    }
  }
  return out;
}

/** Make sure we may write into `folder`; asks the user once if needed. */
export async function ensureWritable(folder: FileSystemDirectoryHandle): Promise<boolean> {
  const handle = folder as FileSystemDirectoryHandle & PermissionCapable;
  if (!handle.queryPermission) return true;
  if ((await handle.queryPermission({ mode: 'readwrite' })) === 'granted') return true;
  return (await handle.requestPermission?.({ mode: 'readwrite' })) === 'granted';
}
