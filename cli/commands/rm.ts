// `courier rm`: remove files on an SFTP server (not folders).
import { parseArgs } from 'node:util';
import { SftpError } from '../../core/sftp/index.ts';
import { CliError, type CliCommand } from '../command.ts';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, openSftp, parseConnection } from '../connection-options.ts';
import { print, printError } from '../output.ts';

const usage = `Usage:
  npx courier rm --host H --user U (--key FILE | --password-file F) --host-key SHA256:... REMOTE...

Removes each REMOTE file on the server; exits 1 if any could not be removed.

${CONNECTION_USAGE}`;

export const rmCommand: CliCommand = {
  name: 'rm',
  summary: 'remove files on an SFTP server',
  usage,
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...CONNECTION_OPTIONS } });
    if (positionals.length === 0) throw new CliError(`no REMOTE file given\n\n${usage}`, 2);
    const settings = parseConnection(values);
    const conn = await openSftp(settings);
    let failures = 0;
    try {
      for (const remote of positionals) {
        try {
          await conn.session.remove(remote);
          print(`removed ${remote}`);
        } catch (err) {
          failures++;
          printError(`FAILED ${remote}: ${err instanceof SftpError ? err.message : String(err)}`);
          if (conn.session.failure) return 6;
        }
      }
    } finally {
      await conn.close();
    }
    return failures === 0 ? 0 : 1;
  },
};
