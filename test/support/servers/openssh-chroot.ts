// TEST-ONLY: OpenSSH as hosting set-ups run it for SFTP-only accounts: `ChrootDirectory` +
// `ForceCommand internal-sftp` (test/support/sshd.ts with `chroot`), in the shape of the other
// foreign-server harnesses.
import { startSshd, type SshdOptions } from '../sshd.ts';
import type { RunningSftpServer } from './server-process.ts';

export async function startChrootSshd(options: Omit<SshdOptions, 'chroot'> & { authorizedKeys: string[] }): Promise<RunningSftpServer> {
  const sshd = await startSshd({ ...options, chroot: true });
  return {
    kind: 'openssh-chroot',
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    ...(options.passwordAuthentication === false ? {} : { password: sshd.password }),
    sftpRoot: sshd.sftpRoot,
    hostKeyFingerprints: sshd.hostKeyFingerprints,
    log: sshd.log,
    stop: () => sshd.stop(),
  };
}
