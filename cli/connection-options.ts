// The connection options every SFTP command shares (upload, ls, get, rm): parsing, the usage
// text, and opening an SFTP session over a direct TCP connection with a pinned host key.
import { readFile } from 'node:fs/promises';
import { KeyError, needsPassphrase, readPrivateKeyFile, CryptoSshUserKey } from '../core/keys/index.ts';
import { connectSsh, type SshConnection } from '../core/ssh/connection.ts';
import { SshError } from '../core/ssh/errors.ts';
import { normalizeSha256Fingerprint } from '../core/ssh/fingerprint.ts';
import { pinnedHostKeyPolicy } from '../core/ssh/host-key-policy.ts';
import { connectTcp } from '../core/ssh/transport-node.ts';
import { SftpError, SftpSession } from '../core/sftp/index.ts';
import { CliError } from './command.ts';
import { canPrompt, passphraseFromFile, promptHidden } from './commands/key-passphrase.ts';

/** parseArgs option specs, to spread into a command's own options. */
export const CONNECTION_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string', default: '22' },
  user: { type: 'string' },
  key: { type: 'string' },
  'passphrase-file': { type: 'string' },
  'password-file': { type: 'string' },
  'host-key': { type: 'string', multiple: true },
  cipher: { type: 'string', multiple: true },
  'allow-ssh-rsa': { type: 'boolean' },
} as const;

export const CONNECTION_USAGE = `Connection:
  --host H               server name or address
  --port P               SSH port (default 22)
  --user U               account name
  --key FILE             private key (.ppk, OpenSSH or PEM); its passphrase is the first line of
  --passphrase-file F    F, or asked for in a terminal
  --password-file F      password auth instead: the first line of F (never on the command line)
  --host-key SHA256:...  the server's host key fingerprint, as its operator publishes it; repeat for
                         several keys. A different key is a hard stop; without --host-key the
                         connection is refused and the server's fingerprint printed for checking.
  --cipher NAME          offer only these ciphers (repeat), e.g. aes256-ctr
  --allow-ssh-rsa        sign with an RSA key as ssh-rsa (SHA-1) where the server accepts nothing
                         newer; SHA-1 signatures can be forged, so only for a server that cannot be
                         upgraded (a warning says when it is used)

Exit codes: 0 success, 1 a transfer or file failed, 2 bad usage, 3 wrong passphrase or unreadable
key, 4 host key unknown or changed, 5 authentication refused, 6 could not connect or connection lost.`;

export interface ConnectionValues {
  host?: string | undefined;
  port?: string | undefined;
  user?: string | undefined;
  key?: string | undefined;
  'passphrase-file'?: string | undefined;
  'password-file'?: string | undefined;
  'host-key'?: string[] | undefined;
  cipher?: string[] | undefined;
  'allow-ssh-rsa'?: boolean | undefined;
}

export interface ConnectionSettings {
  host: string;
  port: number;
  user: string;
  keyFile?: string;
  passphraseFile?: string;
  passwordFile?: string;
  hostKeys: string[];
  ciphers?: string[];
  allowSshRsa?: boolean;
}

export function parseConnection(values: ConnectionValues): ConnectionSettings {
  if (!values.host) throw new CliError('--host is required', 2);
  if (!values.user) throw new CliError('--user is required', 2);
  const port = Number(values.port ?? '22');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new CliError(`--port must be a number from 1 to 65535, not "${values.port}"`, 2);
  if (values.key && values['password-file']) throw new CliError('give either --key or --password-file, not both', 2);
  if (!values.key && !values['password-file']) throw new CliError('give --key FILE (with --passphrase-file F) or --password-file F', 2);
  if (values['passphrase-file'] && !values.key) throw new CliError('--passphrase-file goes with --key', 2);
  const hostKeys = (values['host-key'] ?? []).map((k) => {
    const n = normalizeSha256Fingerprint(k);
    if (!n) throw new CliError(`--host-key must be a SHA256 fingerprint like SHA256:AbC...(43 characters), not "${k}"`, 2);
    return n;
  });
  const s: ConnectionSettings = { host: values.host, port, user: values.user, hostKeys };
  if (values.key) s.keyFile = values.key;
  if (values['passphrase-file']) s.passphraseFile = values['passphrase-file'];
  if (values['password-file']) s.passwordFile = values['password-file'];
  if (values.cipher && values.cipher.length > 0) s.ciphers = values.cipher;
  if (values['allow-ssh-rsa']) s.allowSshRsa = true;
  return s;
}

