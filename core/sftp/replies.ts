// Decoders for each kind of reply. A reply of a type the request cannot have is a protocol error
// (the session ends); a STATUS other than OK is an ordinary, request-level SftpError.
import { readAttributes, type FileAttributes } from './attributes.ts';
import { FX, FXP } from './constants.ts';
import { protocolError, statusError } from './errors.ts';
import type { ReplyDecoder } from './request-router.ts';
import type { WireReader } from './wire-reader.ts';

const TYPE_NAMES: Record<number, string> = {
  [FXP.STATUS]: 'STATUS',
  [FXP.HANDLE]: 'HANDLE',
  [FXP.DATA]: 'DATA',
  [FXP.NAME]: 'NAME',
  [FXP.ATTRS]: 'ATTRS',
  [FXP.EXTENDED_REPLY]: 'EXTENDED_REPLY',
};

function unexpected(type: number, wanted: string): never {
  throw protocolError(`expected ${wanted} in reply, got ${TYPE_NAMES[type] ?? `packet type ${type}`}`);
}

interface Status {
  code: number;
  message: string;
}

function readStatus(r: WireReader): Status {
  const code = r.uint32('status code');
  // Some old servers omit message and language tag: tolerate that, nothing depends on them.
  const message = r.optionalString('status message');
  r.optionalString('language tag');
  return { code, message };
}

/** Replies that carry a result of type `type`, or a STATUS that is an error (or EOF -> `onEof`). */
function expecting<T>(wantedType: number, wanted: string, read: (r: WireReader) => T, path?: string, onEof?: () => T): ReplyDecoder<T> {
  return (type, r) => {
    if (type === wantedType) return read(r);
    if (type !== FXP.STATUS) unexpected(type, wanted);
    const s = readStatus(r);
    if (s.code === FX.EOF && onEof) return onEof();
    if (s.code === FX.OK) throw protocolError(`status OK where ${wanted} was expected`);
    throw statusError(s.code, s.message, path);
  };
}

/** A STATUS reply; OK resolves, anything else is an error. */
export function okStatus(path?: string): ReplyDecoder<void> {
  return (type, r) => {
    if (type !== FXP.STATUS) unexpected(type, 'STATUS');
    const s = readStatus(r);
    if (s.code !== FX.OK) throw statusError(s.code, s.message, path);
  };
}

export const handleReply = (path?: string): ReplyDecoder<Uint8Array> =>
  expecting(FXP.HANDLE, 'HANDLE', (r) => {
    const h = r.bytesField('handle');
    // The draft caps handles at 256 bytes; a bigger one is garbage we would echo back forever.
    if (h.byteLength > 256) throw protocolError(`handle of ${h.byteLength} bytes (max 256)`);
    return h.slice();
  }, path);

export const attrsReply = (path?: string): ReplyDecoder<FileAttributes> => expecting(FXP.ATTRS, 'ATTRS', readAttributes, path);

/** DATA, or `null` at end of file. Returns a view of the packet's buffer (already a fresh allocation). */
export const dataReply = (maxLength: number, path?: string): ReplyDecoder<Uint8Array | null> =>
  expecting(FXP.DATA, 'DATA', (r) => {
    const data = r.bytesField('data');
    if (data.byteLength > maxLength) throw protocolError(`DATA of ${data.byteLength} bytes for a read of at most ${maxLength}`);
    return data;
  }, path, () => null);

export interface NameEntry {
  filename: string;
  attributes: FileAttributes;
}

function readNames(r: WireReader): NameEntry[] {
  const count = r.uint32('name count');
  // Each entry takes at least 12 bytes: refuse an impossible count before looping.
  if (count * 12 > r.remaining) throw protocolError(`name count ${count} exceeds the packet`);
  const out: NameEntry[] = [];
  for (let i = 0; i < count; i++) {
    const filename = r.string('filename');
    r.bytesField('longname'); // ls -l style text for humans: its format is unspecified, never parsed
    out.push({ filename, attributes: readAttributes(r) });
  }
  return out;
}

/** NAME entries, or `null` at EOF (end of a directory listing). */
export const namesReply = (path?: string): ReplyDecoder<NameEntry[] | null> => expecting(FXP.NAME, 'NAME', readNames, path, () => null);

/** NAME with exactly one entry (REALPATH, READLINK). */
export const singleNameReply = (path?: string): ReplyDecoder<string> =>
  expecting(FXP.NAME, 'NAME', (r) => {
    const names = readNames(r);
    if (names.length !== 1 || !names[0]) throw protocolError(`expected one name, got ${names.length}`);
    return names[0].filename;
  }, path);

export const extendedReply = <T>(read: (r: WireReader) => T, path?: string): ReplyDecoder<T> => expecting(FXP.EXTENDED_REPLY, 'EXTENDED_REPLY', read, path);
