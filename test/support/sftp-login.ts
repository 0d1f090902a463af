// TEST-ONLY: log in to a test sshd by key for the SFTP tests. Keys, not the harness password: the
// shared test user's password is reset whenever any test (of any developer) starts an sshd.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningSshd, SshdOptions } from './sshd.ts';
import { startSshd } from './sshd.ts';
import { openSsh2SftpChannel, type Ssh2SftpConnection } from './ssh2-channel.ts';
import { SftpSession } from '../../core/sftp/session.ts';

let keyPath: string | null = null;

/** An unencrypted ed25519 key made by ssh-keygen, once per process: its path and public line. */
export function sftpTestKey(): { path: string; publicLine: string } {
  if (!keyPath) {
    const dir = mkdtempSync(join(tmpdir(), 'courier-sftp-key-'));
    keyPath = join(dir, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyPath]);
  }
  return { path: keyPath, publicLine: readFileSync(`${keyPath}.pub`, 'utf8').trim() };
}

/** startSshd with the test key authorized. */
export function startSftpSshd(options: SshdOptions = {}): Promise<RunningSshd> {
  return startSshd({ ...options, authorizedKeys: [...(options.authorizedKeys ?? []), sftpTestKey().publicLine] });
}

/** An SftpSession over the ssh2 client's raw channel, logged in by key. */
export async function connectSsh2Sftp(sshd: RunningSshd): Promise<{ session: SftpSession; conn: Ssh2SftpConnection }> {
  const conn = await openSsh2SftpChannel({ host: sshd.host, port: sshd.port, username: sshd.user, privateKey: readFileSync(sftpTestKey().path) });
  return { session: await SftpSession.open(conn.channel), conn };
}
