// `courier get`: download remote files into a local folder, each written to NAME.courier-part and
// renamed when complete, so an interrupted download never looks finished.
import { open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { downloadFile, SftpError } from '../../core/sftp/index.ts';
import { safeLocalName } from '../../core/sftp/local-name.ts';
import { CliError, type CliCommand } from '../command.ts';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, openSftp, parseConnection } from '../connection-options.ts';
import { print, printError } from '../output.ts';

const usage = `Usage:
  npx courier get --host H --user U (--key FILE | --password-file F) --host-key SHA256:...
                  [--to LOCALDIR] [--force] REMOTE...

Downloads each REMOTE file into LOCALDIR (default: the current folder) under its own name, made
safe for this computer (no folder part, no names Windows reserves). The server is held to the size
it announces: more or fewer bytes fail the file. An existing local file is not overwritten unless
--force is given.

${CONNECTION_USAGE}`;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

export const getCommand: CliCommand = {
  name: 'get',
  summary: 'download files from an SFTP server',
  usage,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { ...CONNECTION_OPTIONS, to: { type: 'string', default: '.' }, force: { type: 'boolean', default: false } },
    });
    if (positionals.length === 0) throw new CliError(`no REMOTE file given\n\n${usage}`, 2);
    const settings = parseConnection(values);
    const conn = await openSftp(settings);
    let failures = 0;
    try {
      for (const remote of positionals) {
        // The server's name is reduced to one safe file name: never a path out of --to (issue 13.8).
        const target = join(values.to, safeLocalName(remote));
        const part = `${target}.courier-part`;
        try {
          if (!values.force && (await exists(target))) throw new CliError(`${target} exists already; not overwritten (use --force)`);
          const fh = await open(part, 'w');
          let ok = false;
          try {
            const { bytes } = await downloadFile(conn.session, remote, async (chunk) => {
              await fh.write(chunk);
            });
            await fh.sync();
            ok = true;
            print(`downloaded ${remote} -> ${target} (${bytes} bytes)`);
          } finally {
            await fh.close();
            if (ok) await rename(part, target);
            else await rm(part, { force: true });
          }
        } catch (err) {
          failures++;
          printError(`FAILED ${remote}: ${err instanceof SftpError || err instanceof CliError ? err.message : String(err)}`);
          if (conn.session.failure) return 6;
        }
      }
    } finally {
      await conn.close();
    }
    return failures === 0 ? 0 : 1;
  },
};
