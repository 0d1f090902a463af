// Delivering one data file X with its control file X.hash. X goes up first, read once while its
// SHA-1 is computed, under a temporary name that is renamed to X only once complete; X.hash
// follows the same way — so X.hash never exists on the server unless X arrived whole. The SHA-1
// belongs to one attempt: an attempt that starts the bytes again from 0 starts a fresh digest, and
// the digest must cover exactly the bytes the server confirmed, or the pair is not delivered.
import { formatSidecar, parseSidecar, sidecarName, type SidecarStyle } from '../hash/sidecar.ts';
import { type SeekableSource } from '../sftp/byte-source.ts';
import { isSftpError, SftpError } from '../sftp/errors.ts';
import { joinRemotePath as join } from '../sftp/remote-path.ts';
import type { SftpSession } from '../sftp/session.ts';
import { temporaryName, uploadFile, type UploadResult } from '../sftp/upload.ts';
import { AttemptDigest, matchingPrefix, remotePrefixSha1, sourceSha1 } from './pair-digest.ts';
import type { ReceiptFile } from './receipt.ts';
import { DeliveryError } from './delivery-error.ts';

export type ExistingChoice = 'skip' | 'overwrite' | 'keep-both';

export interface PairSource {
  /** Final base name X on the server. */
  name: string;
  data: SeekableSource & { size: number };
  /** Text of a local X.hash the user selected too: it must match before anything is sent. */
  localSidecarText?: string;
}

/**
 * How to treat a temporary file an earlier attempt left on the server:
 * - `fresh`: never continue one (a stale partial is overwritten from byte 0);
 * - `own`: it is this run's own partial (see {@link PairMemo}); continue it, never past the bytes the
 *   server confirmed;
 * - `verify-prefix`: of unknown origin (an earlier visit, a crash): read it back and continue it only
 *   after the bytes it shares with the start of the local file, compared byte for byte (a split
 *   upload's partial holds its whole start, then later parts with gaps), else start over.
 */
export type ResumePolicy = 'fresh' | 'own' | 'verify-prefix';

/** What earlier attempts at this pair decided and achieved; deliverPair reads and updates it. */
export interface PairMemo {
  /** The final name chosen for X (keep-both may have picked `X (2)`). */
  name?: string;
  /** The user chose to replace an existing X. */
  overwrite?: boolean;
  /** The folder refused renames: X is written under its final name. */
  direct?: boolean;
  /** Bytes of X the server confirmed in the last attempt: a resume never passes them. */
  confirmedBytes: number;
  /** X is complete on the server under `name`: only X.hash is left to write. */
  dataDone?: { sha1: string; result: UploadResult; proof?: ReceiptFile['resumeProof'] };
}

export function newPairMemo(): PairMemo {
  return { confirmedBytes: 0 };
}

/** Things worth a line in the session log and the receipt; none needs an answer. */
export type PairEvent =
  | { kind: 'direct-fallback'; path: string }
  | { kind: 'resume'; path: string; from: number; proof: 'confirmed' | 'read-back' }
  /** A partial was found but not continued: it is not a prefix of the local file, cannot be read, or is larger. */
  | { kind: 'resume-refused'; path: string; reason: 'not-a-prefix' | 'unreadable' | 'larger' }
  /** The server would not write at the resume offset; the file was sent again from byte 0. */
  | { kind: 'restarted'; path: string; serverMessage: string }
  | { kind: 'partial-removed'; path: string };

export interface PairOptions {
  /** Remote folder, '' for the login folder. */
  folder: string;
  sidecar: { required: boolean; style: SidecarStyle };
  /** Temporary name + rename (default); false writes X directly (folders that forbid rename). */
  tempRename: boolean;
  resume: ResumePolicy;
  /** Decisions and progress of earlier attempts at this pair (a run keeps one per item). */
  memo?: PairMemo;
  /** Read X back from the server after upload and compare its SHA-1. */
  verifyReadBack: boolean;
  /** Asked when X already exists on the server (once per pair: keep-both then finds the first free name). Never appends. */
  onExisting: (remotePath: string) => Promise<ExistingChoice>;
  /** Bytes of X the server has confirmed so far. */
  onProgress?: (bytesDone: number) => void;
  onEvent?: (event: PairEvent) => void;
  /**
   * More SFTP sessions (other channels of the connection, each with its own window) that write
   * parts of X at once; X is still read and hashed once, in order. X.hash goes over `session`.
   */
  lanes?: readonly SftpSession[];
  /** On cancel, keep the temporary file for a later resume (default: remove it). */
  keepPartialOnCancel?: boolean;
  signal?: AbortSignal;
  now?: () => Date;
}

