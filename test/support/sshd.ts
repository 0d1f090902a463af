// A real OpenSSH sshd for tests: its own config, host keys and authorized_keys in a temp dir,
// bound to 127.0.0.1 on a free port, stopped by PID when the test ends (and by `timeout` at the
// latest, should the test process die). Logs in as the system user `couriertest`, created once.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export const TEST_USER = 'couriertest';

export interface SshdOptions {
  /** e.g. 'aes128-ctr,aes192-ctr,aes256-ctr' (RIVM-like). Default: OpenSSH's own. */
  ciphers?: string;
  macs?: string;
  kexAlgorithms?: string;
  /** e.g. 'ssh-ed25519' to offer only an ed25519 host key. */
  hostKeyAlgorithms?: string;
  /** User-key signature algorithms accepted (and announced as server-sig-algs), e.g. 'ssh-rsa' for a server that knows only SHA-1. */
  pubkeyAcceptedAlgorithms?: string;
  passwordAuthentication?: boolean;
  pubkeyAuthentication?: boolean;
  keyboardInteractive?: boolean;
  /** e.g. 'publickey,password' to require both. */
  authenticationMethods?: string;
  /** OpenSSH public key lines put into the user's authorized_keys. */
  authorizedKeys?: string[];
  /**
   * The folder SFTP starts in. 'writable': the user owns it. 'incoming-only' (RIVM-like): the
   * start folder belongs to root and only `incoming/` is writable. 'dropbox': `incoming/` is
   * write-only (no listing).
   */
  layout?: 'writable' | 'incoming-only' | 'dropbox';
  /** Re-key after this much data, e.g. '64M', to exercise re-keying in tests. */
  rekeyLimit?: string;
  /** MaxSessions: SFTP (and other) channels allowed per connection (OpenSSH's default 10). */
  maxSessions?: number;
  /**
   * SFTP requests the server refuses, as internal-sftp's `-P` list, e.g.
   * ['rename', 'posix-rename@openssh.com'] for an upload folder that forbids renaming.
   */
  sftpDenyRequests?: string[];
  /**
   * `ChrootDirectory` + `ForceCommand internal-sftp`, as hosting set-ups run it: SFTP only, the
   * user locked into a root-owned folder (made under /var/lib/courier-chroot, since every path
   * component must be root-owned and not group/world-writable — /tmp is not). With 'writable'
   * the user's folder is `/upload` inside the chroot; `sftpRoot` is where SFTP starts.
   */
  chroot?: boolean;
}