const SSH_EXIT: Partial<Record<SshError['code'], number>> = {
  'host-key-changed': 4,
  'host-key-rejected': 4,
  'key-refused': 5,
  'key-algorithm-unsupported': 5,
  'wrong-password': 5,
  'auth-failed': 5,
  'auth-cancelled': 5,
};

/** A CliError for a failure of the connection layers (SSH, keys, SFTP session start); `cause` keeps the original. */
export function connectionFailure(err: unknown, settings: ConnectionSettings): CliError {
  if (err instanceof CliError) return err;
  const failure = describeConnectionFailure(err, settings);
  return new CliError(failure.message, failure.exitCode, { cause: err });
}

function describeConnectionFailure(err: unknown, settings: ConnectionSettings): { message: string; exitCode: number } {
  if (err instanceof SshError) {
    let message = err.message;
    if (err.code === 'host-key-rejected') {
      message = `the host key of ${settings.host}:${settings.port} is ${String(err.details.algorithm)} ${String(err.details.fingerprint)}, which is not pinned. ` +
        'Compare it with the fingerprint the server operator publishes; if it is the same, run again with --host-key ' + String(err.details.fingerprint);
    }
    if (err.code === 'key-algorithm-unsupported') message += '. Ask the operator to enable rsa-sha2-256 or rsa-sha2-512; --allow-ssh-rsa would sign with SHA-1 (weak)';
    return { message, exitCode: SSH_EXIT[err.code] ?? 6 };
  }
  if (err instanceof KeyError) return { message: `${settings.keyFile}: ${err.message}`, exitCode: 3 };
  if (err instanceof SftpError) return { message: err.message, exitCode: 6 };
  return { message: err instanceof Error ? err.message : String(err), exitCode: 6 };
}

export interface SftpConnection {
  session: SftpSession;
  ssh: SshConnection;
  close(): Promise<void>;
}

async function readUserKey(settings: ConnectionSettings): Promise<CryptoSshUserKey> {
  const path = settings.keyFile!;
  let data: Uint8Array;
  try {
    data = await readFile(path);
  } catch (err) {
    throw new CliError(`cannot read key file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 3);
  }
  let passphrase: string | undefined;
  if (settings.passphraseFile) passphrase = await passphraseFromFile(settings.passphraseFile);
  else if (needsPassphrase(data) && canPrompt()) passphrase = await promptHidden(`Passphrase for ${path}: `);
  const file = await readPrivateKeyFile(data, passphrase);
  return CryptoSshUserKey.fromMaterial(file.key);
}

/** Connects, checks the host key against the pins, authenticates and opens SFTP. */
export async function openSftp(settings: ConnectionSettings): Promise<SftpConnection> {
  let ssh: SshConnection | undefined;
  try {
    const auth = settings.keyFile ? { key: await readUserKey(settings) } : { password: await passphraseFromFile(settings.passwordFile!) };
    const transport = await connectTcp({ host: settings.host, port: settings.port });
    ssh = await connectSsh(transport, {
      target: `${settings.host}:${settings.port}`,
      username: settings.user,
      // No prompt: an unpinned key is refused (unattended runs must never trust on first use).
      hostKeyPolicy: pinnedHostKeyPolicy({ pins: settings.hostKeys }),
      auth,
      ...(settings.ciphers ? { algorithms: { ciphers: settings.ciphers } } : {}),
      allowSshRsa: settings.allowSshRsa ?? false,
      onWarning: (w) => process.stderr.write(`warning: ${w.message}\n`),
    });
    const channel = await ssh.openSubsystem('sftp');
    const session = await SftpSession.open(channel);
    const conn = ssh;
    return {
      session,
      ssh: conn,
      async close() {
        await session.close().catch(() => undefined);
        await conn.close().catch(() => undefined);
      },
    };
  } catch (err) {
    await ssh?.close().catch(() => undefined);
    throw connectionFailure(err, settings);
  }
}
