// TEST-ONLY: the user keys of an interop test file. For the CLI and the browser, key files made by
// ssh-keygen: RSA 4096 with a passphrase (what VIKZ and RIVM require) and Ed25519. For the core
// API, keys made with Node's crypto (test/support/ssh-test-keys.ts), independent of core/keys.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519TestKey, rsaTestKey, type TestUserKey } from '../ssh-test-keys.ts';

export const KEY_PASSPHRASE = 'correct horse battery staple';

export interface InteropKeys {
  dir: string;
  /** OpenSSH private key files (RSA one encrypted with KEY_PASSPHRASE, in passphraseFile). */
  rsaFile: string;
  ed25519File: string;
  passphraseFile: string;
  core: { rsa: TestUserKey; ed25519: TestUserKey };
  /** Every public key above, as authorized_keys lines. */
  authorizedKeys: string[];
  remove(): void;
}

export function makeInteropKeys(): InteropKeys {
  const dir = mkdtempSync(join(tmpdir(), 'courier-interop-keys-'));
  const rsaFile = join(dir, 'id_rsa');
  const ed25519File = join(dir, 'id_ed25519');
  const passphraseFile = join(dir, 'passphrase');
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '4096', '-N', KEY_PASSPHRASE, '-C', 'interop-rsa', '-f', rsaFile]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'interop-ed25519', '-f', ed25519File]);
  writeFileSync(passphraseFile, `${KEY_PASSPHRASE}\n`);
  const core = { rsa: rsaTestKey(2048), ed25519: ed25519TestKey() };
  const pub = (f: string) => readFileSync(`${f}.pub`, 'utf8').trim();
  return {
    dir, rsaFile, ed25519File, passphraseFile, core,
    authorizedKeys: [pub(rsaFile), pub(ed25519File), core.rsa.authorizedKey, core.ed25519.authorizedKey],
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
