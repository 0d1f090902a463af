// Upload fit for delivery: write under a temporary name, fsync, check the size, then rename into
// place, so a reader of the folder never sees a half-written file under its final name. Resumes
// from the size of a partial temporary file; hands every chunk read to a hook (for hashing) from
// byte 0 even when resuming, so a file is read once for both. Needs no listing or stat permission
// on the folder (write-only drop boxes): every step works on file names and handles only.
// With `lanes`, several SFTP sessions (each its own SSH channel and window) write parts of the one
// temporary file at once; the source is still read once, in order.
import { chunksOf, isSeekableSource, sourceSize, type ByteSource, type SeekableSource } from './byte-source.ts';
import { isSftpError, SftpError } from './errors.ts';
import type { SftpHandle, SftpSession } from './session.ts';
import { OPEN } from './constants.ts';
import { writeStriped, type WriteLane } from './striped-write.ts';
import { abortWaiter, cancelledError, drainAfter, writePipelined } from './write-pipeline.ts';
import type { PipelineOptions } from './write-pipeline.ts';

export type UploadSource = ByteSource | SeekableSource;

export interface UploadOptions extends PipelineOptions {
  /** 'temp' (default): write a temporary name, then rename. 'direct': write the final name (for servers that refuse renames). */
  mode?: 'temp' | 'direct';
  /** Replace an existing file of the final name. Default false: the upload fails with 'target-exists'. */
  overwrite?: boolean;
  /**
   * Continue a partial upload from its size on the server (the temporary file, or the final name in
   * direct mode). `{ maxFrom }` never resumes past that many bytes — the bytes known to be right (the
   * server confirmed them, or they were read back and compared): a server may hold more than it
   * confirmed, with gaps where writes in flight were lost. Bytes after the resume point are written again.
   */
  resume?: boolean | { maxFrom: number };
  /** Called with each chunk read from the source, in order from byte 0 (even when resuming). Awaited. */
  onChunk?: (chunk: Uint8Array) => void | Promise<void>;
  /** fsync@openssh.com before renaming, when the server offers it. Default true. */
  fsync?: boolean;
  /** Temporary name for a final name (no folder part); default {@link temporaryName}. */
  temporaryName?: (name: string) => string;
  /**
   * Told when a resumed upload had to start again from byte 0 (the server refused to write at the
   * offset), before any byte is read again: `onChunk` will see the whole file from 0 once more.
   */
  onRestart?: (serverMessage: string) => void;
  /**
   * More sessions on the same server (other SSH channels, each with its own window) that write
   * parts of the file at the same time: on a long link one channel is capped at its window per
   * round trip. Each opens its own handle on the temporary file. A server that refuses writes out
   * of order gets the file again from byte 0 over `session` alone (see onRestart).
   */
  lanes?: readonly SftpSession[];
}

export interface UploadResult {
  path: string;
  /** Final size: bytes the server holds. */
  bytes: number;
  /** Bytes already on the server that were not sent again. */
  resumedFrom: number;
  /**
   * The server would not write at the resume offset (rclone: "Illegal seek"), so the file was sent
   * again from byte 0 under the same name; the server's words.
   */
  restartedFromZero?: { serverMessage: string };
  /** The temporary path used, in 'temp' mode. */
  temporaryPath?: string;
  fsynced: boolean;
  /** False only if the server would not tell the size after writing (fstat refused). */
  sizeVerified: boolean;
}

/**
 * `.X.courier-part`: the leading dot hides it from `*` globs and most pick-up scripts, the suffix
 * matches no data or `.hash` pattern and says who left it, so a half-sent file is never mistaken
 * for a delivery.
 */
export function temporaryName(name: string): string {
  return `.${name}.courier-part`;
}

const ignore = (): void => undefined;

/** The server's answer to the first write at a resume offset, when it says it cannot write there. */
function refusedOffset(err: unknown, from: number): err is SftpError {
  return from > 0 && isSftpError(err) && !err.transient && err.status !== undefined && (err.code === 'failure' || err.code === 'op-unsupported' || err.code === 'bad-message');
}

const TEMPORARY = /^\.(.+)\.courier-part$/;

/** Is this one of our temporaries (`.X.courier-part`)? */
export function isTemporaryName(name: string): boolean {
  return TEMPORARY.test(name);
}

/** `X` for `.X.courier-part`; undefined for any other name. */
export function dataNameOfTemporary(name: string): string | undefined {
  return TEMPORARY.exec(name)?.[1];
}

