// `courier deliver`: unattended delivery by server profile — each data file X with its X.hash
// (SHA-1 computed while sending), temporary name + rename, reconnect and resume, and a receipt.
import { createReadStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { BUILTIN_PROFILES } from '../../core/delivery/builtin-profiles.ts';
import { DeliveryRun, type DeliverySession } from '../../core/delivery/delivery-run.ts';
import type { ExistingChoice, PairSource } from '../../core/delivery/deliver-pair.ts';
import { DeliveryError } from '../../core/delivery/delivery-error.ts';
import { importProfiles, ProfileFileError, type ServerProfile } from '../../core/delivery/profile.ts';
import { receiptJson, receiptText } from '../../core/delivery/receipt.ts';
import { SessionLog } from '../../core/delivery/session-log.ts';
import { SftpSession } from '../../core/sftp/session.ts';
import { dataNameOf, isSidecarName, sidecarName } from '../../core/hash/sidecar.ts';
import { CliError, type CliCommand } from '../command.ts';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, openSftp, parseConnection } from '../connection-options.ts';
import { print, printError } from '../output.ts';

const usage = `Usage:
  npx courier deliver --profile ID [--profiles-file F] --host H [--port 22] --user U
                      (--key FILE [--passphrase-file F] | --password-file F) --host-key SHA256:...
                      [--to DIR] [--existing fail|skip|overwrite|keep-both] [--verify]
                      [--receipt FILE] FILE...

Delivers each data file X the way the server profile says (upload folder, .hash style): X is
sent under a temporary name while its SHA-1 is computed, flushed, size-checked and renamed to X;
then X.hash is written the same way, so X.hash never exists unless X arrived whole. A local
X.hash (given, or lying next to X) must match X, or X is not sent. A dropped connection is
re-established and the upload resumed. Prints a receipt; exit 0 only if every file was delivered.

  --profile ID         ${BUILTIN_PROFILES.map((p) => p.id).join(', ')}, or one from --profiles-file
  --profiles-file F    a profile file handed out by IT (JSON, "sftp-courier-profiles")
  --to DIR             remote folder instead of the profile's (e.g. incoming)
  --existing WHAT      if X already exists on the server: fail (default), skip, overwrite, keep-both
  --verify             read each file back after sending and compare its SHA-1
  --receipt FILE       also write the receipt as JSON to FILE

${CONNECTION_USAGE}`;

const EXISTING = ['fail', 'skip', 'overwrite', 'keep-both'] as const;
type ExistingPolicy = (typeof EXISTING)[number];

async function loadProfile(id: string, file: string | undefined): Promise<ServerProfile> {
  let profiles: ServerProfile[] = [...BUILTIN_PROFILES];
  if (file) {
    try {
      profiles = [...importProfiles(await readFile(file, 'utf8')), ...profiles];
    } catch (err) {
      if (err instanceof ProfileFileError) throw new CliError(`${file}: ${err.problems.join('; ')}`, 2);
      throw new CliError(`cannot read ${file}: ${(err as Error).message}`, 2);
    }
  }
  const profile = profiles.find((p) => p.id === id);
  if (!profile) throw new CliError(`no profile "${id}"; known: ${[...new Set(profiles.map((p) => p.id))].join(', ')}`, 2);
  return profile;
}

async function pairsOf(paths: string[]): Promise<PairSource[]> {
  const given = new Set(paths);
  const pairs: PairSource[] = [];
  for (const path of paths) {
    if (isSidecarName(path) && given.has(dataNameOf(path))) continue;
    const info = await stat(path).catch(() => null);
    if (!info || !info.isFile()) throw new CliError(`${path}: no such file`, 1);
    const side = await readFile(sidecarName(path), 'utf8').catch(() => undefined);
    pairs.push({
      name: basename(path),
      data: { size: info.size, openAt: (offset: number) => createReadStream(path, { start: offset, highWaterMark: 1024 * 1024 }) },
      ...(side !== undefined ? { localSidecarText: side } : {}),
    });
  }
  return pairs;
}

export const deliverCommand: CliCommand = {
  name: 'deliver',
  summary: 'deliver files with their .hash pairs by server profile, resuming, with a receipt',
  usage,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        ...CONNECTION_OPTIONS,
        profile: { type: 'string' },
        'profiles-file': { type: 'string' },
        to: { type: 'string' },
        existing: { type: 'string', default: 'fail' },
        verify: { type: 'boolean', default: false },
        receipt: { type: 'string' },
      },
    });
    if (!values.profile) throw new CliError(`--profile is required\n\n${usage}`, 2);
    if (positionals.length === 0) throw new CliError(`no FILE given\n\n${usage}`, 2);
    if (!(EXISTING as readonly string[]).includes(values.existing)) throw new CliError(`--existing must be one of ${EXISTING.join(', ')}`, 2);
    const existing = values.existing as ExistingPolicy;
    const profile = await loadProfile(values.profile, values['profiles-file']);
    const settings = parseConnection({ ...values, 'host-key': [...(values['host-key'] ?? []), ...profile.hostKeyFingerprints] });
    const pairs = await pairsOf(positionals);
    const log = new SessionLog();
    log.subscribe((e) => printError(`${e.level === 'info' ? '' : `${e.level}: `}${e.message}`));
    let connectError: CliError | null = null;
    const run = new DeliveryRun(pairs, {
      receiptId: globalThis.crypto.randomUUID(),
      profile: { ...profile, uploadFolder: values.to ?? profile.uploadFolder },
      user: settings.user,
      verifyReadBack: values.verify,
      log,
      onExisting: async (path): Promise<ExistingChoice> => {
        if (existing === 'fail') throw new DeliveryError('exists-not-replaced', { path });
        return existing;
      },
      connect: async (): Promise<DeliverySession> => {
        try {
          const c = await openSftp(settings);
          return {
            sftp: c.session, hostKeyFingerprint: c.ssh.hostKey.sha256, hostKeyAlgorithm: c.ssh.hostKey.keyAlgorithm, close: () => c.close(),
            // More SFTP channels on this connection: files go side by side, a large one is split.
            openSftp: async () => SftpSession.open(await c.ssh.openSubsystem('sftp')),
          };
        } catch (err) {
          if (!(err instanceof CliError)) throw err;
          connectError = err;
          // The run decides from the original error whether reconnecting can help.
          throw err.cause ?? err;
        }
      },
    });
    const receipt = await run.run();
    print(receiptText(receipt));
    if (values.receipt) await writeFile(values.receipt, receiptJson(receipt));
    const failed = receipt.files.filter((f) => f.status === 'failed' || f.status === 'cancelled').length;
    const fatal: CliError | null = connectError;
    if (run.fatalError && fatal) throw fatal;
    return failed === 0 ? 0 : 1;
  },
};
