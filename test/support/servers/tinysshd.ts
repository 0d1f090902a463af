// TEST-ONLY: tinysshd run inetd style: a small TCP listener on 127.0.0.1 (in this process) starts one
// tinysshd per connection on its stdin/stdout, under `timeout`, with a key dir made by
// tinysshd-makekey and OpenSSH's sftp-server as its sftp subsystem. tinysshd speaks only
// ssh-ed25519, curve25519/sntrup761 and chacha20-poly1305@openssh.com, and reads user keys only from
// ~/.ssh/authorized_keys (hence `courierhome`); no passwords.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { authorizeHomeKeys, homeUserServerDir } from './home-user.ts';
import { SFTP_SERVER } from './dropbear.ts';
import { fingerprintOfLine, SERVER_LIFETIME_S, type RunningSftpServer } from './server-process.ts';

export interface TinysshdOptions {
  /** OpenSSH public key lines of the user (tinysshd accepts only ssh-ed25519 ones). */
  authorizedKeys: string[];
}

export async function startTinysshd(options: TinysshdOptions): Promise<RunningSftpServer> {
  const { user, dir, sftpRoot } = homeUserServerDir('tinysshd');
  const keyDir = join(dir, 'sshkeydir');
  execFileSync('tinysshd-makekey', ['-q', keyDir]);
  const hostKeyFingerprints = { ed25519: fingerprintOfLine(dir, execFileSync('tinysshd-printkey', [keyDir]).toString()) };
  const unauthorize = authorizeHomeKeys(options.authorizedKeys);

  let log = '';
  const sessions = new Set<ChildProcess>();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    const child = spawn('timeout', ['--kill-after=10', String(SERVER_LIFETIME_S), '/usr/sbin/tinysshd', '-v', '-x', `sftp=${SFTP_SERVER} -d ${sftpRoot}`, keyDir], { stdio: ['pipe', 'pipe', 'pipe'] });
    sessions.add(child);
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    socket.pipe(child.stdin);
    child.stdout.pipe(socket);
    child.stdin.on('error', () => undefined);
    socket.on('error', () => child.stdin.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      child.stdin.destroy();
    });
    child.on('exit', (code) => {
      sessions.delete(child);
      log += `[listener] tinysshd ${child.pid} exited ${code}\n`;
      socket.end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const killOnExit = () => {
    for (const c of sessions) c.kill('SIGTERM');
  };
  process.once('exit', killOnExit);

  return {
    kind: 'tinysshd',
    host: '127.0.0.1',
    port,
    user: user.user,
    sftpRoot,
    hostKeyFingerprints,
    log: () => log,
    async stop() {
      process.removeListener('exit', killOnExit);
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      for (const s of sockets) s.destroy();
      await Promise.all([...sessions].map((c) => new Promise<void>((ok) => {
        if (c.exitCode !== null || c.signalCode !== null) return ok();
        c.once('exit', () => ok());
        c.kill('SIGTERM'); // `timeout` passes it on to tinysshd
      })));
      await closed;
      unauthorize();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
