// `courier hash`: write X.hash next to each X, or check data files against their .hash.
import { createReadStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  dataNameOf, digestStream, formatSidecar, isHashAlgorithm, isSidecarName, isSidecarStyle,
  judge, readExpectation, sidecarName, type HashAlgorithm,
} from '../../core/hash/index.ts';
import { CliError, type CliCommand } from '../command.ts';
import { print, printError } from '../output.ts';

const usage = `Usage:
  npx courier hash [--algo sha1|sha256] [--format hex|sha1sum|fciv] [--force] FILE...
  npx courier hash --check FILE...

Writes FILE.hash next to each FILE with its digest (default: SHA-1, the bare 40 lowercase hex
digits and nothing else). An existing .hash file is never overwritten unless --force is given.

  --algo     sha1 (default) or sha256
  --format   hex (default): the digest only; sha1sum: "<hex>  <name>" and LF;
             fciv: what "fciv -sha1 FILE" prints, CRLF
  --force    overwrite existing .hash files
  --check    verify each data file against its .hash (name either one); prints OK, MISMATCH,
             MISSING or UNREADABLE per file and exits 1 if any is not OK`;

async function fileDigest(path: string, algorithm: HashAlgorithm): Promise<string> {
  const { hex } = await digestStream(createReadStream(path, { highWaterMark: 4 * 1024 * 1024 }), { algorithm });
  return hex;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function write(files: string[], algorithm: HashAlgorithm, style: 'hex' | 'sha1sum' | 'fciv', force: boolean): Promise<number> {
  let failures = 0;
  for (const file of files) {
    if (isSidecarName(file)) {
      printError(`skip ${file}: already a .hash file`);
      continue;
    }
    const target = sidecarName(file);
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new CliError(`${file} is not a regular file`);
      if (!force && (await exists(target))) {
        printError(`${target} exists already; not overwritten (use --force)`);
        failures++;
        continue;
      }
      const hex = await fileDigest(file, algorithm);
      await writeFile(target, formatSidecar(hex, file, style), { flag: force ? 'w' : 'wx' });
      print(`${hex}  ${file}`);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'ENOSPC' ? 'disk full' : (err as Error).message;
      printError(`${file}: ${reason}`);
      failures++;
    }
  }
  return failures === 0 ? 0 : 1;
}

async function check(files: string[]): Promise<number> {
  const dataFiles = [...new Set(files.map((f) => (isSidecarName(f) ? dataNameOf(f) : f)))];
  let bad = 0;
  for (const data of dataFiles) {
    const sidecar = sidecarName(data);
    let text: string;
    try {
      text = await readFile(sidecar, 'utf8');
    } catch {
      print(`MISSING     ${data}: no ${sidecar}`);
      bad++;
      continue;
    }
    if (!(await exists(data))) {
      print(`MISSING     ${data}: data file not found`);
      bad++;
      continue;
    }
    const expectation = readExpectation(text, data);
    if (!expectation.ok) {
      const v = expectation.verdict;
      print(v.status === 'wrong-name' ? `MISMATCH    ${data}: ${sidecar} names another file (${v.writtenName})` : `UNREADABLE  ${data}: ${sidecar} holds no SHA-1 or SHA-256 digest`);
      bad++;
      continue;
    }
    const verdict = judge(expectation, await fileDigest(data, expectation.algorithm));
    if (verdict.status === 'ok') print(`OK          ${data}`);
    else if (verdict.status === 'mismatch') {
      print(`MISMATCH    ${data}: expected ${verdict.expected}, file has ${verdict.actual}`);
      bad++;
    }
  }
  return bad === 0 ? 0 : 1;
}

export const hashCommand: CliCommand = {
  name: 'hash',
  summary: 'write FILE.hash (SHA-1) next to each file, or --check them',
  usage,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        algo: { type: 'string', default: 'sha1' },
        format: { type: 'string', default: 'hex' },
        force: { type: 'boolean', default: false },
        check: { type: 'boolean', default: false },
      },
    });
    if (positionals.length === 0) throw new CliError(`no FILE given\n\n${usage}`, 2);
    if (values.check) return check(positionals);
    if (!isHashAlgorithm(values.algo)) throw new CliError(`--algo must be sha1 or sha256, not "${values.algo}"`, 2);
    if (!isSidecarStyle(values.format)) throw new CliError(`--format must be hex, sha1sum or fciv, not "${values.format}"`, 2);
    return write(positionals, values.algo, values.format, values.force);
  },
};
