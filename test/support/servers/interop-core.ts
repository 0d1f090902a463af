// TEST-ONLY: the core API against a foreign server: our SSH connection (core/ssh over Node TCP, host
// keys pinned) with a chosen login, an SftpSession on it, and a DeliveryRun wired to reconnect.
import { connectSsh, type SshConnection } from '../../../core/ssh/connection.ts';
import { pinnedHostKeyPolicy } from '../../../core/ssh/host-key-policy.ts';
import { connectTcp } from '../../../core/ssh/transport-node.ts';
import { SftpSession } from '../../../core/sftp/session.ts';
import { DeliveryRun, type DeliveryItem } from '../../../core/delivery/delivery-run.ts';
import type { ExistingChoice, PairSource } from '../../../core/delivery/deliver-pair.ts';
import type { DeliveryReceipt } from '../../../core/delivery/receipt.ts';
import { SessionLog } from '../../../core/delivery/session-log.ts';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { InteropKeys } from './interop-keys.ts';
import type { Login } from './interop-cli.ts';
import type { RunningSftpServer } from './server-process.ts';

export interface CoreSession {
  ssh: SshConnection;
  sftp: SftpSession;
  close(): Promise<void>;
}

export interface CoreConnectOptions {
  /** Connect here instead of the server's port (a TCP switch in front of it). */
  port?: number;
  ciphers?: string[];
}

export async function connectCore(server: RunningSftpServer, keys: InteropKeys, login: Login, options: CoreConnectOptions = {}): Promise<CoreSession> {
  const auth = login === 'password' ? { password: server.password ?? '' } : { key: keys.core[login] };
  const ssh = await connectSsh(await connectTcp({ host: server.host, port: options.port ?? server.port }), {
    target: `${server.host}:${server.port}`,
    username: server.user,
    hostKeyPolicy: pinnedHostKeyPolicy({ pins: Object.values(server.hostKeyFingerprints) }),
    auth,
    ...(options.ciphers ? { algorithms: { ciphers: options.ciphers } } : {}),
  });
  try {
    const sftp = await SftpSession.open(await ssh.openSubsystem('sftp'));
    return {
      ssh,
      sftp,
      async close() {
        await sftp.close().catch(() => undefined);
        await ssh.close().catch(() => undefined);
      },
    };
  } catch (err) {
    await ssh.close().catch(() => undefined);
    throw err;
  }
}

export function filePair(path: string): PairSource {
  const size = statSync(path).size;
  return { name: basename(path), data: { size, openAt: (offset: number) => createReadStream(path, { start: offset, highWaterMark: 1024 * 1024 }) } };
}

export interface CoreRunOptions extends CoreConnectOptions {
  folder: string;
  existing?: ExistingChoice;
  onChange?: (items: readonly DeliveryItem[]) => void;
}

/** A DeliveryRun of local files into `folder`, sha1sum-style .hash, reconnecting quickly. */
export async function coreDeliver(server: RunningSftpServer, keys: InteropKeys, login: Login, files: string[], options: CoreRunOptions): Promise<{ receipt: DeliveryReceipt; log: string[] }> {
  const log = new SessionLog();
  const lines: string[] = [];
  log.subscribe((e) => lines.push(`${e.level}: ${e.message}`));
  const run = new DeliveryRun(files.map(filePair), {
    receiptId: globalThis.crypto.randomUUID(),
    profile: { id: 'interop', label: 'Interop test server', targetId: 'interop', uploadFolder: options.folder, sidecar: { required: true, style: 'sha1sum' }, tempRename: true },
    user: server.user,
    log,
    backoffMs: () => 200,
    onExisting: async (path) => {
      if (!options.existing) throw Object.assign(new Error(`${path} already exists on the server`), { code: 'target-exists' });
      return options.existing;
    },
    ...(options.onChange ? { onChange: options.onChange } : {}),
    connect: async () => {
      const s = await connectCore(server, keys, login, options);
      return { sftp: s.sftp, hostKeyFingerprint: s.ssh.hostKey.sha256, hostKeyAlgorithm: s.ssh.hostKey.keyAlgorithm, close: () => s.close() };
    },
  });
  return { receipt: await run.run(), log: lines };
}
