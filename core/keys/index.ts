// core/keys: generate, save, read and use SSH user keys (browser and Node alike).
export * from './errors.ts';
export * from './key-material.ts';
export * from './fingerprint.ts';
export * from './public-key-files.ts';
export { writePpk, readPpk, isPpk, PPK3_DEFAULT_ARGON2, type Argon2Flavour, type Argon2Params, type PpkWriteOptions } from './ppk.ts';
export { writeOpenSshPrivate, readOpenSshPrivate, isOpenSshPrivate, OPENSSH_DEFAULT_ROUNDS, type OpenSshWriteOptions } from './openssh-private.ts';
export { readPemPrivate, isPem } from './pem.ts';
export * from './read-key.ts';
export * from './generate.ts';
export * from './key-files.ts';
export type { SshUserKey } from './ssh-user-key.ts';
export { CryptoSshUserKey, importSigningKeys, privateJwk, signingAlgorithms, type SigningKeys } from './crypto-key.ts';
export { SshReader, SshWriter } from './ssh-wire.ts';
export { base64Decode, base64Encode } from './base64.ts';
export { KeyStore, KeyNotProtectedError, type AddKeyOptions, type KeyProtection, type StoredKeyInfo } from './key-store.ts';
export { STORE_KDF, unwrapSigningKeys, wrapPrivateKey, type WrapKdf, type WrappedPrivateKey } from './key-wrap.ts';
