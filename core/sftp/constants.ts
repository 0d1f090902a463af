// SFTP version 3 numbers (draft-ietf-secsh-filexfer-02) and the OpenSSH extension names we use.
export const SFTP_VERSION = 3;

export const FXP = {
  INIT: 1,
  VERSION: 2,
  OPEN: 3,
  CLOSE: 4,
  READ: 5,
  WRITE: 6,
  LSTAT: 7,
  FSTAT: 8,
  SETSTAT: 9,
  FSETSTAT: 10,
  OPENDIR: 11,
  READDIR: 12,
  REMOVE: 13,
  MKDIR: 14,
  RMDIR: 15,
  REALPATH: 16,
  STAT: 17,
  RENAME: 18,
  READLINK: 19,
  SYMLINK: 20,
  STATUS: 101,
  HANDLE: 102,
  DATA: 103,
  NAME: 104,
  ATTRS: 105,
  EXTENDED: 200,
  EXTENDED_REPLY: 201,
} as const;

export const FX = {
  OK: 0,
  EOF: 1,
  NO_SUCH_FILE: 2,
  PERMISSION_DENIED: 3,
  FAILURE: 4,
  BAD_MESSAGE: 5,
  NO_CONNECTION: 6,
  CONNECTION_LOST: 7,
  OP_UNSUPPORTED: 8,
} as const;

/** SSH_FXF_* open flags. */
export const OPEN = {
  READ: 0x01,
  WRITE: 0x02,
  APPEND: 0x04,
  CREAT: 0x08,
  TRUNC: 0x10,
  EXCL: 0x20,
} as const;

/** SSH_FILEXFER_ATTR_* presence flags. */
export const ATTR = {
  SIZE: 0x01,
  UIDGID: 0x02,
  PERMISSIONS: 0x04,
  ACMODTIME: 0x08,
  EXTENDED: 0x80000000,
} as const;

/** OpenSSH extensions (PROTOCOL §4) with the version string we understand. */
export const EXT = {
  posixRename: ['posix-rename@openssh.com', '1'],
  statvfs: ['statvfs@openssh.com', '2'],
  fsync: ['fsync@openssh.com', '1'],
  hardlink: ['hardlink@openssh.com', '1'],
  limits: ['limits@openssh.com', '1'],
} as const satisfies Record<string, readonly [string, string]>;

/**
 * Largest packet we accept from a server (after the uint32 length). OpenSSH's sftp-server caps its
 * own messages at 256 KiB; the slack covers other servers' headers. Anything larger is refused
 * before a byte is allocated.
 */
export const MAX_INCOMING_PACKET = 256 * 1024 + 1024;

/** Chunk size when the server does not state limits: what OpenSSH's sftp client uses. */
export const DEFAULT_CHUNK = 32 * 1024;
/** Never ask for more per READ/WRITE than this, whatever a server claims (our packet cap). */
export const MAX_CHUNK = 256 * 1024 - 1024;
