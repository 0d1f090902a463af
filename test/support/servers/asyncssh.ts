// TEST-ONLY: an SFTP server made with python3-asyncssh (asyncssh-sftp-server.py next to this file),
// run with Debian's /usr/bin/python3 (the pyenv python on PATH has no asyncssh), on 127.0.0.1 and a
// port the OS picks, SFTP rooted in its own folder, key and password logins. It runs as root:
// files it writes belong to root.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ownUserServerFiles, startDaemon, type RunningSftpServer } from './server-process.ts';

export interface AsyncsshOptions {
  /** OpenSSH public key lines of the user. */
  authorizedKeys: string[];
  /** Password logins. Default true. */
  password?: boolean;
  /** Only these ciphers, e.g. ['aes128-ctr', 'aes256-ctr']. */
  ciphers?: string[];
}

const SCRIPT = join(import.meta.dirname, 'asyncssh-sftp-server.py');
const USER = 'courier';

export async function startAsyncssh(options: AsyncsshOptions): Promise<RunningSftpServer> {
  const { dir, sftpRoot, hostKeys, keyFile, password } = await ownUserServerFiles('asyncssh', options.authorizedKeys);
  const passwordFile = join(dir, 'password');
  if (options.password !== false) writeFileSync(passwordFile, password, { mode: 0o600 });

  const daemon = startDaemon('/usr/bin/python3', [
    SCRIPT, '--root', sftpRoot, '--user', USER, '--authorized-keys', keyFile,
    ...Object.values(hostKeys.files).flatMap((k) => ['--host-key', k]),
    ...(options.password !== false ? ['--password-file', passwordFile] : []),
    ...(options.ciphers ? ['--ciphers', options.ciphers.join(',')] : []),
  ]);
  const port = await daemon.started(async () => Number((await daemon.waitFor(/listening on (\d+)/))[1]));
  return {
    kind: 'asyncssh',
    host: '127.0.0.1',
    port,
    user: USER,
    ...(options.password !== false ? { password } : {}),
    sftpRoot,
    hostKeyFingerprints: hostKeys.fingerprints,
    log: daemon.log,
    async stop() {
      await daemon.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