function splitPath(path: string): { dir: string; name: string } {
  const i = path.lastIndexOf('/');
  return i < 0 ? { dir: '', name: path } : { dir: path.slice(0, i + 1), name: path.slice(i + 1) };
}

async function exists(session: SftpSession, path: string): Promise<boolean | undefined> {
  try {
    await session.lstat(path);
    return true;
  } catch (err) {
    if (isSftpError(err, 'no-such-file')) return false;
    if (isSftpError(err) && (err.code === 'protocol-error' || err.code === 'session-closed' || err.code === 'connection-lost')) throw err;
    return undefined; // not allowed to look: unknown
  }
}

/** The bytes to send from `from` on; `onChunk` sees every chunk from 0. */
async function* sendable(source: UploadSource, from: number, onChunk: UploadOptions['onChunk']): AsyncGenerator<Uint8Array, void, undefined> {
  const seekable = isSeekableSource(source);
  if (from > 0 && !onChunk && seekable) {
    yield* chunksOf(source.openAt(from));
    return;
  }
  let pos = 0;
  for await (const chunk of chunksOf(seekable ? source.openAt(0) : source)) {
    await onChunk?.(chunk);
    const end = pos + chunk.byteLength;
    if (end > from) yield pos >= from ? chunk : chunk.subarray(from - pos);
    pos = end;
  }
  if (pos < from) throw new SftpError('source-too-short', `It has ${pos} bytes; ${from} are already on the server.`);
}

async function openForUpload(session: SftpSession, path: string, resume: UploadOptions['resume'], exclusive: boolean, localSize: number | undefined): Promise<{ handle: SftpHandle; from: number }> {
  if (!resume) {
    try {
      return { handle: await session.open(path, exclusive ? 'write-new' : 'write'), from: 0 };
    } catch (err) {
      // O_EXCL on an existing file: OpenSSH says only "Failure"; name it when we may look.
      if (exclusive && isSftpError(err, 'failure') && (await exists(session, path))) throw new SftpError('target-exists', undefined, { path });
      throw err;
    }
  }
  const handle = await session.open(path, 'write-resume');
  let size: number | undefined;
  try {
    size = (await session.fstat(handle)).size;
  } catch (err) {
    if (isSftpError(err) && (err.code === 'protocol-error' || err.code === 'session-closed' || err.code === 'connection-lost')) throw err;
  }
  if (size !== undefined && (localSize === undefined || size <= localSize)) return { handle, from: resume === true ? size : Math.min(size, Math.max(0, resume.maxFrom)) };
  // Size unknown, or a partial larger than the file: not ours to continue, start over.
  await session.closeHandle(handle);
  return { handle: await session.open(path, 'write'), from: 0 };
}

async function renameIntoPlace(session: SftpSession, from: string, to: string, overwrite: boolean): Promise<void> {
  try {
    if (overwrite && session.has('posixRename')) return await session.posixRename(from, to);
    // Without posix-rename, replacing takes remove + rename: not atomic, but asked for by the caller.
    if (overwrite) await session.remove(to).catch((err: unknown) => {
      if (!isSftpError(err, 'no-such-file')) throw err;
    });
    // Plain SSH_FXP_RENAME refuses an existing target (OpenSSH: link + unlink), so no silent overwrite.
    await session.rename(from, to);
  } catch (err) {
    if (!isSftpError(err)) throw err;
    if (err.code === 'permission-denied' || err.code === 'op-unsupported') {
      await session.remove(from).catch(ignore);
      throw new SftpError('rename-not-permitted', err.serverMessage ? `Server said: "${err.serverMessage}".` : undefined, { path: to, cause: err });
    }
    if (err.code === 'failure' && (await exists(session, to))) throw new SftpError('target-exists', `The upload is kept as ${from}.`, { path: to, cause: err });
    throw err;
  }
}

/** Handles on `path` for the extra lanes, opened without truncating (the first session created or truncated it). */
async function openLanes(lanes: readonly SftpSession[], path: string): Promise<WriteLane[]> {
  const opened = await Promise.allSettled(lanes.map(async (session) => ({ session, handle: await session.open(path, OPEN.WRITE | OPEN.CREAT) })));
  const ok = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const lost = opened.find((r): r is PromiseRejectedResult => r.status === 'rejected' && isSftpError(r.reason) && r.reason.transient);
  if (lost) {
    await closeLanes(ok);
    throw lost.reason;
  }
  // A lane the server would not give a handle (a cap on open files) is simply not used.
  return ok;
}

async function closeLanes(lanes: readonly WriteLane[]): Promise<void> {
  await Promise.all(lanes.map((l) => l.session.closeHandle(l.handle).catch(ignore)));
}

