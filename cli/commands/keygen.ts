// `courier keygen`: a new SSH key pair saved as every file the registries and clients want.
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildKeyFiles, defaultComment, generateKeyMaterial, isRsaSize, keyFileName, summarize, type KeyGenSpec,
} from '../../core/keys/index.ts';
import { CliError, type CliCommand } from '../command.ts';
import { canPrompt, passphraseFromFile, promptHidden } from './key-passphrase.ts';

const usage = `Usage:
  npx courier keygen [--type rsa|ed25519] [--bits 4096] [--comment C] [--ident IDENT]
                     (--passphrase-file F | --no-passphrase) --out DIR [--force]

Generates a key pair and writes into DIR (with --ident Z12345 the names carry it):
  publicKey_Z12345.asc  public key as PuTTYgen's "Save public key" (RFC 4716, CRLF): the file to
                        mail to the registry (publicKey.asc without --ident)
  id_rsa_Z12345.pub     public key as an OpenSSH authorized_keys line (id_ed25519_… for Ed25519)
  Z12345.ppk            private key, PuTTY format v3 (Argon2id): WinSCP, FileZilla, Cyberduck, PuTTY
                        (key.ppk without --ident)
  Z12345-v2.ppk         private key, PuTTY format v2: older clients that say "key format too new"
  id_rsa_Z12345         private key, OpenSSH format (bcrypt, aes256-ctr): ssh, sftp, and
                        \`courier\` itself (id_rsa without --ident; id_ed25519_… for Ed25519)

  --type             rsa (default) or ed25519
  --bits             RSA size: 2048, 3072 or 4096 (default 4096)
  --comment          key comment (default rsa-key-YYYYMMDD, like PuTTYgen, then the IDENT)
  --ident            your account name at the registry (Z-/P-number); names the files
  --passphrase-file  the passphrase is the first line of this file; without it you are asked
                     (twice) when running in a terminal. Never give a passphrase on the command line.
  --no-passphrase    write the private key files unencrypted (not recommended)
  --out              folder to write into (created if missing); existing files are kept
                     unless --force is given`;

/**
 * Writes one key file with exactly `mode`: `open`'s mode applies only to a new file, so a file
 * overwritten with --force gets its mode set before a byte of the key is written into it.
 */
export async function writeKeyFile(path: string, content: string, mode: number, overwrite: boolean): Promise<void> {
  const handle = await open(path, overwrite ? 'w' : 'wx', mode);
  try {
    await handle.chmod(mode);
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
}

async function newPassphrase(file: string | undefined, none: boolean): Promise<string> {
  if (none && file) throw new CliError('give either --passphrase-file or --no-passphrase, not both', 2);
  if (none) return '';
  if (file) {
    const pass = await passphraseFromFile(file);
    if (!pass) throw new CliError(`${file} holds an empty passphrase; use --no-passphrase if you really want no passphrase`, 2);
    return pass;
  }
  if (!canPrompt()) throw new CliError('no passphrase: use --passphrase-file F (or --no-passphrase)', 2);
  const first = await promptHidden('Passphrase for the new key: ');
  if (!first) throw new CliError('empty passphrase; use --no-passphrase if you really want no passphrase', 2);
  const again = await promptHidden('Same passphrase again: ');
  if (again !== first) throw new CliError('the two passphrases differ', 2);
  return first;
}

export const keygenCommand: CliCommand = {
  name: 'keygen',
  summary: 'generate an SSH key pair (RSA 4096 by default) as .asc, .pub, .ppk and OpenSSH files',
  usage,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: false,
      options: {
        type: { type: 'string', default: 'rsa' },
        bits: { type: 'string', default: '4096' },
        comment: { type: 'string' },
        ident: { type: 'string' },
        'passphrase-file': { type: 'string' },
        'no-passphrase': { type: 'boolean', default: false },
        out: { type: 'string' },
        force: { type: 'boolean', default: false },
      },
    });
    void positionals;
    if (!values.out) throw new CliError(`--out DIR is required\n\n${usage}`, 2);
    let spec: KeyGenSpec;
    if (values.type === 'rsa') {
      const bits = Number(values.bits);
      if (!isRsaSize(bits)) throw new CliError(`--bits must be 2048, 3072 or 4096, not "${values.bits}"`, 2);
      spec = { type: 'rsa', bits };
    } else if (values.type === 'ed25519') spec = { type: 'ed25519' };
    else throw new CliError(`--type must be rsa or ed25519, not "${values.type}"`, 2);

    const passphrase = await newPassphrase(values['passphrase-file'], values['no-passphrase']);
    if (!passphrase) console.error('warning: the private key files are NOT encrypted; anyone who gets a copy can use your key.');
    const comment = values.comment ?? defaultComment(spec.type, new Date(), values.ident);
    const key = await generateKeyMaterial(spec);
    const file = { key, comment };
    const outputs = await buildKeyFiles(file, { ident: values.ident, passphrase });
    await mkdir(values.out, { recursive: true });
    for (const f of outputs) {
      const path = join(values.out, f.name);
      try {
        await writeKeyFile(path, f.content, f.secret ? 0o600 : 0o644, values.force);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new CliError(code === 'EEXIST' ? `${path} exists already; not overwritten (use --force or another --out)` : `cannot write ${path}: ${code ?? (err as Error).message}`);
      }
    }
    const s = summarize(file);
    const name = (role: Parameters<typeof keyFileName>[0]) => keyFileName(role, key.type, values.ident);
    console.log(`${s.type} ${s.bits} ${s.sha256}`);
    console.log(`${s.md5}`);
    console.log(`comment: ${comment}`);
    console.log(`wrote into ${values.out}:`);
    console.log(`  ${name('rfc4716')}  mail this public key to the registry`);
    console.log(`  ${name('authorized-keys')}  public key for an authorized_keys file`);
    console.log(`  ${name('ppk3')}  private key for WinSCP, FileZilla, Cyberduck, PuTTY`);
    console.log(`  ${name('ppk2')}  private key for older clients ("PuTTY key format too new")`);
    console.log(`  ${name('openssh-private')}  private key for OpenSSH (ssh, sftp) and courier`);
    console.log('Keep a copy of a private key file: it is your only backup.');
    return 0;
  },
};
