// The demo server's SFTP v3 operations on a Sandbox: every request answered with data or a
// status code, never a crash. Paths are confined by the Sandbox; writes only below /incoming.
import { constants, type Stats } from 'node:fs';
import { link, lstat, mkdir, open, readdir, rename, rmdir, stat, unlink, utimes, chmod, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import ssh2, { type Attributes, type FileEntry, type SFTPWrapper } from 'ssh2';
import { Sandbox, SandboxError } from './sandbox.ts';

const { OPEN_MODE, STATUS_CODE } = ssh2.utils.sftp;

/** Largest READ answered at once (OpenSSH clients ask for at most 256 KiB). */
const MAX_READ = 255 * 1024;
const MAX_HANDLES = 256;
const DIR_BATCH = 100;

interface FileOpen {
  kind: 'file';
  vpath: string;
  fh: FileHandle;
  writable: boolean;
  inflight: Set<Promise<unknown>>;
}
interface DirOpen {
  kind: 'dir';
  vpath: string;
  real: string;
  pending: FileEntry[] | null;
}
type Open = FileOpen | DirOpen;

class SftpStatusError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function statusOf(err: unknown): { code: number; message: string } {
  if (err instanceof SftpStatusError) return { code: err.code, message: err.message };
  if (err instanceof SandboxError) return { code: err.kind === 'permission' ? STATUS_CODE.PERMISSION_DENIED : STATUS_CODE.NO_SUCH_FILE, message: err.message };
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return { code: STATUS_CODE.NO_SUCH_FILE, message: 'no such file or folder' };
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return { code: STATUS_CODE.PERMISSION_DENIED, message: 'permission denied' };
    case 'EEXIST':
      return { code: STATUS_CODE.FAILURE, message: 'already exists' };
    case 'ENOTEMPTY':
      return { code: STATUS_CODE.FAILURE, message: 'folder not empty' };
    case 'EISDIR':
      return { code: STATUS_CODE.FAILURE, message: 'is a folder' };
    case 'ENOTDIR':
      return { code: STATUS_CODE.FAILURE, message: 'not a folder' };
    case 'ELOOP':
      return { code: STATUS_CODE.PERMISSION_DENIED, message: 'symbolic links are not followed here' };
    case 'ENOSPC':
    case 'EDQUOT':
      return { code: STATUS_CODE.FAILURE, message: 'no space left' };
    default:
      return { code: STATUS_CODE.FAILURE, message: 'operation failed' };
  }
}

export function attrsOf(s: Stats): Attributes {
  return { mode: s.mode, uid: s.uid, gid: s.gid, size: s.size, atime: Math.floor(s.atimeMs / 1000), mtime: Math.floor(s.mtimeMs / 1000) };
}

