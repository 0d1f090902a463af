// TEST-ONLY: `node cli/courier.mjs ...` against a foreign server as a user runs it: the connection
// options for a chosen login (RSA key + passphrase file, Ed25519 key, password file), host keys
// pinned, and a profile file of the kind IT hands out (upload folder, sha1sum-style .hash).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InteropKeys } from './interop-keys.ts';
import type { RunningSftpServer } from './server-process.ts';

export type Login = 'rsa' | 'ed25519' | 'password';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function courier(args: string[]): Promise<CliRun> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, [join(process.cwd(), 'cli/courier.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => ok({ status, stdout, stderr }));
  });
}

/** --host/--port/--user, the login, and every host key pinned; `port` overrides (a TCP switch). */
export function connectionArgs(server: RunningSftpServer, keys: InteropKeys, login: Login, port = server.port): string[] {
  const base = ['--host', server.host, '--port', String(port), '--user', server.user, ...Object.values(server.hostKeyFingerprints).flatMap((f) => ['--host-key', f])];
  if (login === 'rsa') return [...base, '--key', keys.rsaFile, '--passphrase-file', keys.passphraseFile];
  if (login === 'ed25519') return [...base, '--key', keys.ed25519File];
  if (!server.password) throw new Error(`${server.kind} has no password login`);
  const file = join(keys.dir, `password-${server.kind}-${server.port}`);
  writeFileSync(file, `${server.password}\n`);
  return [...base, '--password-file', file];
}

/** A profiles file with one profile, `interop`, delivering into `folder` with sha1sum-style .hash files. */
export function interopProfileFile(dir: string, folder: string, extra: { ciphers?: string[] } = {}): string {
  const file = join(dir, `profiles-${folder || 'home'}.json`);
  writeFileSync(file, JSON.stringify({
    format: 'sftp-courier-profiles', version: 1,
    profiles: [{
      id: 'interop', label: 'Interop test server', targetId: 'interop', authMethods: ['publickey', 'password'],
      hostKeyFingerprints: [], uploadFolder: folder, sidecar: { required: true, style: 'sha1sum' }, tempRename: true, help: {},
      ...(extra.ciphers ? { ciphers: extra.ciphers } : {}),
    }],
  }));
  return file;
}
