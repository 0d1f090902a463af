// Test-only user keys made with Node's crypto, as SshUserKey plus the authorized_keys line:
// lets the SSH tests run before (and independently of) core/keys' file loaders.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { SshUserKey } from '../../core/ssh/user-key.ts';

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
function str(x: Buffer | string): Buffer {
  const b = typeof x === 'string' ? Buffer.from(x) : x;
  return Buffer.concat([u32(b.length), b]);
}
function mpint(unsigned: Buffer): Buffer {
  let i = 0;
  while (i < unsigned.length - 1 && unsigned[i] === 0) i++;
  let body = unsigned.subarray(i);
  if (body[0]! & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return str(body);
}

export interface TestUserKey extends SshUserKey {
  authorizedKey: string;
}

function make(blob: Buffer, type: string, algorithms: string[], signWith: (alg: string, data: Uint8Array) => Buffer): TestUserKey {
  return {
    algorithms,
    publicKeyBlob: new Uint8Array(blob),
    async sign(alg, data) {
      if (!algorithms.includes(alg)) throw new Error(`cannot sign with ${alg}`);
      return new Uint8Array(Buffer.concat([str(alg), str(signWith(alg, data))]));
    },
    authorizedKey: `${type} ${blob.toString('base64')} courier-test`,
  };
}

/** An RSA key signing rsa-sha2-512 and rsa-sha2-256, and also ssh-rsa (SHA-1) with `sha1`. */
export function rsaTestKey(bits = 2048, options: { sha1?: boolean } = {}): TestUserKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const jwk = publicKey.export({ format: 'jwk' });
  const blob = Buffer.concat([str('ssh-rsa'), mpint(Buffer.from(jwk.e!, 'base64url')), mpint(Buffer.from(jwk.n!, 'base64url'))]);
  const hash: Record<string, string> = { 'rsa-sha2-512': 'sha512', 'rsa-sha2-256': 'sha256', 'ssh-rsa': 'sha1' };
  const algorithms = ['rsa-sha2-512', 'rsa-sha2-256', ...(options.sha1 ? ['ssh-rsa'] : [])];
  return make(blob, 'ssh-rsa', algorithms, (alg, data) => sign(hash[alg]!, data, privateKey as KeyObject));
}

export function ed25519TestKey(): TestUserKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const blob = Buffer.concat([str('ssh-ed25519'), str(raw)]);
  return make(blob, 'ssh-ed25519', ['ssh-ed25519'], (_alg, data) => sign(null, data, privateKey));
}
