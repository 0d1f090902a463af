// `courier ls`: list a remote folder (type, size, modification time, name).
import { parseArgs } from 'node:util';
import { isDirectory, isSymbolicLink, SftpError, type NameEntry } from '../../core/sftp/index.ts';
import type { CliCommand } from '../command.ts';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, openSftp, parseConnection } from '../connection-options.ts';
import { print, printError } from '../output.ts';

const usage = `Usage:
  npx courier ls --host H --user U (--key FILE | --password-file F) --host-key SHA256:... [DIR]

Lists DIR on the server (default: the login folder): d for folders, l for links, - for files,
then size in bytes, modification time (UTC) and name. A write-only drop box cannot be listed.

${CONNECTION_USAGE}`;

function line(e: NameEntry): string {
  const a = e.attributes;
  const kind = isDirectory(a) ? 'd' : isSymbolicLink(a) ? 'l' : '-';
  const when = a.mtime !== undefined ? new Date(a.mtime * 1000).toISOString().slice(0, 16).replace('T', ' ') : '?'.padEnd(16);
  return `${kind} ${String(a.size ?? '?').padStart(12)}  ${when}  ${e.filename}`;
}

export const lsCommand: CliCommand = {
  name: 'ls',
  summary: 'list a folder on an SFTP server',
  usage,
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...CONNECTION_OPTIONS } });
    const settings = parseConnection(values);
    const dir = positionals[0] ?? '.';
    const conn = await openSftp(settings);
    try {
      const entries = await conn.session.list(dir);
      entries.sort((a, b) => a.filename.localeCompare(b.filename));
      for (const e of entries) print(line(e));
      return 0;
    } catch (err) {
      printError(`courier ls: ${dir}: ${err instanceof SftpError ? err.message : String(err)}`);
      return 1;
    } finally {
      await conn.close();
    }
  },
};
