// What core/ssh needs from a user key for publickey authentication. The private key stays
// wherever the key store keeps it (a non-extractable WebCrypto key, a decrypted file in the
// CLI): only `sign` touches it. Structurally the same as core/keys' SshUserKey.

export interface SshUserKey {
  /** Signature algorithms this key can make, best first: e.g. ['rsa-sha2-512', 'rsa-sha2-256'] or ['ssh-ed25519']. */
  readonly algorithms: readonly string[];
  /** The public key blob (RFC 4253 §6.6), e.g. string "ssh-rsa", mpint e, mpint n. */
  readonly publicKeyBlob: Uint8Array;
  /** Signs `data` with `algorithm`; returns the SSH signature blob: string algorithm, string signature. */
  sign(algorithm: string, data: Uint8Array): Promise<Uint8Array>;
}
