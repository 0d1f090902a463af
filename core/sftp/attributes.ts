// SFTP v3 file attributes (ATTRS): every field optional, present according to a flags word.
import { ATTR } from './constants.ts';
import { protocolError } from './errors.ts';
import type { WireReader } from './wire-reader.ts';
import { encodePacket, str, u32, u64, type WireField } from './wire-writer.ts';

export interface FileAttributes {
  size?: number;
  uid?: number;
  gid?: number;
  /** st_mode: file type bits and permission bits. */
  permissions?: number;
  /** Seconds since 1970. */
  atime?: number;
  mtime?: number;
  extended?: Record<string, string>;
}

const S_IFMT = 0o170000;
export const isDirectory = (a: FileAttributes): boolean => a.permissions !== undefined && (a.permissions & S_IFMT) === 0o040000;
export const isRegularFile = (a: FileAttributes): boolean => a.permissions !== undefined && (a.permissions & S_IFMT) === 0o100000;
export const isSymbolicLink = (a: FileAttributes): boolean => a.permissions !== undefined && (a.permissions & S_IFMT) === 0o120000;

const KNOWN = ATTR.SIZE | ATTR.UIDGID | ATTR.PERMISSIONS | ATTR.ACMODTIME | ATTR.EXTENDED;

export function readAttributes(r: WireReader): FileAttributes {
  const flags = r.uint32('attribute flags');
  if ((flags & ~KNOWN) >>> 0 !== 0) throw protocolError(`unknown attribute flags 0x${flags.toString(16)}`);
  const a: FileAttributes = {};
  if (flags & ATTR.SIZE) a.size = r.uint64('size');
  if (flags & ATTR.UIDGID) {
    a.uid = r.uint32('uid');
    a.gid = r.uint32('gid');
  }
  if (flags & ATTR.PERMISSIONS) a.permissions = r.uint32('permissions');
  if (flags & ATTR.ACMODTIME) {
    a.atime = r.uint32('atime');
    a.mtime = r.uint32('mtime');
  }
  if (flags & ATTR.EXTENDED) {
    const count = r.uint32('extended count');
    // Each pair takes at least 8 bytes: a bigger count is a lie, refuse before looping.
    if (count * 8 > r.remaining) throw protocolError(`extended attribute count ${count} exceeds the packet`);
    const ext: Record<string, string> = {};
    for (let i = 0; i < count; i++) {
      const name = r.string('extended name');
      ext[name] = r.string('extended data');
    }
    a.extended = ext;
  }
  return a;
}

/** ATTRS as wire fields (flags word first), for OPEN, MKDIR, SETSTAT and FSETSTAT. */
export function attributeFields(a: FileAttributes = {}): WireField[] {
  let flags = 0;
  const fields: WireField[] = [];
  if (a.size !== undefined) {
    flags |= ATTR.SIZE;
    fields.push(u64(a.size));
  }
  if (a.uid !== undefined || a.gid !== undefined) {
    if (a.uid === undefined || a.gid === undefined) throw new RangeError('uid and gid must be set together');
    flags |= ATTR.UIDGID;
    fields.push(u32(a.uid), u32(a.gid));
  }
  if (a.permissions !== undefined) {
    flags |= ATTR.PERMISSIONS;
    fields.push(u32(a.permissions));
  }
  if (a.atime !== undefined || a.mtime !== undefined) {
    if (a.atime === undefined || a.mtime === undefined) throw new RangeError('atime and mtime must be set together');
    flags |= ATTR.ACMODTIME;
    fields.push(u32(a.atime), u32(a.mtime));
  }
  if (a.extended !== undefined) {
    const entries = Object.entries(a.extended);
    if (entries.length > 0) {
      flags |= ATTR.EXTENDED;
      fields.push(u32(entries.length));
      for (const [k, v] of entries) fields.push(str(k), str(v));
    }
  }
  return [u32(flags), ...fields];
}

/** Encoded ATTRS without the length prefix (for tests and callers that need raw bytes). */
export function encodeAttributes(a: FileAttributes = {}): Uint8Array {
  return encodePacket(attributeFields(a)).subarray(4);
}
