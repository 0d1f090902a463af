// Browsing the server: list a folder, make, rename and delete files and folders.
import { isDirectory } from '../../../core/sftp/attributes.ts';
import { log } from './session-channel.ts';
import { current } from './session-connection.ts';
import type { RemoteEntry } from './session-protocol.ts';

function entryOf(e: { filename: string; attributes: { size?: number; mtime?: number; permissions?: number } }): RemoteEntry {
  const out: RemoteEntry = { name: e.filename, isDir: isDirectory(e.attributes) };
  if (e.attributes.size !== undefined) out.size = e.attributes.size;
  if (e.attributes.mtime !== undefined) out.mtime = e.attributes.mtime;
  return out;
}

export async function list(path: string): Promise<RemoteEntry[]> {
  return (await (await current()).sftp.list(path)).map(entryOf);
}

export async function realpath(path: string): Promise<string> {
  return (await current()).sftp.realpath(path);
}

export async function mkdir(path: string): Promise<null> {
  await (await current()).sftp.mkdir(path);
  log.info(`created folder ${path}`);
  return null;
}

export async function remove(path: string): Promise<null> {
  await (await current()).sftp.remove(path);
  log.info(`deleted ${path}`);
  return null;
}

export async function rmdir(path: string): Promise<null> {
  await (await current()).sftp.rmdir(path);
  log.info(`deleted folder ${path}`);
  return null;
}

export async function rename(from: string, to: string): Promise<null> {
  await (await current()).sftp.rename(from, to);
  log.info(`renamed ${from} to ${to}`);
  return null;
}