export interface RunningSshd {
  host: '127.0.0.1';
  port: number;
  user: string;
  password: string;
  /** Where SFTP starts for the user (absolute path on this machine). */
  sftpRoot: string;
  /** Host key fingerprints as `ssh-keygen -lf` prints them: `SHA256:...`, by key type. */
  hostKeyFingerprints: Record<'ed25519' | 'rsa' | 'ecdsa', string>;
  /** OpenSSH public key lines of the host keys, by type. */
  hostPublicKeys: Record<'ed25519' | 'rsa' | 'ecdsa', string>;
  pid: number;
  stop(): Promise<void>;
  /** sshd's log so far (LogLevel VERBOSE), for diagnosing a test. */
  log(): string;
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

const PASSWORD_FILE = '/var/lib/courier-test/password';
const CHROOT_PARENT = '/var/lib/courier-chroot';

/**
 * One random password for the test user on this machine, made once: every sshd started by any
 * test process shares it, so starting a second server never invalidates the first one's.
 */
export function testPassword(): string {
  mkdirSync('/var/lib/courier-test', { recursive: true, mode: 0o700 });
  try {
    writeFileSync(PASSWORD_FILE, `pw-${randomBytes(12).toString('base64url')}`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readFileSync(PASSWORD_FILE, 'utf8').trim();
}

export function ensureTestUser(password: string): { uid: number; gid: number } {
  try {
    execFileSync('id', ['-u', TEST_USER], { stdio: 'ignore' });
  } catch {
    try {
      execFileSync('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/bin/sh', TEST_USER], { stdio: 'ignore' });
    } catch {
      execFileSync('id', ['-u', TEST_USER], { stdio: 'ignore' }); // another test process created it meanwhile
    }
  }
  execFileSync('chpasswd', [], { input: `${TEST_USER}:${password}\n` });
  const uid = Number(execFileSync('id', ['-u', TEST_USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', TEST_USER]).toString().trim());
  return { uid, gid };
}

function fingerprint(pubFile: string): string {
  // "256 SHA256:abc... comment (ED25519)"
  return execFileSync('ssh-keygen', ['-lf', pubFile]).toString().split(' ')[1] ?? '';
}

export async function startSshd(options: SshdOptions = {}): Promise<RunningSshd> {
  if (process.getuid?.() !== 0) throw new Error('startSshd needs root (it runs sshd with privilege separation and a test user)');
  if (options.chroot) mkdirSync(CHROOT_PARENT, { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(options.chroot ? CHROOT_PARENT : tmpdir(), 'courier-sshd-'));
  chmodSync(dir, 0o755);
  const password = testPassword();
  const { uid, gid } = ensureTestUser(password);
  mkdirSync('/run/sshd', { recursive: true });

  const hostKeys = { ed25519: join(dir, 'host_ed25519'), rsa: join(dir, 'host_rsa'), ecdsa: join(dir, 'host_ecdsa') };
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKeys.ed25519]);
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '3072', '-N', '', '-f', hostKeys.rsa]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-b', '256', '-N', '', '-f', hostKeys.ecdsa]);

  const layout = options.layout ?? 'writable';
  const chrootDir = join(dir, 'root');
  // In a chroot the chroot itself stays root's: a writable layout writes into /upload inside it.
  const startDir = options.chroot && layout === 'writable' ? '/upload' : '/';
  const sftpRoot = startDir === '/' ? chrootDir : join(chrootDir, startDir);
  mkdirSync(sftpRoot, { recursive: true });
  if (layout === 'writable') chownSync(sftpRoot, uid, gid);
  else {
    const incoming = join(sftpRoot, 'incoming');
    mkdirSync(incoming);
    chownSync(incoming, uid, gid);
    chmodSync(incoming, layout === 'dropbox' ? 0o300 : 0o755);
  }
  chmodSync(sftpRoot, 0o755);
  chmodSync(chrootDir, 0o755);

  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, (options.authorizedKeys ?? []).join('\n') + '\n');
  chmodSync(authorizedKeys, 0o644);

  const port = await freePort();
  const deny = options.sftpDenyRequests?.length ? ` -P ${options.sftpDenyRequests.join(',')}` : '';
  const lines = [
    `ListenAddress 127.0.0.1:${port}`,
    `HostKey ${hostKeys.ed25519}`,
    `HostKey ${hostKeys.rsa}`,
    `HostKey ${hostKeys.ecdsa}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${authorizedKeys}`,
    'StrictModes no',
    'UsePAM no',
    'PermitRootLogin no',
    `AllowUsers ${TEST_USER}`,
    'LogLevel VERBOSE',
    `PasswordAuthentication ${options.passwordAuthentication === false ? 'no' : 'yes'}`,
    `PubkeyAuthentication ${options.pubkeyAuthentication === false ? 'no' : 'yes'}`,
    `KbdInteractiveAuthentication ${options.keyboardInteractive ? 'yes' : 'no'}`,
    'MaxAuthTries 6',
    'X11Forwarding no',
    'AllowTcpForwarding no',
    `Subsystem sftp internal-sftp -d ${sftpRoot}${deny}`,
  ];
  if (options.ciphers) lines.push(`Ciphers ${options.ciphers}`);
  if (options.macs) lines.push(`MACs ${options.macs}`);
  if (options.kexAlgorithms) lines.push(`KexAlgorithms ${options.kexAlgorithms}`);
  if (options.hostKeyAlgorithms) lines.push(`HostKeyAlgorithms ${options.hostKeyAlgorithms}`);
  if (options.pubkeyAcceptedAlgorithms) lines.push(`PubkeyAcceptedAlgorithms ${options.pubkeyAcceptedAlgorithms}`);
  if (options.authenticationMethods) lines.push(`AuthenticationMethods ${options.authenticationMethods}`);
  if (options.rekeyLimit) lines.push(`RekeyLimit ${options.rekeyLimit}`);
  if (options.maxSessions !== undefined) lines.push(`MaxSessions ${options.maxSessions}`);
  // Match blocks go last: every line after one belongs to it.
  if (options.chroot) lines.push(`Match User ${TEST_USER}`, `  ChrootDirectory ${chrootDir}`, `  ForceCommand internal-sftp -d ${startDir}${deny}`);
  const config = join(dir, 'sshd_config');
  writeFileSync(config, lines.join('\n') + '\n');

  let log = '';
  // `timeout` ends sshd after an hour even if this test process is killed before stop().
  const child: ChildProcess = spawn('timeout', ['3600', '/usr/sbin/sshd', '-D', '-e', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);

  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`sshd did not start:\n${log}`)), 10_000);
    const check = () => {
      if (log.includes('Server listening')) {
        clearTimeout(timer);
        ok();
      }
    };
    child.stderr?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`sshd exited with ${code}:\n${log}`));
    });
  });

  const pub = (p: string) => readFileSync(`${p}.pub`, 'utf8').trim();
  return {
    host: '127.0.0.1',
    port,
    user: TEST_USER,
    password,
    sftpRoot,
    hostKeyFingerprints: { ed25519: fingerprint(`${hostKeys.ed25519}.pub`), rsa: fingerprint(`${hostKeys.rsa}.pub`), ecdsa: fingerprint(`${hostKeys.ecdsa}.pub`) },
    hostPublicKeys: { ed25519: pub(hostKeys.ed25519), rsa: pub(hostKeys.rsa), ecdsa: pub(hostKeys.ecdsa) },
    pid: child.pid ?? -1,
    log: () => log,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
