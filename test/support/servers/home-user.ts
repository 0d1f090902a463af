// TEST-ONLY: a second system test user, `courierhome`, for the servers that take a user's keys only
// from ~/.ssh/authorized_keys (Dropbear, tinysshd: neither has an option for another file). The
// shared `couriertest` keeps its home /nonexistent (it cannot be moved while others' sessions run).
// Harnesses add their key lines tagged with their own id and remove exactly those when they stop,
// under flock, so servers started at the same time by several test processes never clash.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { testPassword } from '../sshd.ts';
import { serverDir } from './server-process.ts';

export const HOME_USER = 'courierhome';
const HOME = `/home/${HOME_USER}`;
const LOCK = '/var/lib/courier-test/home-keys.lock';

export interface HomeUser {
  user: string;
  uid: number;
  gid: number;
  home: string;
  password: string;
}

export function ensureHomeUser(): HomeUser {
  const password = testPassword();
  try {
    execFileSync('id', ['-u', HOME_USER], { stdio: 'ignore' });
  } catch {
    try {
      execFileSync('useradd', ['--system', '--no-create-home', '--home-dir', HOME, '--shell', '/bin/sh', HOME_USER], { stdio: 'ignore' });
    } catch {
      execFileSync('id', ['-u', HOME_USER], { stdio: 'ignore' }); // another test process created it meanwhile
    }
  }
  execFileSync('chpasswd', [], { input: `${HOME_USER}:${password}\n` });
  const uid = Number(execFileSync('id', ['-u', HOME_USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', HOME_USER]).toString().trim());
  const ssh = join(HOME, '.ssh');
  mkdirSync(ssh, { recursive: true });
  for (const d of [HOME, ssh]) chownSync(d, uid, gid);
  chmodSync(HOME, 0o755);
  chmodSync(ssh, 0o700);
  const keys = join(ssh, 'authorized_keys');
  if (!existsSync(keys)) writeFileSync(keys, '', { mode: 0o600 });
  chownSync(keys, uid, gid);
  chmodSync(keys, 0o600);
  return { user: HOME_USER, uid, gid, home: HOME, password };
}

/** A server's own dir with `root/` (where SFTP starts) owned by `courierhome`. */
export function homeUserServerDir(kind: string): { user: HomeUser; dir: string; sftpRoot: string } {
  const user = ensureHomeUser();
  const dir = serverDir(kind);
  const sftpRoot = join(dir, 'root');
  mkdirSync(sftpRoot);
  chownSync(sftpRoot, user.uid, user.gid);
  chmodSync(sftpRoot, 0o755);
  return { user, dir, sftpRoot };
}

/**
 * Adds OpenSSH public key lines to ~courierhome/.ssh/authorized_keys, each tagged with a fresh id
 * as its comment; returns the function that removes exactly those lines again.
 */
export function authorizeHomeKeys(lines: string[]): () => void {
  const tag = `courier-${randomBytes(6).toString('hex')}`;
  const file = join(HOME, '.ssh', 'authorized_keys');
  const tagged = lines.map((l) => l.trim().split(/\s+/).slice(0, 2).join(' ') + ` ${tag}\n`).join('');
  execFileSync('flock', [LOCK, 'sh', '-c', 'cat >> "$1"', 'sh', file], { input: tagged });
  return () => execFileSync('flock', [LOCK, 'sed', '-i', `/ ${tag}$/d`, file]);
}
