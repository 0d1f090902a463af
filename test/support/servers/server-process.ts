// TEST-ONLY: what every foreign SFTP server harness shares: the shape a started server has, its own
// temp dir, a daemon run under `timeout` (so it ends even if the test process dies) and stopped by
// PID together with the per-connection processes it forked, and host-key fingerprints computed by
// `ssh-keygen -lf` from the public key lines.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { descendants } from '../ssh-client.ts';

export const execFileAsync = promisify(execFile);

export interface RunningSftpServer {
  /** e.g. 'proftpd', 'dropbear': what the tests name in messages. */
  kind: string;
  host: '127.0.0.1';
  port: number;
  user: string;
  /** Set when the server accepts password logins for `user`. */
  password?: string;
  /** Where SFTP starts for the user (absolute path on this machine). */
  sftpRoot: string;
  /** `SHA256:...` as `ssh-keygen -lf` prints them, by key type (ed25519, rsa, ecdsa). */
  hostKeyFingerprints: Record<string, string>;
  stop(): Promise<void>;
  /** The server's log so far, for diagnosing a test. */
  log(): string;
}

/** How long a server may live at most: `timeout` ends it even if the test process is killed. */
export const SERVER_LIFETIME_S = 3600;

export function serverDir(kind: string): string {
  const dir = mkdtempSync(join(tmpdir(), `courier-${kind}-`));
  chmodSync(dir, 0o755);
  return dir;
}

/** `SHA256:...` of an OpenSSH public key line, by the real tool. */
export function fingerprintOfLine(dir: string, line: string): string {
  const file = join(dir, `fp-${Math.random().toString(36).slice(2)}.pub`);
  writeFileSync(file, `${line.trim()}\n`);
  try {
    return execFileSync('ssh-keygen', ['-lf', file]).toString().split(' ')[1] ?? '';
  } finally {
    rmSync(file, { force: true });
  }
}

export type HostKeyType = 'ed25519' | 'rsa' | 'ecdsa';

/**
 * Host keys made by ssh-keygen in `dir` (`host_<type>`, with `.pub`), all at once. `pem`: RSA and
 * ECDSA in PEM, for servers that read no other format.
 */
export async function opensshHostKeys(dir: string, options: { pem?: boolean } = {}): Promise<{ files: Record<HostKeyType, string>; fingerprints: Record<HostKeyType, string> }> {
  const files = { ed25519: join(dir, 'host_ed25519'), rsa: join(dir, 'host_rsa'), ecdsa: join(dir, 'host_ecdsa') };
  const pem = options.pem ? ['-m', 'PEM'] : [];
  await Promise.all([
    execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', files.ed25519]),
    execFileAsync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', ...pem, '-N', '', '-f', files.rsa]),
    execFileAsync('ssh-keygen', ['-q', '-t', 'ecdsa', '-b', '256', ...pem, '-N', '', '-f', files.ecdsa]),
  ]);
  const fp = (f: string) => fingerprintOfLine(dir, readFileSync(`${f}.pub`, 'utf8'));
  return { files, fingerprints: { ed25519: fp(files.ed25519), rsa: fp(files.rsa), ecdsa: fp(files.ecdsa) } };
}

/**
 * The files of a server that keeps its own user list and runs as root (asyncssh, rclone): its dir,
 * `root/` where SFTP starts, host keys, the user's authorized_keys and a fresh password.
 */
export async function ownUserServerFiles(kind: string, authorizedKeys: string[]) {
  const dir = serverDir(kind);
  const sftpRoot = join(dir, 'root');
  mkdirSync(sftpRoot);
  const hostKeys = await opensshHostKeys(dir);
  const keyFile = join(dir, 'authorized_keys');
  writeFileSync(keyFile, authorizedKeys.map((l) => `${l.trim()}\n`).join(''));
  return { dir, sftpRoot, hostKeys, keyFile, password: `pw-${randomBytes(9).toString('base64url')}` };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface Daemon {
  child: ChildProcess;
  log(): string;
  /** Resolves once `pattern` appears in the log (stdout or stderr); rejects if the daemon exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Runs the readiness check; if it fails, stops the daemon and rethrows. */
  started<T>(check: () => Promise<T>): Promise<T>;
  /** SIGTERM the daemon and whatever it forked (by PID), SIGKILL what is left after 5 s. */
  stop(): Promise<void>;
}

/** Starts `command args` under `timeout`, stdin a pipe (closed when this process dies). */
export function startDaemon(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Daemon {
  let log = '';
  const child = spawn('timeout', ['--kill-after=10', String(SERVER_LIFETIME_S), command, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  const listeners = new Set<() => void>();
  const append = (d: Buffer) => {
    log += d.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  child.stdin?.on('error', () => undefined);
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const running = () => child.exitCode === null && child.signalCode === null;

  const daemon: Daemon = {
    child,
    log: () => log,
    waitFor(pattern, timeoutMs = 15_000) {
      return new Promise((ok, fail) => {
        const done = (f: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          child.removeListener('exit', onExit);
          f();
        };
        const check = () => {
          const m = pattern.exec(log);
          if (m) done(() => ok(m));
        };
        const onExit = (code: number | null) => done(() => fail(new Error(`${command} exited (${code}) before ${pattern}:\n${log}`)));
        const timer = setTimeout(() => done(() => fail(new Error(`${command}: no ${pattern} within ${timeoutMs} ms:\n${log}`))), timeoutMs);
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
    async stop() {
      process.removeListener('exit', killOnExit);
      if (!running() || child.pid === undefined) return;
      // The daemon's own children (per-connection servers) first found, so they can be ended too.
      const forked = descendants(child.pid);
      child.kill('SIGTERM'); // `timeout` passes it on to the daemon
      const late = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(late);
      for (const pid of forked) if (alive(pid)) process.kill(pid, 'SIGTERM');
      child.stdin?.destroy();
    },
    async started(check) {
      try {
        return await check();
      } catch (err) {
        await daemon.stop();
        throw err;
      }
    },
  };
  return daemon;
}

/** Resolves once a TCP connect to 127.0.0.1:port succeeds. */
export async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
