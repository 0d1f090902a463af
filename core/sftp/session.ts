// An SFTP v3 session over an SSH channel on which the `sftp` subsystem is open: the file
// operations of draft-ietf-secsh-filexfer-02 plus the OpenSSH extensions a server announces.
import type { SshChannelStream } from '../ssh/channel.ts';
import { attributeFields, type FileAttributes } from './attributes.ts';
import { DEFAULT_CHUNK, EXT, FXP, MAX_CHUNK, MAX_INCOMING_PACKET, OPEN } from './constants.ts';
import { SftpError } from './errors.ts';
import { attrsReply, dataReply, extendedReply, handleReply, namesReply, okStatus, singleNameReply, type NameEntry } from './replies.ts';
import { RequestRouter, type RouterOptions, type SentRequest } from './request-router.ts';
import type { WireReader } from './wire-reader.ts';
import { bytes, str, u32, u64 } from './wire-writer.ts';

export type { NameEntry } from './replies.ts';

/** An open file or directory on the server. */
export interface SftpHandle {
  readonly bytes: Uint8Array;
  /** The path it was opened with, for error messages. */
  readonly path: string;
}

/** What the server states with limits@openssh.com (0 = not stated). */
export interface ServerLimits {
  maxPacketLength: number;
  maxReadLength: number;
  maxWriteLength: number;
  maxOpenHandles: number;
}

export interface FileSystemStats {
  blockSize: number;
  fragmentSize: number;
  blocks: number;
  blocksFree: number;
  blocksAvailable: number;
  files: number;
  filesFree: number;
  filesAvailable: number;
  fsid: number;
  flags: number;
  nameMax: number;
  /** Bytes available to an unprivileged user. */
  bytesAvailable: number;
}

export interface SftpSessionOptions extends RouterOptions {
  /** Bytes per READ request; default: the server's limit, else 32 KiB. */
  readChunk?: number;
  /** Bytes per WRITE request; default: the server's limit, else 32 KiB. */
  writeChunk?: number;
}

export type OpenMode = 'read' | 'write' | 'write-new' | 'write-resume';

/** SSH_FXF_* flags for each way we open files; writes never ask for READ (write-only drop boxes). */
export const OPEN_MODES: Record<OpenMode, number> = {
  read: OPEN.READ,
  /** Create or truncate. */
  write: OPEN.WRITE | OPEN.CREAT | OPEN.TRUNC,
  /** Create; fail if it exists (no overwrite without a stat). */
  'write-new': OPEN.WRITE | OPEN.CREAT | OPEN.EXCL,
  /** Create or keep what is there (resume). */
  'write-resume': OPEN.WRITE | OPEN.CREAT,
};

const ignore = (): void => undefined;

export class SftpSession {
  /** Extension name -> version, as the server announced them. */
  readonly extensions: ReadonlyMap<string, string>;
  /** What limits@openssh.com said, if offered. */
  readonly serverLimits: ServerLimits | null;
  /** Bytes per READ / WRITE request this session uses. */
  readonly readChunk: number;
  readonly writeChunk: number;

  private constructor(private readonly router: RequestRouter, extensions: Map<string, string>, limits: ServerLimits | null, options: SftpSessionOptions) {
    this.extensions = extensions;
    this.serverLimits = limits;
    const cap = (stated: number | undefined) => {
      let n = stated && stated > 0 ? stated : DEFAULT_CHUNK;
      if (limits && limits.maxPacketLength > 1024) n = Math.min(n, limits.maxPacketLength - 1024);
      return Math.max(1024, Math.min(n, MAX_CHUNK));
    };
    // A caller's choice (benchmarks, tests) may be smaller, never larger than what the server allows.
    this.readChunk = options.readChunk ? Math.min(options.readChunk, limits ? cap(limits.maxReadLength) : MAX_CHUNK) : cap(limits?.maxReadLength);
    this.writeChunk = options.writeChunk ? Math.min(options.writeChunk, limits ? cap(limits.maxWriteLength) : MAX_CHUNK) : cap(limits?.maxWriteLength);
  }

