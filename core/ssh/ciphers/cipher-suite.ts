// The ciphers and MACs we offer and how to make a PacketSealer / PacketOpener from the keys of
// a key exchange. Not offered at all: CBC ciphers, SHA-1 and MD5 MACs, `none` — with strict kex
// on top, nothing Terrapin-affected (CVE-2023-48795) can be negotiated without strict kex
// either: chacha20-poly1305 is only affected without it, and EtM only with CBC.
import { AES128_GCM, AES256_GCM, aesGcm } from './aes-gcm.ts';
import { CHACHA20_POLY1305, chachaPoly1305 } from './chacha20-poly1305.ts';
import { ctrHmac, MACS, type MacSpec } from './ctr-hmac.ts';
import { nodeCrypto } from './node-crypto.ts';
import type { PacketOpener, PacketSealer } from './protection.ts';

export interface CipherSpec {
  readonly name: string;
  readonly keyLength: number;
  readonly ivLength: number;
  /** Carries its own integrity tag: no MAC is negotiated with it. */
  readonly aead: boolean;
}

const CIPHERS: Record<string, CipherSpec> = {
  [CHACHA20_POLY1305]: { name: CHACHA20_POLY1305, keyLength: 64, ivLength: 0, aead: true },
  [AES128_GCM]: { name: AES128_GCM, keyLength: 16, ivLength: 12, aead: true },
  [AES256_GCM]: { name: AES256_GCM, keyLength: 32, ivLength: 12, aead: true },
  'aes128-ctr': { name: 'aes128-ctr', keyLength: 16, ivLength: 16, aead: false },
  'aes192-ctr': { name: 'aes192-ctr', keyLength: 24, ivLength: 16, aead: false },
  'aes256-ctr': { name: 'aes256-ctr', keyLength: 32, ivLength: 16, aead: false },
};

/**
 * Best first. AES-GCM leads where AES is native (node:crypto, WebCrypto): one call per packet
 * does both encryption and integrity. chacha20-poly1305 is next (OpenSSH's default; tinysshd's
 * only cipher), then CTR with EtM MACs.
 */
export function supportedCiphers(): string[] {
  return [AES128_GCM, AES256_GCM, CHACHA20_POLY1305, 'aes128-ctr', 'aes256-ctr', 'aes192-ctr'];
}

export function supportedMacs(): string[] {
  return MACS.map((m) => m.name);
}

export function cipherSpec(name: string): CipherSpec {
  const spec = CIPHERS[name];
  if (!spec) throw new RangeError(`unknown cipher ${name}`);
  return spec;
}

export function macSpec(name: string): MacSpec {
  const spec = MACS.find((m) => m.name === name);
  if (!spec) throw new RangeError(`unknown MAC ${name}`);
  return spec;
}

export function isAead(cipher: string): boolean {
  return CIPHERS[cipher]?.aead ?? false;
}

export interface DirectionKeys {
  cipher: string;
  /** '' for AEAD ciphers. */
  mac: string;
  key: Uint8Array;
  iv: Uint8Array;
  macKey: Uint8Array;
}

export type Protection = PacketSealer & PacketOpener;

/** Makes the protection of one direction; a promise where keys must be imported (WebCrypto, WASM). */
export function createProtection(k: DirectionKeys): Protection | Promise<Protection> {
  const spec = cipherSpec(k.cipher);
  const key = k.key.subarray(0, spec.keyLength);
  if (k.cipher === CHACHA20_POLY1305) return chachaPoly1305(key);
  if (spec.aead) return aesGcm(key, k.iv.subarray(0, spec.ivLength));
  return ctrHmac(key, k.iv.subarray(0, spec.ivLength), macSpec(k.mac), k.macKey.subarray(0, macSpec(k.mac).keyLength));
}

/** True where the native AES of node:crypto is used (for diagnostics and benchmarks). */
export function nativeCrypto(): boolean {
  return nodeCrypto() !== null;
}
