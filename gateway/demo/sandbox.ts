// The demo server's file tree: a folder on disk seen by SFTP clients as "/". Every client path is
// normalised inside that root (".." stops at "/"), symlinks are followed only when their real
// target stays inside, and writes are allowed only below /incoming (like RIVM: the home folder
// itself is read-only).
import { mkdirSync, realpathSync, writeFileSync, existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { dirname, join, posix, sep } from 'node:path';

export const UPLOAD_FOLDER = '/incoming';

export class SandboxError extends Error {
  constructor(
    message: string,
    readonly kind: 'permission' | 'no-such-file',
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}

export class Sandbox {
  readonly root: string;

  constructor(root: string) {
    mkdirSync(join(root, UPLOAD_FOLDER), { recursive: true });
    const readme = join(root, 'README.txt');
    if (!existsSync(readme)) {
      writeFileSync(readme, 'SFTP Courier demo server.\nThis folder is read-only; deliver files into incoming/.\n');
    }
    this.root = realpathSync(root);
  }

  /** The normalised absolute client path ("/" is the sandbox root, the home folder). */
  virtual(clientPath: string): string {
    return posix.normalize(posix.join('/', clientPath.replace(/\\/g, '/')));
  }

  isWritable(vpath: string): boolean {
    return vpath.startsWith(UPLOAD_FOLDER + '/');
  }

  requireWritable(vpath: string): void {
    if (!this.isWritable(vpath)) throw new SandboxError(`read-only: uploads go into ${UPLOAD_FOLDER}/`, 'permission');
  }

  private inside(real: string): boolean {
    return real === this.root || real.startsWith(this.root + sep);
  }

  /**
   * The path on disk for a client path. `follow`: the entry itself may be followed (open, stat),
   * so its real location must be inside; otherwise only its parent folder is resolved (lstat,
   * remove, rename, mkdir act on the entry itself).
   */
  async resolve(clientPath: string, follow: boolean): Promise<{ vpath: string; real: string }> {
    if (clientPath.includes('\0')) throw new SandboxError('bad path', 'no-such-file');
    const vpath = this.virtual(clientPath);
    const onDisk = join(this.root, vpath);
    if (vpath === '/') return { vpath, real: this.root };
    if (follow) {
      const real = await realpath(onDisk).catch(() => null);
      if (real !== null) {
        if (!this.inside(real)) throw new SandboxError('path leads outside the sandbox', 'permission');
        return { vpath, real };
      }
    }
    const parent = await realpath(dirname(onDisk)).catch(() => null);
    if (parent === null) throw new SandboxError('no such folder', 'no-such-file');
    if (!this.inside(parent)) throw new SandboxError('path leads outside the sandbox', 'permission');
    return { vpath, real: join(parent, posix.basename(vpath)) };
  }
}