  /** Sends INIT, reads VERSION (must be 3) and the server's limits. */
  static async open(channel: SshChannelStream, options: SftpSessionOptions = {}): Promise<SftpSession> {
    const { router, hello } = await RequestRouter.start(channel, { ...options, maxPacketLength: options.maxPacketLength ?? MAX_INCOMING_PACKET });
    let limits: ServerLimits | null = null;
    try {
      // A server that announces limits but then fails the request: fall back to safe defaults.
      if (offers(hello.extensions, EXT.limits)) {
        limits = await router.request(FXP.EXTENDED, [str(EXT.limits[0])], extendedReply((r) => ({
          maxPacketLength: r.uint64('max-packet-length'),
          maxReadLength: r.uint64('max-read-length'),
          maxWriteLength: r.uint64('max-write-length'),
          maxOpenHandles: r.uint64('max-open-handles'),
        }))).reply.catch((err: unknown) => {
          if (err instanceof SftpError && err.status !== undefined) return null;
          throw err;
        });
      }
    } catch (err) {
      await router.close();
      throw err;
    }
    return new SftpSession(router, hello.extensions, limits, options);
  }

  /** True if the server announced this OpenSSH extension in a version we speak. */
  has(ext: keyof typeof EXT): boolean {
    return offers(this.extensions, EXT[ext]);
  }

  /** Why the session ended, or null while it is usable. */
  get failure(): SftpError | null {
    return this.router.failure;
  }

  /** Resolves once the session has ended, with the reason. */
  get ended(): Promise<SftpError> {
    return this.router.ended;
  }

  close(): Promise<void> {
    return this.router.close();
  }

  realpath(path: string): Promise<string> {
    return this.router.request(FXP.REALPATH, [str(path)], singleNameReply(path)).reply;
  }

  stat(path: string): Promise<FileAttributes> {
    return this.router.request(FXP.STAT, [str(path)], attrsReply(path)).reply;
  }

  lstat(path: string): Promise<FileAttributes> {
    return this.router.request(FXP.LSTAT, [str(path)], attrsReply(path)).reply;
  }

  fstat(handle: SftpHandle): Promise<FileAttributes> {
    return this.router.request(FXP.FSTAT, [bytes(handle.bytes)], attrsReply(handle.path)).reply;
  }

  setstat(path: string, attributes: FileAttributes): Promise<void> {
    return this.router.request(FXP.SETSTAT, [str(path), ...attributeFields(attributes)], okStatus(path)).reply;
  }

  fsetstat(handle: SftpHandle, attributes: FileAttributes): Promise<void> {
    return this.router.request(FXP.FSETSTAT, [bytes(handle.bytes), ...attributeFields(attributes)], okStatus(handle.path)).reply;
  }

  /** Opens a file; `mode` is one of OPEN_MODES or raw SSH_FXF_* flags. Attributes apply only on creation. */
  async open(path: string, mode: OpenMode | number, attributes: FileAttributes = {}): Promise<SftpHandle> {
    const flags = typeof mode === 'number' ? mode : OPEN_MODES[mode];
    const handle = await this.router.request(FXP.OPEN, [str(path), u32(flags), ...attributeFields(attributes)], handleReply(path)).reply;
    return { bytes: handle, path };
  }

  /** Closes a file or directory handle. For files written to, this is when the server reports late write errors. */
  closeHandle(handle: SftpHandle): Promise<void> {
    return this.router.request(FXP.CLOSE, [bytes(handle.bytes)], okStatus(handle.path)).reply;
  }

  /** One READ: the bytes (possibly fewer than asked) or `null` at end of file. */
  read(handle: SftpHandle, offset: number, length: number): Promise<Uint8Array | null> {
    return this.readRequest(handle, offset, length).reply;
  }

  /** One WRITE. */
  write(handle: SftpHandle, offset: number, data: Uint8Array): Promise<void> {
    return this.writeRequest(handle, offset, data).reply;
  }

  /** For pipelines: a READ whose sending and reply can be awaited separately. */
  readRequest(handle: SftpHandle, offset: number, length: number): SentRequest<Uint8Array | null> {
    return this.router.request(FXP.READ, [bytes(handle.bytes), u64(offset), u32(length)], dataReply(length, handle.path));
  }

  /** For pipelines: a WRITE whose sending (backpressure) and reply can be awaited separately. */
  writeRequest(handle: SftpHandle, offset: number, data: Uint8Array): SentRequest<void> {
    return this.router.request(FXP.WRITE, [bytes(handle.bytes), u64(offset), bytes(data)], okStatus(handle.path));
  }