function longname(name: string, s: Stats, user: string): string {
  const type = s.isDirectory() ? 'd' : s.isSymbolicLink() ? 'l' : '-';
  const rwx = (bits: number) => `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${bits & 1 ? 'x' : '-'}`;
  const perms = type + rwx(s.mode >> 6) + rwx(s.mode >> 3) + rwx(s.mode);
  const d = s.mtime;
  const month = d.toLocaleString('en', { month: 'short', timeZone: 'UTC' });
  const when = `${month} ${String(d.getUTCDate()).padStart(2)} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return `${perms}    1 ${user.padEnd(8)} ${user.padEnd(8)} ${String(s.size).padStart(8)} ${when} ${name}`;
}

function readString(buf: Buffer, offset: number): { value: Buffer; next: number } {
  if (offset + 4 > buf.length) throw new SftpStatusError(STATUS_CODE.BAD_MESSAGE, 'malformed request');
  const len = buf.readUInt32BE(offset);
  if (offset + 4 + len > buf.length) throw new SftpStatusError(STATUS_CODE.BAD_MESSAGE, 'malformed request');
  return { value: buf.subarray(offset + 4, offset + 4 + len), next: offset + 4 + len };
}

/** Serves one SFTP session until the client goes away. */
export function serveSftp(sftp: SFTPWrapper, sandbox: Sandbox, user: string): void {
  const opens = new Map<number, Open>();
  let nextHandle = 1;

  const ok = (id: number) => sftp.status(id, STATUS_CODE.OK);
  const fail = (id: number, err: unknown) => {
    const { code, message } = statusOf(err);
    sftp.status(id, code, message);
  };
  // Each request runs on its own; any exception becomes a status reply for that request.
  const on = <A extends unknown[]>(event: string, run: (id: number, ...args: A) => Promise<void>) => {
    sftp.on(event, (id: number, ...args: A) => {
      run(id, ...args).catch((err: unknown) => fail(id, err));
    });
  };

  const newHandle = (o: Open): Buffer => {
    if (opens.size >= MAX_HANDLES) throw new SftpStatusError(STATUS_CODE.FAILURE, 'too many open files');
    const n = nextHandle++;
    opens.set(n, o);
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const handleNumber = (h: Buffer) => (h.length === 4 ? h.readUInt32BE(0) : -1);
  const fileOf = (h: Buffer): FileOpen => {
    const o = opens.get(handleNumber(h));
    if (!o || o.kind !== 'file') throw new SftpStatusError(STATUS_CODE.FAILURE, 'invalid handle');
    return o;
  };
  const track = <T>(f: FileOpen, p: Promise<T>): Promise<T> => {
    f.inflight.add(p);
    return p.finally(() => f.inflight.delete(p));
  };

  on('OPEN', async (id, filename: string, flags: number, attrs: Attributes) => {
    const writing = (flags & (OPEN_MODE.WRITE | OPEN_MODE.APPEND | OPEN_MODE.CREAT | OPEN_MODE.TRUNC)) !== 0;
    const { vpath, real } = await sandbox.resolve(filename, true);
    if (writing) sandbox.requireWritable(vpath);
    let f = constants.O_NOFOLLOW;
    const read = (flags & OPEN_MODE.READ) !== 0;
    f |= read && writing ? constants.O_RDWR : writing ? constants.O_WRONLY : constants.O_RDONLY;
    if (flags & OPEN_MODE.APPEND) f |= constants.O_APPEND;
    if (flags & OPEN_MODE.CREAT) f |= constants.O_CREAT;
    if (flags & OPEN_MODE.TRUNC) f |= constants.O_TRUNC;
    if (flags & OPEN_MODE.EXCL) f |= constants.O_EXCL;
    const mode = typeof attrs?.mode === 'number' ? attrs.mode & 0o666 : 0o644;
    const fh = await open(real, f, mode);
    const info = await fh.stat();
    if (!info.isFile()) {
      await fh.close();
      throw new SftpStatusError(STATUS_CODE.FAILURE, 'not a regular file');
    }
    sftp.handle(id, newHandle({ kind: 'file', vpath, fh, writable: writing, inflight: new Set() }));
  });

  on('READ', async (id, handle: Buffer, offset: number, length: number) => {
    const f = fileOf(handle);
    const buf = Buffer.alloc(Math.min(length, MAX_READ));
    const { bytesRead } = await track(f, f.fh.read(buf, 0, buf.length, offset));
    if (bytesRead === 0 && length > 0) sftp.status(id, STATUS_CODE.EOF);
    else sftp.data(id, buf.subarray(0, bytesRead));
  });

  on('WRITE', async (id, handle: Buffer, offset: number, data: Buffer) => {
    const f = fileOf(handle);
    if (!f.writable) throw new SftpStatusError(STATUS_CODE.PERMISSION_DENIED, 'file not opened for writing');
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await track(f, f.fh.write(data, done, data.length - done, offset + done));
      done += bytesWritten;
    }
    ok(id);
  });

  on('CLOSE', async (id, handle: Buffer) => {
    const n = handleNumber(handle);
    const o = opens.get(n);
    if (!o) throw new SftpStatusError(STATUS_CODE.FAILURE, 'invalid handle');
    opens.delete(n);
    if (o.kind === 'file') {
      await Promise.allSettled([...o.inflight]);
      await o.fh.close();
    }
    ok(id);
  });

  on('FSTAT', async (id, handle: Buffer) => sftp.attrs(id, attrsOf(await fileOf(handle).fh.stat())));
  on('STAT', async (id, path: string) => sftp.attrs(id, attrsOf(await stat((await sandbox.resolve(path, true)).real))));
  on('LSTAT', async (id, path: string) => sftp.attrs(id, attrsOf(await lstat((await sandbox.resolve(path, false)).real))));

  const applyAttrs = async (attrs: Attributes, current: Stats, ops: { chmod(m: number): Promise<void>; utimes(a: number, m: number): Promise<void>; truncate(n: number): Promise<void> }) => {
    const a: Partial<Attributes> = attrs ?? {};
    if ((a.uid !== undefined && a.uid !== current.uid) || (a.gid !== undefined && a.gid !== current.gid)) {
      throw new SftpStatusError(STATUS_CODE.PERMISSION_DENIED, 'changing the owner is not allowed');
    }
    if (a.size !== undefined) await ops.truncate(a.size);
    if (a.mode !== undefined) await ops.chmod(a.mode & 0o777);
    if (a.atime !== undefined || a.mtime !== undefined) await ops.utimes(a.atime ?? Math.floor(current.atimeMs / 1000), a.mtime ?? Math.floor(current.mtimeMs / 1000));
  };

  on('SETSTAT', async (id, path: string, attrs: Attributes) => {
    const { vpath, real } = await sandbox.resolve(path, true);
    sandbox.requireWritable(vpath);
    await applyAttrs(attrs, await stat(real), { chmod: (m) => chmod(real, m), utimes: (a, m) => utimes(real, a, m), truncate: (n) => truncate(real, n) });
    ok(id);
  });

  on('FSETSTAT', async (id, handle: Buffer, attrs: Attributes) => {
    const f = fileOf(handle);
    if (!f.writable) throw new SftpStatusError(STATUS_CODE.PERMISSION_DENIED, 'file not opened for writing');
    await applyAttrs(attrs, await f.fh.stat(), { chmod: (m) => f.fh.chmod(m), utimes: (a, m) => f.fh.utimes(a, m), truncate: (n) => f.fh.truncate(n) });
    ok(id);
  });

  on('OPENDIR', async (id, path: string) => {
    const { vpath, real } = await sandbox.resolve(path, true);
    if (!(await stat(real)).isDirectory()) throw new SftpStatusError(STATUS_CODE.FAILURE, 'not a folder');
    sftp.handle(id, newHandle({ kind: 'dir', vpath, real, pending: null }));
  });

  on('READDIR', async (id, handle: Buffer) => {
    const o = opens.get(handleNumber(handle));
    if (!o || o.kind !== 'dir') throw new SftpStatusError(STATUS_CODE.FAILURE, 'invalid handle');
    if (o.pending === null) {
      const names = ['.', '..', ...(await readdir(o.real)).sort()];
      const entries: FileEntry[] = [];
      for (const name of names) {
        const s = await lstat(join(o.real, name)).catch(() => null);
        if (s) entries.push({ filename: name, longname: longname(name, s, user), attrs: attrsOf(s) });
      }
      o.pending = entries;
    }
    const batch = o.pending.splice(0, DIR_BATCH);
    if (batch.length === 0) sftp.status(id, STATUS_CODE.EOF);
    else sftp.name(id, batch);
  });

  on('REMOVE', async (id, path: string) => {
    const { vpath, real } = await sandbox.resolve(path, false);
    sandbox.requireWritable(vpath);
    if ((await lstat(real)).isDirectory()) throw new SftpStatusError(STATUS_CODE.FAILURE, 'is a folder (use rmdir)');
    await unlink(real);
    ok(id);
  });

  on('MKDIR', async (id, path: string, attrs: Attributes) => {
    const { vpath, real } = await sandbox.resolve(path, false);
    sandbox.requireWritable(vpath);
    await mkdir(real, typeof attrs?.mode === 'number' ? attrs.mode & 0o777 : 0o755);
    ok(id);
  });

  on('RMDIR', async (id, path: string) => {
    const { vpath, real } = await sandbox.resolve(path, false);
    sandbox.requireWritable(vpath);
    await rmdir(real);
    ok(id);
  });

  on('REALPATH', async (id, path: string) => {
    const vpath = sandbox.virtual(path);
    sftp.name(id, [{ filename: vpath, longname: vpath, attrs: {} as Attributes }]);
  });

  const renameIn = async (oldPath: string, newPath: string, overwrite: boolean) => {
    const from = await sandbox.resolve(oldPath, false);
    const to = await sandbox.resolve(newPath, false);
    sandbox.requireWritable(from.vpath);
    sandbox.requireWritable(to.vpath);
    if (overwrite) return rename(from.real, to.real);
    // SFTP v3 RENAME must not replace an existing file: link() refuses atomically if it exists.
    if ((await lstat(from.real)).isDirectory()) {
      if (await lstat(to.real).then(() => true, () => false)) throw new SftpStatusError(STATUS_CODE.FAILURE, 'already exists');
      return rename(from.real, to.real);
    }
    await link(from.real, to.real);
    await unlink(from.real);
  };

  on('RENAME', async (id, oldPath: string, newPath: string) => {
    await renameIn(oldPath, newPath, false);
    ok(id);
  });

  on('EXTENDED', async (id, name: string, data: Buffer | undefined) => {
    const raw = data ?? Buffer.alloc(0);
    if (name === 'posix-rename@openssh.com') {
      const a = readString(raw, 0);
      const b = readString(raw, a.next);
      await renameIn(a.value.toString('utf8'), b.value.toString('utf8'), true);
      return ok(id);
    }
    if (name === 'fsync@openssh.com') {
      const f = fileOf(readString(raw, 0).value);
      await track(f, f.fh.sync());
      return ok(id);
    }
    sftp.status(id, STATUS_CODE.OP_UNSUPPORTED, `${name} is not supported`);
  });

  const closeAll = () => {
    for (const o of opens.values()) if (o.kind === 'file') void Promise.allSettled([...o.inflight]).then(() => o.fh.close().catch(() => undefined));
    opens.clear();
  };
  sftp.on('close', closeAll);
  // The client sent EOF (e.g. `sftp -b` finished): close our side too, or it waits for ever.
  sftp.on('end', () => {
    closeAll();
    sftp.end();
  });
}
