// The set of files a new key is saved as, and which client takes which.
import { publicBlobOf, type PrivateKeyFile } from './key-material.ts';
import { writeOpenSshPrivate } from './openssh-private.ts';
import { writePpk } from './ppk.ts';
import { writeOpenSshPublic, writeRfc4716 } from './public-key-files.ts';

export type KeyFileRole = 'rfc4716' | 'authorized-keys' | 'ppk3' | 'ppk2' | 'openssh-private';

export interface KeyFileOutput {
  role: KeyFileRole;
  name: string;
  content: string;
  /** Private files must be written readable by the owner only. */
  secret: boolean;
}

export interface KeyFileOptions {
  /** The account name (Z-/P-number); names the .asc like PuTTYgen users are told to. */
  ident?: string;
  passphrase?: string;
  /** Only `role`s listed are produced (default all). */
  roles?: readonly KeyFileRole[];
  argon2Passes?: number;
}

/** Keeps a user-typed IDENT safe as part of a file name. */
export function safeIdent(ident: string | undefined): string {
  return (ident ?? '').trim().replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 64);
}

/**
 * File names; with an IDENT they carry it (`publicKey_Z12345.asc`, `Z12345.ppk`, `Z12345-v2.ppk`,
 * `id_rsa_Z12345`, `id_rsa_Z12345.pub`), so keys of several accounts do not overwrite each other.
 */
export function keyFileName(role: KeyFileRole, type: string, ident?: string): string {
  const base = type === 'ssh-ed25519' ? 'id_ed25519' : type.startsWith('ecdsa-') ? 'id_ecdsa' : 'id_rsa';
  const id = safeIdent(ident);
  const openssh = id ? `${base}_${id}` : base;
  switch (role) {
    case 'rfc4716': return id ? `publicKey_${id}.asc` : 'publicKey.asc';
    case 'authorized-keys': return `${openssh}.pub`;
    case 'ppk3': return `${id || 'key'}.ppk`;
    case 'ppk2': return `${id || 'key'}-v2.ppk`;
    case 'openssh-private': return openssh;
  }
}

export const ALL_ROLES: readonly KeyFileRole[] = ['rfc4716', 'authorized-keys', 'ppk3', 'ppk2', 'openssh-private'];

/** Writes every file of a new key (Argon2 and bcrypt_pbkdf make this take ~1 s: use a worker in the UI). */
export async function buildKeyFiles(file: PrivateKeyFile, options: KeyFileOptions = {}): Promise<KeyFileOutput[]> {
  const roles = options.roles ?? ALL_ROLES;
  const blob = publicBlobOf(file.key);
  const out: KeyFileOutput[] = [];
  const passphrase = options.passphrase || undefined;
  for (const role of ALL_ROLES) {
    if (!roles.includes(role)) continue;
    const name = keyFileName(role, file.key.type, options.ident);
    let content: string;
    if (role === 'rfc4716') content = writeRfc4716(blob, file.comment);
    else if (role === 'authorized-keys') content = writeOpenSshPublic(blob, file.key.type, file.comment);
    else if (role === 'ppk3') content = await writePpk(file, { version: 3, passphrase, argon2: options.argon2Passes ? { passes: options.argon2Passes } : undefined });
    else if (role === 'ppk2') content = await writePpk(file, { version: 2, passphrase });
    else content = writeOpenSshPrivate(file, { passphrase });
    out.push({ role, name, content, secret: role === 'ppk3' || role === 'ppk2' || role === 'openssh-private' });
  }
  return out;
}
