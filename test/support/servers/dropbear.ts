// TEST-ONLY: Dropbear (Debian dropbear-bin) in the foreground on 127.0.0.1 and a free port, with
// its own host keys (dropbearkey), serving SFTP through OpenSSH's sftp-server. Debian's dropbear is
// built with SFTPSERVER_PATH /usr/lib/sftp-server (a link to /usr/lib/openssh/sftp-server) and
// takes user keys only from ~/.ssh/authorized_keys, hence the `courierhome` user; a forced command
// (-c, which also replaces the sftp subsystem) starts sftp-server in this server's own folder.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../sshd.ts';
import { authorizeHomeKeys, homeUserServerDir } from './home-user.ts';
import { execFileAsync, fingerprintOfLine, startDaemon, waitForPort, type RunningSftpServer } from './server-process.ts';

export interface DropbearOptions {
  /** OpenSSH public key lines of the user. */
  authorizedKeys: string[];
  /** Password logins (dropbear checks /etc/shadow). Default true. */
  password?: boolean;
}

export const SFTP_SERVER = '/usr/lib/openssh/sftp-server';

export async function startDropbear(options: DropbearOptions): Promise<RunningSftpServer> {
  const { user, dir, sftpRoot } = homeUserServerDir('dropbear');
  const hostKeyFingerprints: Record<string, string> = {};
  const keyArgs: string[] = [];
  await Promise.all((['rsa', 'ed25519', 'ecdsa'] as const).map(async (type) => {
    const file = join(dir, `host_${type}`);
    await execFileAsync('dropbearkey', ['-t', type, ...(type === 'rsa' ? ['-s', '2048'] : []), '-f', file]);
    // `dropbearkey -y` prints the OpenSSH public key line among other lines.
    const { stdout } = await execFileAsync('dropbearkey', ['-y', '-f', file]);
    hostKeyFingerprints[type] = fingerprintOfLine(dir, stdout.split('\n').find((l) => /^(ssh-|ecdsa-)/.test(l)) ?? '');
    keyArgs.push('-r', file);
  }));
  const unauthorize = authorizeHomeKeys(options.authorizedKeys);
  const port = await freePort();
  const daemon = startDaemon('/usr/sbin/dropbear', [
    '-F', '-E', // foreground, log to stderr
    '-p', `127.0.0.1:${port}`,
    ...keyArgs,
    '-P', join(dir, 'dropbear.pid'),
    '-w', '-j', '-k', // no root, no port forwarding
    ...(options.password === false ? ['-s'] : []),
    '-c', `${SFTP_SERVER} -d ${sftpRoot}`,
  ]);
  await daemon.started(async () => {
    await daemon.waitFor(/Not backgrounding/);
    await waitForPort(port);
  }).catch((err: unknown) => {
    unauthorize();
    throw err;
  });
  return {
    kind: 'dropbear',
    host: '127.0.0.1',
    port,
    user: user.user,
    ...(options.password === false ? {} : { password: user.password }),
    sftpRoot,
    hostKeyFingerprints,
    log: daemon.log,
    async stop() {
      await daemon.stop();
      unauthorize();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
