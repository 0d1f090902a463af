// TEST-ONLY: ProFTPD with mod_sftp (Debian proftpd-core + proftpd-mod-crypto), in the foreground
// with its own config (no inetd, no system service), on 127.0.0.1 and a free port, as the system
// test user chrooted (DefaultRoot) into its own folder. Layouts are the ones registries run:
// 'writable', 'incoming-only' (home not writable), 'dropbox' (listing and reading denied) and
// 'no-rename' (`<Limit READ DIRS> DenyAll` on incoming/: upload-only, RNFR is in DIRS).
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTestUser, freePort, testPassword, TEST_USER } from '../sshd.ts';
import { opensshHostKeys, serverDir, startDaemon, waitForPort, type RunningSftpServer } from './server-process.ts';

export interface ProftpdOptions {
  /** OpenSSH public key lines of the user (converted to RFC 4716, which mod_sftp reads). */
  authorizedKeys: string[];
  /** Password logins for the user (mod_auth_unix, /etc/shadow). Default true. */
  password?: boolean;
  /** SFTPCiphers, e.g. ['aes128-ctr', 'aes192-ctr', 'aes256-ctr'] (RIVM-like). */
  ciphers?: string[];
  /** SFTPDigests, e.g. ['hmac-sha2-256', 'hmac-sha2-512']. */
  macs?: string[];
  layout?: 'writable' | 'incoming-only' | 'dropbox' | 'no-rename';
}

/** `<Limit>` sets per layout on incoming/ (ProFTPD command groups; DIRS holds RNFR as well as LIST). */
const LIMITS: Record<string, string | undefined> = {
  dropbox: 'READ LIST NLST MLSD MLST',
  'no-rename': 'READ DIRS',
};

export async function startProftpd(options: ProftpdOptions): Promise<RunningSftpServer> {
  const password = testPassword();
  const { uid, gid } = ensureTestUser(password);
  const dir = serverDir('proftpd');
  // mod_sftp reads RSA and ECDSA host keys as PEM; Ed25519 in OpenSSH's own format.
  const hostKeys = await opensshHostKeys(dir, { pem: true });

  const layout = options.layout ?? 'writable';
  const sftpRoot = join(dir, 'root');
  mkdirSync(sftpRoot);
  chmodSync(sftpRoot, 0o755);
  const incoming = join(sftpRoot, 'incoming');
  if (layout === 'writable') chownSync(sftpRoot, uid, gid);
  else {
    mkdirSync(incoming);
    chownSync(incoming, uid, gid);
    chmodSync(incoming, 0o755);
  }

  const keyFile = join(dir, 'authorized_keys');
  writeFileSync(keyFile, options.authorizedKeys.map((line) => {
    const pub = join(dir, 'user.pub');
    writeFileSync(pub, `${line.trim()}\n`);
    return execFileSync('ssh-keygen', ['-e', '-f', pub]).toString();
  }).join(''));
  rmSync(join(dir, 'user.pub'), { force: true });

  const port = await freePort();
  const sftpLog = join(dir, 'sftp.log');
  const limits = LIMITS[layout];
  const lines = [
    'ServerType standalone',
    'ServerName "courier-test proftpd"',
    'DefaultServer off',
    'Port 0', // the main server serves nothing: the VirtualHost below is the SFTP one
    'UseIPv6 off',
    'UseReverseDNS off',
    'User nobody',
    'Group nogroup',
    `PidFile ${join(dir, 'proftpd.pid')}`,
    `ScoreboardFile ${join(dir, 'scoreboard')}`,
    `DelayTable ${join(dir, 'delay')}`,
    `TransferLog ${join(dir, 'xferlog')}`,
    'WtmpLog off',
    'MaxInstances 50',
    'LoadModule mod_sftp.c',
    `<VirtualHost 127.0.0.1>`,
    `  Port ${port}`,
    '  SFTPEngine on',
    `  SFTPLog ${sftpLog}`,
    ...Object.values(hostKeys.files).map((k) => `  SFTPHostKey ${k}`),
    `  SFTPAuthorizedUserKeys file:${keyFile}`,
    `  SFTPAuthMethods publickey${options.password === false ? '' : ' password'}`,
    ...(options.ciphers ? [`  SFTPCiphers ${options.ciphers.join(' ')}`] : []),
    ...(options.macs ? [`  SFTPDigests ${options.macs.join(' ')}`] : []),
    '  AuthOrder mod_auth_unix.c',
    '  RequireValidShell off',
    `  DefaultRoot ${sftpRoot}`,
    '  AllowOverwrite on',
    `  <Limit LOGIN>`,
    `    AllowUser ${TEST_USER}`,
    '    DenyAll',
    '  </Limit>',
    ...(limits ? [`  <Directory ${incoming}>`, `    <Limit ${limits}>`, '      DenyAll', '    </Limit>', '  </Directory>'] : []),
    '</VirtualHost>',
  ];
  const config = join(dir, 'proftpd.conf');
  writeFileSync(config, lines.join('\n') + '\n');

  const daemon = startDaemon('/usr/sbin/proftpd', ['--nodaemon', '--config', config]);
  await daemon.started(async () => {
    await daemon.waitFor(/STARTUP/);
    await waitForPort(port);
  });
  const log = () => `${daemon.log()}${existsSync(sftpLog) ? readFileSync(sftpLog, 'utf8') : ''}`;
  return {
    kind: 'proftpd',
    host: '127.0.0.1',
    port,
    user: TEST_USER,
    ...(options.password === false ? {} : { password }),
    sftpRoot,
    hostKeyFingerprints: hostKeys.fingerprints,
    log,
    async stop() {
      await daemon.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
