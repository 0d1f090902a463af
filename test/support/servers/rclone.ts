// TEST-ONLY: `rclone serve sftp` over a local folder, on 127.0.0.1 and a free port, with its own
// host keys (--key), user keys (--authorized-keys) and a password (--user/--pass), no rclone config
// file. rclone writes files as root. It cannot write at an offset into an existing file ("Illegal
// seek"), which is what makes resuming there different (issue 9.5).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../sshd.ts';
import { ownUserServerFiles, startDaemon, waitForPort, type RunningSftpServer } from './server-process.ts';

export interface RcloneOptions {
  /** OpenSSH public key lines of the user. */
  authorizedKeys: string[];
}

const USER = 'courier';

export async function startRclone(options: RcloneOptions): Promise<RunningSftpServer> {
  const { dir, sftpRoot, hostKeys, keyFile, password } = await ownUserServerFiles('rclone', options.authorizedKeys);
  const port = await freePort();
  const daemon = startDaemon('/usr/bin/rclone', [
    'serve', 'sftp', sftpRoot,
    '--config', join(dir, 'rclone.conf'), // none: no user config is read
    '--cache-dir', join(dir, 'cache'),
    '--addr', `127.0.0.1:${port}`,
    '--user', USER, '--pass', password,
    '--authorized-keys', keyFile,
    ...Object.values(hostKeys.files).flatMap((k) => ['--key', k]),
    '-v',
  ]);
  await daemon.started(async () => {
    await daemon.waitFor(/SFTP server listening/);
    await waitForPort(port);
  });
  return {
    kind: 'rclone',
    host: '127.0.0.1',
    port,
    user: USER,
    password,
    sftpRoot,
    hostKeyFingerprints: hostKeys.fingerprints,
    log: daemon.log,
    async stop() {
      await daemon.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
