// The demo server's host key: made once (ed25519) and kept in the data folder, so the
// fingerprint users pin stays the same across restarts.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ssh2 from 'ssh2';

export interface DemoHostKey {
  /** OpenSSH private key text, as ssh2's Server wants it. */
  privateKey: string;
  /** `SHA256:<base64, no padding>` of the public key blob, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** OpenSSH public key line. */
  publicKey: string;
}

export function sha256Fingerprint(publicKeyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicKeyBlob).digest('base64').replace(/=+$/, '')}`;
}

export function loadOrCreateHostKey(dataDir: string): DemoHostKey {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'host_ed25519');
  if (!existsSync(file)) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment: 'sftp-courier-demo' });
    writeFileSync(file, pair.private, { mode: 0o600 });
    writeFileSync(`${file}.pub`, pair.public + '\n');
  }
  chmodSync(file, 0o600);
  const privateKey = readFileSync(file, 'utf8');
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) throw new Error(`demo host key ${file} is unreadable: ${parsed.message} (delete it to make a new one)`);
  const blob = parsed.getPublicSSH();
  return { privateKey, fingerprint: sha256Fingerprint(blob), publicKey: `${parsed.type} ${blob.toString('base64')}` };
}
