// `courier upload`: unattended delivery of files over SFTP — each under a temporary name, fsynced,
// size-checked, then renamed into place; exit 0 only when every file arrived whole.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { joinRemotePath, SftpError, uploadFile, type SeekableSource } from '../../core/sftp/index.ts';
import { CliError, type CliCommand } from '../command.ts';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, openSftp, parseConnection } from '../connection-options.ts';
import { print, printError } from '../output.ts';

const usage = `Usage:
  npx courier upload --host H [--port 22] --user U (--key FILE [--passphrase-file F] | --password-file F)
                     --host-key SHA256:... [--to DIR] [--resume] [--overwrite] [--direct] FILE...

Uploads each FILE into DIR on the server (default: the login folder). Each file is written as
.NAME.courier-part, flushed to disk (fsync), its size checked, then renamed to NAME, so nobody
ever sees a half-written file under its real name. Nothing needs listing rights on DIR.

  --to DIR      remote folder, e.g. incoming
  --resume      continue an interrupted upload from what the server already has
  --overwrite   replace a file of the same name (default: refuse and report it)
  --direct      write NAME directly, no temporary name (for servers that forbid renaming)

${CONNECTION_USAGE}`;

function fileSource(path: string, size: number): SeekableSource {
  return { size, openAt: (offset) => createReadStream(path, { start: offset, highWaterMark: 1024 * 1024 }) };
}

function describe(err: unknown): string {
  if (err instanceof SftpError) {
    if (err.code === 'rename-not-permitted') return `${err.message} (run again with --direct)`;
    if (err.code === 'target-exists') return `${err.message} (use --overwrite to replace it)`;
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

export const uploadCommand: CliCommand = {
  name: 'upload',
  summary: 'upload files over SFTP (temporary name, then rename); exit 0 only if all arrived whole',
  usage,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        ...CONNECTION_OPTIONS,
        to: { type: 'string' },
        resume: { type: 'boolean', default: false },
        overwrite: { type: 'boolean', default: false },
        direct: { type: 'boolean', default: false },
      },
    });
    if (positionals.length === 0) throw new CliError(`no FILE given\n\n${usage}`, 2);
    const settings = parseConnection(values);
    // Check every local file before connecting: a typo should not cost a login.
    const files: { path: string; size: number }[] = [];
    for (const path of positionals) {
      const info = await stat(path).catch(() => null);
      if (!info?.isFile()) throw new CliError(`${path}: ${info ? 'not a regular file' : 'no such file'}`, 1);
      files.push({ path, size: info.size });
    }
    const conn = await openSftp(settings);
    // Ctrl-C stops cleanly: writes in flight are confirmed, the handle closed, and the partial
    // temporary file stays on the server for --resume.
    const interrupt = new AbortController();
    const onSigint = () => interrupt.abort();
    process.once('SIGINT', onSigint);
    let failures = 0;
    try {
      for (const file of files) {
        const remote = joinRemotePath(values.to, basename(file.path));
        try {
          const r = await uploadFile(conn.session, remote, fileSource(file.path, file.size), {
            resume: values.resume,
            overwrite: values.overwrite,
            mode: values.direct ? 'direct' : 'temp',
            signal: interrupt.signal,
          });
          if (r.bytes !== file.size) throw new SftpError('size-mismatch', `${r.bytes} bytes arrived, the local file has ${file.size}.`, { path: remote });
          if (!r.sizeVerified) throw new SftpError('size-mismatch', 'The server would not tell the size of the uploaded file, so it could not be checked.', { path: remote });
          print(`uploaded ${file.path} -> ${remote} (${r.bytes} bytes${r.resumedFrom > 0 ? `, resumed at ${r.resumedFrom}` : ''})`);
        } catch (err) {
          if (err instanceof SftpError && err.code === 'cancelled') {
            printError(`interrupted during ${file.path}; run the same command with --resume to continue`);
            return 130;
          }
          failures++;
          printError(`FAILED ${file.path} -> ${remote}: ${describe(err)}`);
          if (conn.session.failure) {
            printError(`courier upload: the session ended (${conn.session.failure.message}); ${files.length - files.indexOf(file) - 1} file(s) not attempted`);
            return 6;
          }
        }
      }
    } finally {
      process.removeListener('SIGINT', onSigint);
      await conn.close();
    }
    return failures === 0 ? 0 : 1;
  },
};
