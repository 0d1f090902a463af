// OpenSSH's `sftp` as the native reference, timed like our clients: one batch session per round,
// commands fed one at a time on stdin, each timed from sending it to the echo of the `pwd` sent
// after it (sftp echoes a batch command as it starts it, line-buffered), so neither the handshake
// nor the `pwd` round trip is counted. CPU is read from /proc for sftp and its ssh child.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { treeCpuSeconds } from './cdp-chromium.ts';
import { endWithThisProcess } from './child-guard.ts';

export interface OpenSshTarget {
  host: string;
  port: number;
  user: string;
  key: string;
  knownHosts: string;
}

export interface OpenSshOptions {
  ciphers?: string;
  macs?: string;
  /** e.g. ['-R', '256', '-B', '262144'] (tuned: more requests in flight, bigger ones). */
  extraArgs?: string[];
}

export interface TimedCommand {
  seconds: number;
  cpuSeconds: number;
}

export class OpenSshSftp {
  private out = '';
  private waiters: (() => void)[] = [];

  private readonly pid: number;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    if (child.pid === undefined) throw new Error('sftp did not start');
    this.pid = child.pid;
    endWithThisProcess(this.pid);
    child.stdout.on('data', (d: Buffer) => {
      this.out += d.toString();
      for (const w of this.waiters.splice(0)) w();
    });
    child.stderr.on('data', (d: Buffer) => {
      this.out += d.toString();
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Connects (not timed) and returns once the session answers. */
  static async open(target: OpenSshTarget, options: OpenSshOptions = {}): Promise<OpenSshSftp> {
    const args = [
      '-q', '-b', '-', '-i', target.key, '-P', String(target.port),
      ...(options.ciphers ? ['-o', `Ciphers=${options.ciphers}`] : []),
      ...(options.macs ? ['-o', `MACs=${options.macs}`] : []),
      '-o', `UserKnownHostsFile=${target.knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes',
      ...(options.extraArgs ?? []),
      `${target.user}@${target.host}`,
    ];
    const child = spawn('timeout', ['-s', 'KILL', '3600', 'sftp', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const s = new OpenSshSftp(child);
    await s.command('pwd');
    return s;
  }

  private async waitFor(pattern: RegExp): Promise<void> {
    while (!pattern.test(this.out)) {
      if (this.child.exitCode !== null) throw new Error(`sftp exited (${this.child.exitCode}): ${this.out.slice(-2000)}`);
      await new Promise<void>((ok) => {
        this.waiters.push(ok);
        this.child.once('exit', () => ok());
      });
    }
  }

  /** Runs one command to its end (the `pwd` after it has started). */
  async command(cmd: string): Promise<TimedCommand> {
    if (/\n/.test(cmd)) throw new Error('one command at a time');
    this.out = '';
    const cpu0 = treeCpuSeconds(this.pid);
    const t0 = performance.now();
    this.child.stdin.write(`${cmd}\npwd\n`);
    await this.waitFor(/sftp> pwd\n/);
    const seconds = (performance.now() - t0) / 1000;
    const cpuSeconds = treeCpuSeconds(this.pid) - cpu0;
    await this.waitFor(/Remote working directory: .*\n/);
    if (/Couldn't|not found|denied|rror/i.test(this.out.split('sftp> pwd')[0] ?? '')) throw new Error(`sftp ${cmd}: ${this.out}`);
    return { seconds, cpuSeconds };
  }

  async close(): Promise<void> {
    this.child.stdin.end();
    if (this.child.exitCode === null) await new Promise((ok) => this.child.once('exit', ok));
  }
}
