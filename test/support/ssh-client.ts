// Shared bits of the SSH client tests: connect our client to a test sshd, check the SFTP greeting,
// find the per-connection sshd processes (children of the sshd we started) to kill them.
import { execFileSync } from 'node:child_process';
import { connectTcp } from '../../core/ssh/transport-node.ts';
import { connectSsh, type ConnectOptions, type SshConnection } from '../../core/ssh/connection.ts';
import { pinnedHostKeyPolicy } from '../../core/ssh/host-key-policy.ts';
import type { SshChannelStream } from '../../core/ssh/channel.ts';
import type { RunningSshd } from './sshd.ts';

export async function connectTo(sshd: RunningSshd, options: Partial<ConnectOptions> = {}): Promise<SshConnection> {
  const transport = await connectTcp({ host: sshd.host, port: sshd.port });
  return connectSsh(transport, {
    target: `${sshd.host}:${sshd.port}`,
    username: sshd.user,
    hostKeyPolicy: pinnedHostKeyPolicy({ pins: Object.values(sshd.hostKeyFingerprints) }),
    auth: {},
    ...options,
  });
}

/** Sends SSH_FXP_INIT(3) and returns the reply's type and version (expect 2, 3). */
export async function sftpGreeting(channel: SshChannelStream): Promise<{ type: number; version: number; length: number }> {
  await channel.write(new Uint8Array([0, 0, 0, 5, 1, 0, 0, 0, 3]));
  let buf = new Uint8Array(0);
  while (buf.length < 9) {
    const chunk = await channel.read();
    if (!chunk) throw new Error('sftp channel closed before VERSION');
    const next = new Uint8Array(buf.length + chunk.length);
    next.set(buf);
    next.set(chunk, buf.length);
    buf = next;
  }
  const view = new DataView(buf.buffer);
  return { length: view.getUint32(0), type: buf[4]!, version: view.getUint32(5) };
}

/** PIDs of all descendants of `pid` (the sshd we started, then its per-connection children). */
export function descendants(pid: number): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)]).toString();
  } catch {
    return [];
  }
  const kids = out.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
  return kids.flatMap((k) => [k, ...descendants(k)]);
}
