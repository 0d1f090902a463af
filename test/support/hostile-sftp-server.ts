// TEST-ONLY: an SFTP server (the `ssh2` package's Server, in-process, on 127.0.0.1) that lies and
// injects: names with ESC / CR / NUL and Windows path tricks, status messages that try to drive a
// terminal, a file whose announced size is smaller (or larger) than what READ returns.
import { generateKeyPairSync, createHash } from 'node:crypto';
import ssh2, { type Connection, type SFTPWrapper } from 'ssh2';

const { STATUS_CODE } = ssh2.utils.sftp;

/** What the server lists in its one folder, and what each file does. */
export const HOSTILE_NAMES = {
  /** Clears the screen and rewrites the line when printed raw. */
  escape: 'report\x1b[2J\x1b[1;1Hall fine.csv',
  carriageReturn: 'fake\rINFO connected; receipt OK',
  nul: 'nul\0byte.dat',
  windowsEscape: '..\\..\\Users\\Public\\Desktop\\evil.lnk',
  reserved: 'CON.txt',
  /** Announces 10 bytes, sends 10.7 MB and more if asked. */
  liesize: 'liesize',
  /** Announces 1000 bytes, sends 10. */
  shortsize: 'shortsize',
} as const;

export const HOSTILE_STATUS = 'bye\x1b[2J\x1b[H… receipt OK\r';

export interface HostileServer {
  port: number;
  user: string;
  password: string;
  hostKeyFingerprint: string;
  /** Bytes the server sent for `liesize` so far (to check the client stopped early). */
  liesizeBytesSent(): number;
  stop(): Promise<void>;
}

export async function startHostileServer(): Promise<HostileServer> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const hostKey = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const parsed = ssh2.utils.parseKey(hostKey);
  if (parsed instanceof Error) throw parsed;
  const key = Array.isArray(parsed) ? parsed[0]! : parsed;
  const fingerprint = `SHA256:${createHash('sha256').update(key.getPublicSSH()).digest('base64').replace(/=+$/, '')}`;
  let liesizeSent = 0;
  const clients = new Set<Connection>();

  const server = new ssh2.Server({ hostKeys: [hostKey] }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => (ctx.method === 'password' && ctx.username === 'mallory' && ctx.password === 'hostile' ? ctx.accept() : ctx.reject(['password'])));
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('sftp', (acceptSftp) => serveSftp(acceptSftp(), (n) => (liesizeSent += n)));
      });
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    user: 'mallory',
    password: 'hostile',
    hostKeyFingerprint: fingerprint,
    liesizeBytesSent: () => liesizeSent,
    async stop() {
      for (const c of clients) c.end();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

function serveSftp(sftp: SFTPWrapper, countLies: (n: number) => void): void {
  const handles = new Map<string, { path: string; listed?: boolean }>();
  let next = 0;
  const handleFor = (path: string) => {
    const h = Buffer.from(String(next++));
    handles.set(h.toString(), { path });
    return h;
  };
  const attrs = (size: number) => ({ mode: 0o100644, uid: 0, gid: 0, size, atime: 0, mtime: 1_700_000_000 });
  const sizeOf = (path: string) => (path.endsWith(HOSTILE_NAMES.liesize) ? 10 : path.endsWith(HOSTILE_NAMES.shortsize) ? 1000 : 5);
  sftp.on('REALPATH', (id) => sftp.name(id, [{ filename: '/', longname: '/', attrs: { ...attrs(0), mode: 0o40755 } }]));
  sftp.on('OPENDIR', (id, path) => sftp.handle(id, handleFor(path)));
  sftp.on('READDIR', (id, h) => {
    const entry = handles.get(h.toString());
    if (!entry || entry.listed) return sftp.status(id, STATUS_CODE.EOF);
    entry.listed = true;
    sftp.name(id, Object.values(HOSTILE_NAMES).map((filename) => ({ filename, longname: filename, attrs: attrs(sizeOf(filename)) })));
  });
  sftp.on('OPEN', (id, path) => sftp.handle(id, handleFor(path)));
  sftp.on('FSTAT', (id, h) => sftp.attrs(id, attrs(sizeOf(handles.get(h.toString())?.path ?? ''))));
  sftp.on('STAT', (id, path) => sftp.attrs(id, attrs(sizeOf(path))));
  sftp.on('LSTAT', (id, path) => sftp.attrs(id, attrs(sizeOf(path))));
  sftp.on('READ', (id, h, offset, length) => {
    const path = handles.get(h.toString())?.path ?? '';
    if (path.endsWith(HOSTILE_NAMES.liesize)) {
      // Far more than announced, for as long as it is asked (up to 100 MB).
      if (offset > 100_000_000) return sftp.status(id, STATUS_CODE.EOF);
      countLies(length);
      return sftp.data(id, Buffer.alloc(length, 0x41));
    }
    const size = path.endsWith(HOSTILE_NAMES.shortsize) ? 10 : 5;
    if (offset >= size) return sftp.status(id, STATUS_CODE.EOF);
    sftp.data(id, Buffer.alloc(Math.min(length, size - offset), 0x42));
  });
  sftp.on('CLOSE', (id, h) => {
    handles.delete(h.toString());
    sftp.status(id, STATUS_CODE.OK);
  });
  sftp.on('REMOVE', (id) => sftp.status(id, STATUS_CODE.FAILURE, HOSTILE_STATUS));
  sftp.on('MKDIR', (id) => sftp.status(id, STATUS_CODE.PERMISSION_DENIED, HOSTILE_STATUS));
}
