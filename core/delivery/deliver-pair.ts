// Delivering one data file X with its control file X.hash. X goes up first, read once while its
// SHA-1 is computed, under a temporary name that is renamed to X only once complete; X.hash
// follows the same way — so X.hash never exists on the server unless X arrived whole.
import { createDigest } from '../hash/digest.ts';
import { digestStream } from '../hash/stream-digest.ts';
import { formatSidecar, parseSidecar, sidecarName, type SidecarStyle } from '../hash/sidecar.ts';
import { chunksOf, type SeekableSource } from '../sftp/byte-source.ts';
import { downloadFile } from '../sftp/download.ts';
import { isSftpError, SftpError } from '../sftp/errors.ts';
import { joinRemotePath as join } from '../sftp/remote-path.ts';
import type { SftpSession } from '../sftp/session.ts';
import { uploadFile, type UploadResult } from '../sftp/upload.ts';
import type { ReceiptFile } from './receipt.ts';

export type ExistingChoice = 'skip' | 'overwrite' | 'keep-both';

export interface PairSource {
  /** Final base name X on the server. */
  name: string;
  data: SeekableSource & { size: number };
  /** Text of a local X.hash the user selected too: it must match before anything is sent. */
  localSidecarText?: string;
}

export interface PairOptions {
  /** Remote folder, '' for the login folder. */
  folder: string;
  sidecar: { required: boolean; style: SidecarStyle };
  /** Temporary name + rename (default); false writes X directly (folders that forbid rename). */
  tempRename: boolean;
  /** Continue partial uploads left by an earlier, interrupted attempt. */
  resume: boolean;
  /** Read X back from the server after upload and compare its SHA-1. */
  verifyReadBack: boolean;
  /** Asked when X (or its .hash) already exists on the server. Never appends. */
  onExisting: (remotePath: string) => Promise<ExistingChoice>;
  onProgress?: (bytesDone: number) => void;
  /** Told when the folder refused the rename and direct writes are used instead. */
  onDirectFallback?: (remotePath: string) => void;
  signal?: AbortSignal;
  now?: () => Date;
}

export class SidecarMismatchError extends Error {
  readonly code = 'local-sidecar-mismatch';
  constructor(readonly expected: string, readonly actual: string, readonly fileName: string) {
    super(`${fileName}.hash says ${expected} but the file's SHA-1 is ${actual}: nothing was sent.`);
    this.name = 'SidecarMismatchError';
  }
}

export class ReadBackMismatchError extends Error {
  readonly code = 'read-back-mismatch';
  constructor(readonly expected: string, readonly actual: string, readonly path: string) {
    super(`${path} on the server has SHA-1 ${actual}, the local file ${expected}.`);
    this.name = 'ReadBackMismatchError';
  }
}

/** `name (2).ext`, `name (3).ext`, … for "keep both". */
export function alternativeName(name: string, n: number): string {
  const dot = name.indexOf('.', 1);
  return dot < 0 ? `${name} (${n})` : `${name.slice(0, dot)} (${n})${name.slice(dot)}`;
}

async function localDigest(source: SeekableSource, algorithm: 'sha1' | 'sha256', signal?: AbortSignal): Promise<string> {
  const opts: Parameters<typeof digestStream>[1] = { algorithm };
  if (signal) opts.signal = signal;
  return (await digestStream(chunksOf(source.openAt(0)), opts)).hex;
}

async function readBackSha1(session: SftpSession, path: string, signal?: AbortSignal): Promise<string> {
  const digest = await createDigest('sha1');
  const opts: Parameters<typeof downloadFile>[3] = {};
  if (signal) opts.signal = signal;
  await downloadFile(session, path, (chunk: Uint8Array) => digest.update(chunk), opts);
  return digest.digestHex();
}

/** Upload one file, asking what to do if it exists, falling back to direct writes if renames are refused. */
async function put(
  session: SftpSession, folder: string, name: string, source: SeekableSource, options: PairOptions, direct: { value: boolean },
  onChunk?: (c: Uint8Array) => void, overwrite = false,
): Promise<{ result: UploadResult; name: string } | 'skipped'> {
  let current = name;
  let allowOverwrite = overwrite;
  for (let attempt = 2; ; attempt++) {
    const path = join(folder, current);
    try {
      const result = await uploadFile(session, path, source, {
        mode: direct.value ? 'direct' : 'temp',
        overwrite: allowOverwrite,
        resume: options.resume,
        ...(onChunk ? { onChunk } : {}),
        ...(options.onProgress && onChunk ? { onProgress: options.onProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return { result, name: current };
    } catch (err) {
      if (isSftpError(err, 'rename-not-permitted') && !direct.value) {
        direct.value = true;
        options.onDirectFallback?.(path);
        continue;
      }
      if (!isSftpError(err, 'target-exists') || allowOverwrite) throw err;
      const choice = await options.onExisting(path);
      if (choice === 'skip') return 'skipped';
      if (choice === 'overwrite') allowOverwrite = true;
      else current = alternativeName(name, attempt);
    }
  }
}

export async function deliverPair(session: SftpSession, pair: PairSource, options: PairOptions): Promise<ReceiptFile> {
  const now = options.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const base: ReceiptFile = { name: pair.name, size: pair.data.size, sha1: '', remotePath: join(options.folder, pair.name), status: 'failed', startedAt };

  if (pair.localSidecarText !== undefined) {
    const expected = parseSidecar(pair.localSidecarText);
    if (!expected.ok) throw new SidecarMismatchError('(no digest)', '(not computed)', pair.name);
    const actual = await localDigest(pair.data, expected.algorithm, options.signal);
    if (actual !== expected.hex) throw new SidecarMismatchError(expected.hex, actual, pair.name);
  }

  const digest = await createDigest('sha1');
  const direct = { value: !options.tempRename };
  const data = await put(session, options.folder, pair.name, pair.data, options, direct, (c) => digest.update(c));
  if (data === 'skipped') return { ...base, status: 'skipped', finishedAt: now().toISOString() };
  const sha1 = digest.digestHex();
  const remotePath = join(options.folder, data.name);
  if (data.result.bytes !== pair.data.size) throw new SftpError('size-mismatch', `The server holds ${data.result.bytes} bytes of ${pair.data.size}.`, { path: remotePath });

  let verifiedByReadBack: boolean | undefined;
  if (options.verifyReadBack) {
    const remote = await readBackSha1(session, remotePath, options.signal);
    if (remote !== sha1) throw new ReadBackMismatchError(sha1, remote, remotePath);
    verifiedByReadBack = true;
  }

  let sidecarPath: string | undefined;
  if (options.sidecar.required) {
    const content = new TextEncoder().encode(formatSidecar(sha1, data.name, options.sidecar.style));
    const blob = { size: content.byteLength, openAt: (offset: number) => (async function* () { yield content.subarray(offset); })() };
    // The data file's final name was just chosen; its .hash follows it, replacing a stale one.
    const side = await put(session, options.folder, sidecarName(data.name), blob, { ...options, resume: false }, direct, undefined, true);
    if (side !== 'skipped') sidecarPath = join(options.folder, side.name);
  }

  const file: ReceiptFile = { ...base, name: data.name, remotePath, sha1, status: 'delivered', finishedAt: now().toISOString() };
  if (data.result.resumedFrom > 0) file.resumedFrom = data.result.resumedFrom;
  if (verifiedByReadBack) file.verifiedByReadBack = true;
  if (sidecarPath) file.sidecarPath = sidecarPath;
  return file;
}
