// The embedded demo SFTP server (`npm start`): ssh2's Server on 127.0.0.1 only, a persistent
// host key, one account (password, or any public key in the authorized_keys folder), a few
// authentication attempts per connection (like OpenSSH's MaxAuthTries) and a sandbox where, as at
// RIVM, uploads go into incoming/.
import { createHash, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import ssh2, { type AuthContext, type Connection } from 'ssh2';
import { loadAuthorizedKeys } from './authorized-keys.ts';
import { loadOrCreateHostKey } from './host-key.ts';
import { Sandbox } from './sandbox.ts';
import { serveSftp } from './sftp-service.ts';

export interface DemoServerOptions {
  /** 0 picks a free port. */
  port: number;
  dataDir: string;
  username: string;
  password: string;
  /** Failed authentication attempts per connection before it is closed; default 3. */
  maxAuthTries?: number;
}

export interface RunningDemoServer {
  host: '127.0.0.1';
  port: number;
  hostKeyFingerprint: string;
  hostPublicKey: string;
  username: string;
  password: string;
  /** The folder clients see as "/". */
  sandbox: string;
  authorizedKeysDir: string;
  close(): Promise<void>;
}

export function authorizedKeysDir(dataDir: string): string {
  return join(dataDir, 'authorized_keys');
}

function sameSecret(a: string, b: string): boolean {
  // Compare digests so the comparison time does not depend on where the strings differ.
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

export async function startDemoServer(options: DemoServerOptions): Promise<RunningDemoServer> {
  const hostKey = loadOrCreateHostKey(options.dataDir);
  const sandbox = new Sandbox(join(options.dataDir, 'sandbox'));
  const keysDir = authorizedKeysDir(options.dataDir);
  mkdirSync(keysDir, { recursive: true });
  const clients = new Set<Connection>();

  const maxAuthTries = options.maxAuthTries ?? 3;
  const methods: ('password' | 'publickey')[] = ['publickey', 'password'];

  /** true: accepted; false: refused (a failed attempt); 'none': the "none" probe, which OpenSSH does not count. */
  const verdict = (ctx: AuthContext): boolean | 'none' => {
    if (ctx.method === 'none') return 'none';
    if (ctx.username !== options.username) return false;
    if (ctx.method === 'password') return sameSecret(ctx.password, options.password);
    if (ctx.method === 'publickey') {
      const key = loadAuthorizedKeys(keysDir).find((k) => k.getPublicSSH().equals(ctx.key.data));
      if (!key) return false;
      // Without a signature the client only asks whether this key would do.
      if (!ctx.signature || !ctx.blob) return true;
      return key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true;
    }
    return false;
  };

  const authenticator = (client: Connection) => {
    let failures = 0;
    return (ctx: AuthContext) => {
      const v = verdict(ctx);
      if (v === true) return ctx.accept();
      ctx.reject(methods);
      // Like OpenSSH's MaxAuthTries: after a few failures the connection is closed, so every
      // further guess costs a new connection (which the gateway can see and brake).
      if (v === false && ++failures >= maxAuthTries) client.end();
    };
  };

  const server = new ssh2.Server({ hostKeys: [hostKey.privateKey], ident: 'SFTPCourierDemo' }, (client) => {
    clients.add(client);
    client.on('error', () => client.end());
    client.on('close', () => clients.delete(client));
    client.on('authentication', authenticator(client));
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('sftp', (acceptSftp) => serveSftp(acceptSftp(), sandbox, options.username));
        // SFTP only: no shell, no commands, no terminals, no forwarding.
        session.on('shell', (_accept, reject) => reject());
        session.on('exec', (_accept, reject) => reject());
        session.on('pty', (_accept, reject) => reject?.());
        session.on('subsystem', (_accept, reject) => reject());
      });
      client.on('tcpip', (_accept, reject) => reject());
    });
  });
  server.on('error', () => undefined);

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port, '127.0.0.1', () => {
      server.removeListener('error', fail);
      ok();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    host: '127.0.0.1',
    port,
    hostKeyFingerprint: hostKey.fingerprint,
    hostPublicKey: hostKey.publicKey,
    username: options.username,
    password: options.password,
    sandbox: sandbox.root,
    authorizedKeysDir: keysDir,
    close: () =>
      new Promise<void>((ok) => {
        for (const c of clients) c.end();
        server.close(() => ok());
      }),
  };
}