/** `name (2).ext`, `name (3).ext`, … for "keep both". */
export function alternativeName(name: string, n: number): string {
  const dot = name.indexOf('.', 1);
  return dot < 0 ? `${name} (${n})` : `${name.slice(0, dot)} (${n})${name.slice(dot)}`;
}

const MAX_ALTERNATIVES = 1000;

interface Put {
  result: UploadResult;
  name: string;
  sha1: string;
}

/** Where an attempt at X starts: from 0, or from a proven prefix of a partial. */
async function resumePoint(session: SftpSession, path: string, data: PairSource['data'], options: PairOptions, memo: PairMemo, signal?: AbortSignal): Promise<{ maxFrom: number; proof: 'confirmed' | 'read-back' } | null> {
  if (options.resume === 'own') return memo.confirmedBytes > 0 ? { maxFrom: memo.confirmedBytes, proof: 'confirmed' } : null;
  if (options.resume !== 'verify-prefix' || memo.direct) return null;
  const remote = await matchingPrefix(session, path, data, signal);
  if (remote === 'absent') return null;
  if (remote === 'unreadable' || remote === 'larger') {
    options.onEvent?.({ kind: 'resume-refused', path, reason: remote });
    return null;
  }
  if (remote.remoteBytes === 0) return null;
  if (remote.bytes === 0) {
    options.onEvent?.({ kind: 'resume-refused', path, reason: 'not-a-prefix' });
    return null;
  }
  return { maxFrom: remote.bytes, proof: 'read-back' };
}

