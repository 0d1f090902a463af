// `courier key info FILE`: what a key file holds, with the fingerprints the tools print.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { KeyError, needsPassphrase, readKeyFile, type KeyErrorCode } from '../../core/keys/index.ts';
import { CliError, type CliCommand } from '../command.ts';
import { canPrompt, passphraseFromFile, promptHidden } from './key-passphrase.ts';

const EXIT: Record<KeyErrorCode, number> = {
  'wrong-passphrase': 3,
  tampered: 4,
  unsupported: 5,
  malformed: 6,
  'passphrase-required': 7,
  // Only the browser's key store raises these; a file never does.
  'stored-key-locked': 7,
  'stored-key-wrong-passphrase': 3,
};

const usage = `Usage:
  npx courier key info FILE [--passphrase-file F]

Reads a key file — PuTTY .ppk (v2, v3), OpenSSH private key, PEM (PKCS#1, SEC1, PKCS#8,
encrypted PKCS#8, traditional encrypted PEM), RFC 4716 .asc, an OpenSSH .pub line or an OpenSSH
certificate (-cert.pub) — and prints its type, size, comment and
fingerprints (SHA256 as ssh-keygen -l prints it, and MD5). An encrypted private key is
decrypted to prove the passphrase: from the first line of --passphrase-file, else asked for.

Exit codes: 0 ok, 3 wrong passphrase, 4 file modified or damaged (MAC check failed),
5 unsupported key type or format, 6 not a key file / cut short, 7 passphrase needed.`;

const FORMAT_NAMES = {
  ppk: 'PuTTY private key (.ppk)',
  openssh: 'OpenSSH private key',
  pem: 'PEM private key',
  rfc4716: 'RFC 4716 public key (.asc)',
  'openssh-public': 'OpenSSH public key',
  'openssh-certificate': 'OpenSSH certificate (-cert.pub)',
} as const;

async function info(path: string, passphraseFile: string | undefined): Promise<number> {
  let data: Uint8Array;
  try {
    data = await readFile(path);
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let passphrase: string | undefined;
  if (passphraseFile) passphrase = await passphraseFromFile(passphraseFile);
  else if (needsPassphrase(data) && canPrompt()) passphrase = await promptHidden(`Passphrase for ${path}: `);
  try {
    const result = await readKeyFile(data, passphrase);
    const s = result.summary;
    console.log(`file:    ${path}`);
    console.log(`format:  ${FORMAT_NAMES[result.format]}${result.format === 'ppk' ? ` v${/^PuTTY-User-Key-File-(\d)/.exec(new TextDecoder().decode(data.subarray(0, 40)))?.[1] ?? '?'}` : ''}`);
    console.log(`type:    ${s.type}`);
    console.log(`bits:    ${s.bits}`);
    console.log(`comment: ${s.comment}`);
    console.log(`sha256:  ${s.sha256}`);
    console.log(`md5:     ${s.md5}`);
    if (s.certificate) {
      console.log(`certificate: ${s.certificate.type}, key id "${s.certificate.keyId}", principals: ${s.certificate.principals.join(', ') || '(any)'}`);
      console.log('         (type, bits and fingerprints are those of the key inside, as ssh-keygen -l prints them)');
    }
    if (result.privateKey) console.log('private: yes (decrypted and checked)');
    return 0;
  } catch (err) {
    if (err instanceof KeyError) {
      const hint = err.code === 'passphrase-required' ? ' (use --passphrase-file F)' : '';
      throw new CliError(`${path}: ${err.message}${hint}`, EXIT[err.code]);
    }
    throw err;
  }
}

export const keyCommand: CliCommand = {
  name: 'key',
  summary: 'key info FILE: type, size, comment and fingerprints of any key file',
  usage,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { 'passphrase-file': { type: 'string' } },
    });
    const [sub, file, ...extra] = positionals;
    if (sub !== 'info') throw new CliError(`unknown sub-command "${sub ?? ''}"\n\n${usage}`, 2);
    if (!file || extra.length) throw new CliError(`give exactly one FILE\n\n${usage}`, 2);
    return info(file, values['passphrase-file']);
  },
};