  async opendir(path: string): Promise<SftpHandle> {
    const handle = await this.router.request(FXP.OPENDIR, [str(path)], handleReply(path)).reply;
    return { bytes: handle, path };
  }

  /** The next batch of entries, or `null` when the listing is complete. */
  readdir(handle: SftpHandle): Promise<NameEntry[] | null> {
    return this.router.request(FXP.READDIR, [bytes(handle.bytes)], namesReply(handle.path)).reply;
  }

  /**
   * All entries of a folder except `.` and `..`, in the server's order. Needs listing permission.
   * Stops at `maxEntries` (default 100 000) so a server that never ends a listing cannot exhaust memory.
   */
  async list(path: string, maxEntries = 100_000): Promise<NameEntry[]> {
    const handle = await this.opendir(path);
    const out: NameEntry[] = [];
    try {
      for (;;) {
        const batch = await this.readdir(handle);
        if (batch === null) break;
        for (const e of batch) if (e.filename !== '.' && e.filename !== '..') out.push(e);
        if (out.length > maxEntries) throw new SftpError('failure', `The folder lists more than ${maxEntries} entries.`, { path });
      }
    } catch (err) {
      await this.closeHandle(handle).catch(ignore);
      throw err;
    }
    await this.closeHandle(handle);
    return out;
  }

  remove(path: string): Promise<void> {
    return this.router.request(FXP.REMOVE, [str(path)], okStatus(path)).reply;
  }

  mkdir(path: string, attributes: FileAttributes = {}): Promise<void> {
    return this.router.request(FXP.MKDIR, [str(path), ...attributeFields(attributes)], okStatus(path)).reply;
  }

  rmdir(path: string): Promise<void> {
    return this.router.request(FXP.RMDIR, [str(path)], okStatus(path)).reply;
  }

  /** SSH_FXP_RENAME: per the draft it fails if `to` exists (OpenSSH does this with link+unlink). */
  rename(from: string, to: string): Promise<void> {
    return this.router.request(FXP.RENAME, [str(from), str(to)], okStatus(from)).reply;
  }

  /** posix-rename@openssh.com: atomically replaces `to` if it exists. */
  posixRename(from: string, to: string): Promise<void> {
    this.require('posixRename');
    return this.extended(EXT.posixRename[0], [str(from), str(to)], from);
  }

  /** hardlink@openssh.com: link(from, to); fails if `to` exists. */
  hardlink(from: string, to: string): Promise<void> {
    this.require('hardlink');
    return this.extended(EXT.hardlink[0], [str(from), str(to)], from);
  }

  /** fsync@openssh.com: flush an open file to stable storage on the server. */
  fsync(handle: SftpHandle): Promise<void> {
    this.require('fsync');
    return this.extended(EXT.fsync[0], [bytes(handle.bytes)], handle.path);
  }

  /** statvfs@openssh.com: free space and limits of the file system holding `path`. */
  statvfs(path: string): Promise<FileSystemStats> {
    this.require('statvfs');
    return this.router.request(FXP.EXTENDED, [str(EXT.statvfs[0]), str(path)], extendedReply(readStatvfs, path)).reply;
  }

  private extended(name: string, fields: ReturnType<typeof str>[], path: string): Promise<void> {
    return this.router.request(FXP.EXTENDED, [str(name), ...fields], okStatus(path)).reply;
  }

  private require(ext: keyof typeof EXT): void {
    if (!this.has(ext)) throw new SftpError('op-unsupported', `The server does not offer ${EXT[ext][0]}.`);
  }
}

function offers(extensions: ReadonlyMap<string, string>, [name, version]: readonly [string, string]): boolean {
  return extensions.get(name) === version;
}

function readStatvfs(r: WireReader): FileSystemStats {
  const f = (what: string) => r.uint64(what);
  const s = {
    blockSize: f('f_bsize'),
    fragmentSize: f('f_frsize'),
    blocks: f('f_blocks'),
    blocksFree: f('f_bfree'),
    blocksAvailable: f('f_bavail'),
    files: f('f_files'),
    filesFree: f('f_ffree'),
    filesAvailable: f('f_favail'),
    fsid: r.uint64Id('f_fsid'),
    flags: f('f_flag'),
    nameMax: f('f_namemax'),
  };
  return { ...s, bytesAvailable: s.blocksAvailable * s.fragmentSize };
}