/** Upload X under its chosen name: asks once if it exists, falls back to direct writes if renames are refused. */
async function putData(session: SftpSession, pair: PairSource, options: PairOptions, memo: PairMemo): Promise<Put & { proof?: 'confirmed' | 'read-back' } | 'skipped'> {
  let alternatives = 1;
  let keepBoth = false;
  for (;;) {
    const name = memo.name ?? pair.name;
    const path = join(options.folder, name);
    const writePath = memo.direct ? path : join(options.folder, temporaryName(name));
    const digest = new AttemptDigest();
    let start: Awaited<ReturnType<typeof resumePoint>> = null;
    try {
      start = await resumePoint(session, writePath, pair.data, options, memo, options.signal);
      const result = await uploadFile(session, path, pair.data, {
        mode: memo.direct ? 'direct' : 'temp',
        overwrite: memo.overwrite ?? false,
        resume: start ? { maxFrom: start.maxFrom } : false,
        onChunk: (c) => digest.update(c),
        onRestart: (serverMessage) => {
          digest.restart();
          options.onEvent?.({ kind: 'restarted', path: writePath, serverMessage });
        },
        onProgress: (bytes) => {
          memo.confirmedBytes = bytes;
          options.onProgress?.(bytes);
        },
        ...(options.lanes?.length ? { lanes: options.lanes } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const hashed = await digest.finish();
      // The digest must cover exactly the bytes the server holds, from byte 0: else it proves nothing.
      if (hashed.bytes !== result.bytes || result.bytes !== pair.data.size) {
        throw new DeliveryError('digest-coverage', { path, hashedBytes: hashed.bytes, serverBytes: result.bytes, localBytes: pair.data.size });
      }
      if (start && result.resumedFrom > 0 && !result.restartedFromZero) options.onEvent?.({ kind: 'resume', path: writePath, from: result.resumedFrom, proof: start.proof });
      return { result, name, sha1: hashed.hex, ...(start && result.resumedFrom > 0 ? { proof: start.proof } : {}) };
    } catch (err) {
      if (isSftpError(err, 'rename-not-permitted') && !memo.direct) {
        // uploadFile removed its temporary file: the next attempt writes X directly, from 0.
        memo.direct = true;
        memo.confirmedBytes = 0;
        options.onEvent?.({ kind: 'direct-fallback', path });
        continue;
      }
      if (!isSftpError(err, 'target-exists') || memo.overwrite) throw err;
      if (!keepBoth) {
        const choice = await options.onExisting(path);
        if (choice === 'skip') return 'skipped';
        if (choice === 'overwrite') {
          memo.overwrite = true;
          continue;
        }
        keepBoth = true;
      }
      if (++alternatives > MAX_ALTERNATIVES) throw err;
      memo.name = alternativeName(pair.name, alternatives);
      memo.confirmedBytes = 0;
    }
  }
}

/** Write X.hash next to X (replacing a stale one: X was just written). */
async function putSidecar(session: SftpSession, dataName: string, sha1: string, options: PairOptions, memo: PairMemo): Promise<string> {
  const content = new TextEncoder().encode(formatSidecar(sha1, dataName, options.sidecar.style));
  const blob = { size: content.byteLength, openAt: (offset: number) => (async function* () { yield content.subarray(offset); })() };
  const path = join(options.folder, sidecarName(dataName));
  const result = await uploadFile(session, path, blob, { mode: memo.direct ? 'direct' : 'temp', overwrite: true, ...(options.signal ? { signal: options.signal } : {}) });
  if (result.bytes !== content.byteLength) throw new SftpError('size-mismatch', undefined, { path, expectedBytes: content.byteLength, actualBytes: result.bytes });
  return path;
}

async function removePartial(session: SftpSession, options: PairOptions, memo: PairMemo, name: string): Promise<void> {
  if (options.keepPartialOnCancel || memo.dataDone) return;
  const path = memo.direct ? join(options.folder, name) : join(options.folder, temporaryName(name));
  try {
    await session.remove(path);
    options.onEvent?.({ kind: 'partial-removed', path });
  } catch {
    // Nothing there, or the session is gone: a later run finds and checks it before continuing.
  }
}

export async function deliverPair(session: SftpSession, pair: PairSource, options: PairOptions): Promise<ReceiptFile> {
  const now = options.now ?? (() => new Date());
  const memo = options.memo ?? newPairMemo();
  const startedAt = now().toISOString();
  const base: ReceiptFile = { name: pair.name, size: pair.data.size, sha1: '', remotePath: join(options.folder, pair.name), status: 'failed', startedAt };

  if (pair.localSidecarText !== undefined) {
    const expected = parseSidecar(pair.localSidecarText);
    if (!expected.ok) throw new DeliveryError('local-sidecar-unreadable', { fileName: pair.name });
    const actual = await sourceSha1(pair.data, expected.algorithm, options.signal);
    if (actual !== expected.hex) throw new DeliveryError('local-sidecar-mismatch', { fileName: pair.name, expected: expected.hex, actual });
  }

  let done = memo.dataDone;
  if (!done) {
    let data: Awaited<ReturnType<typeof putData>>;
    try {
      data = await putData(session, pair, options, memo);
    } catch (err) {
      if (options.signal?.aborted) await removePartial(session, options, memo, memo.name ?? pair.name);
      throw err;
    }
    if (data === 'skipped') return { ...base, status: 'skipped', finishedAt: now().toISOString() };
    memo.name = data.name;
    done = { sha1: data.sha1, result: data.result, ...(data.proof ? { proof: data.proof } : {}) };
    memo.dataDone = done;
  }
  const name = memo.name ?? pair.name;
  const remotePath = join(options.folder, name);

  let verifiedByReadBack: boolean | undefined;
  if (options.verifyReadBack) {
    const remote = await remotePrefixSha1(session, remotePath, pair.data.size, options.signal);
    if (remote === 'unreadable') throw new DeliveryError('read-back-refused', { path: remotePath });
    if (typeof remote !== 'object' || remote.bytes !== pair.data.size || remote.sha1 !== done.sha1) {
      throw new DeliveryError('read-back-mismatch', { path: remotePath, expected: done.sha1, actual: typeof remote === 'object' ? remote.sha1 : remote });
    }
    verifiedByReadBack = true;
  }

  let sidecarPath: string | undefined;
  if (options.sidecar.required) sidecarPath = await putSidecar(session, name, done.sha1, options, memo);

  const file: ReceiptFile = { ...base, name, remotePath, sha1: done.sha1, status: 'delivered', finishedAt: now().toISOString() };
  if (done.result.resumedFrom > 0) file.resumedFrom = done.result.resumedFrom;
  if (done.proof && done.result.resumedFrom > 0) file.resumeProof = done.proof;
  if (done.result.restartedFromZero) file.restartedFromZero = true;
  if (memo.direct) file.writtenDirectly = true;
  if (verifiedByReadBack) file.verifiedByReadBack = true;
  if (sidecarPath) file.sidecarPath = sidecarPath;
  return file;
}