/** A refusal that may mean "no writes out of order here": worth one more try over a single lane. */
function refusedStripe(err: unknown): err is SftpError {
  return isSftpError(err) && !err.transient && err.status !== undefined && (err.code === 'failure' || err.code === 'op-unsupported' || err.code === 'bad-message');
}

/** Uploads `source` to `remotePath` (see the module comment). Throws SftpError; cancel leaves a partial for `resume`. */
export async function uploadFile(session: SftpSession, remotePath: string, source: UploadSource, options: UploadOptions = {}): Promise<UploadResult> {
  const direct = options.mode === 'direct';
  const overwrite = options.overwrite ?? false;
  const { dir, name } = splitPath(remotePath);
  if (!name) throw new SftpError('failure', 'The remote path names no file.', { path: remotePath });
  const writePath = direct ? remotePath : `${dir}${(options.temporaryName ?? temporaryName)(name)}`;
  if (options.signal?.aborted) throw new SftpError('cancelled');

  // Fail before sending gigabytes if the final name is taken (a file stat, allowed in drop boxes;
  // if the server will not say, the rename below still refuses to overwrite).
  if (!overwrite && !direct && (await exists(session, remotePath))) throw new SftpError('target-exists', undefined, { path: remotePath });

  let { handle, from } = await openForUpload(session, writePath, options.resume ?? false, direct && !overwrite, sourceSize(source));
  let extra: WriteLane[] = [];
  let end: number;
  let fsynced = false;
  let sizeVerified = false;
  let restarted: UploadResult['restartedFromZero'];
  const cancel = abortWaiter(options.signal);
  let confirmed = from;
  const pipeline: UploadOptions = { ...options, onProgress: (bytes) => {
    confirmed = bytes;
    options.onProgress?.(bytes);
  } };
  try {
    try {
      if (options.lanes?.length) extra = await openLanes(options.lanes, writePath);
      end = await writeStriped([{ session, handle }, ...extra], sendable(source, from, options.onChunk), from, pipeline);
    } catch (err) {
      const striped = extra.length > 0;
      await closeLanes(extra);
      extra = [];
      // Only a refusal of the very first write at the offset means "cannot resume here"; with
      // lanes, a refusal may mean "not out of order" (a write past the end of the file).
      if (!isSeekableSource(source) || !((refusedOffset(err, from) && confirmed === from) || (striped && refusedStripe(err)))) throw err;
      // The server cannot continue a file at an offset: send it all again under the same name (the
      // hook sees every byte again, so a digest must be made afresh by the caller: see onRestart).
      await session.closeHandle(handle).catch(ignore);
      restarted = { serverMessage: err.serverMessage ?? '' };
      options.onRestart?.(restarted.serverMessage);
      handle = await session.open(writePath, 'write');
      from = 0;
      end = await writePipelined(session, handle, sendable(source, 0, options.onChunk), 0, pipeline);
    }
    // A cancel that arrives once everything is written still stops before the rename.
    if (options.signal?.aborted) throw cancelledError(options.signal);
    if (options.fsync !== false && session.has('fsync')) {
      await cancel.race(session.fsync(handle));
      fsynced = true;
    }
    const size = await cancel.race(session.fstat(handle).then((a) => a.size, (err: unknown) => {
      if (isSftpError(err) && (err.code === 'permission-denied' || err.code === 'op-unsupported')) return undefined;
      throw err;
    }));
    if (size !== undefined) {
      if (size !== end) throw new SftpError('size-mismatch', `The server holds ${size} bytes; ${end} were sent.`, { path: writePath });
      sizeVerified = true;
    }
    // fsync above flushed the whole file (not just this handle's writes); the lanes' closes report
    // their late write errors, and must succeed before the rename like the first handle's.
    const lanes = extra;
    extra = [];
    await cancel.race(Promise.all(lanes.map((l) => l.session.closeHandle(l.handle))));
  } catch (err) {
    // After a cancel, a server that stopped answering must not make the close hang either.
    await drainAfter(err, Promise.all([session.closeHandle(handle).catch(ignore), closeLanes(extra)]).then(ignore), [session, ...extra.map((l) => l.session)], options);
    throw err;
  }
  // Close reports write errors some servers only notice late: it must succeed before the rename.
  await session.closeHandle(handle);
  if (!direct) await renameIntoPlace(session, writePath, remotePath, overwrite);
  const result: UploadResult = { path: remotePath, bytes: end, resumedFrom: from, fsynced, sizeVerified };
  if (restarted) result.restartedFromZero = restarted;
  if (!direct) result.temporaryPath = writePath;
  return result;
}
