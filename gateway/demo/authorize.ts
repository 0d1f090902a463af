// `npm run demo:authorize -- publicKey_X.asc`: lets that key log in to the demo server as the
// demo user, by copying it (after checking it holds public keys only) into the authorized_keys
// folder of the demo data dir (from gateway.config.json or COURIER_GATEWAY_CONFIG).
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { loadConfig } from '../config.ts';
import { parsePublicKeys } from './authorized-keys.ts';
import { authorizedKeysDir } from './demo-server.ts';
import { sha256Fingerprint } from './host-key.ts';

function main(files: string[]): number {
  if (files.length === 0) {
    console.error('usage: npm run demo:authorize -- <public key file> [...]   (OpenSSH .pub line or RFC 4716 .asc block)');
    return 2;
  }
  const configPath = process.env.COURIER_GATEWAY_CONFIG ?? 'gateway.config.json';
  const config = loadConfig(resolve(configPath), { mustExist: process.env.COURIER_GATEWAY_CONFIG !== undefined });
  const dir = authorizedKeysDir(resolve(config.demo.dataDir));
  mkdirSync(dir, { recursive: true });
  let failed = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      console.error(`${file}: cannot read (${(err as Error).message})`);
      failed++;
      continue;
    }
    const { keys, errors } = parsePublicKeys(text);
    if (keys.length === 0 || errors.length > 0) {
      console.error(`${file}: not registered: ${errors[0] ?? 'no public key found'}`);
      failed++;
      continue;
    }
    const dest = join(dir, basename(file));
    copyFileSync(file, dest);
    for (const k of keys) console.log(`${file}: ${k.type} ${sha256Fingerprint(k.getPublicSSH())} may now log in as "${config.demo.username}" (copied to ${dest})`);
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
