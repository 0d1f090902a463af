// What the SSH layer needs from a user key for publickey authentication (RFC 4252 §7).
// Stable interface: core/ssh depends on it. Implementations keep the private key out of reach
// (a non-extractable WebCrypto key); nothing here exposes private material.

export interface SshUserKey {
  /**
   * Signature algorithms this key can produce, best first, e.g.
   * ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'], ['ssh-ed25519'] or ['ecdsa-sha2-nistp256'].
   * For RSA the chosen name goes into the auth request's algorithm field while the public key
   * blob stays of type "ssh-rsa" (RFC 8332).
   */
  readonly algorithms: readonly string[];
  /** The SSH public key blob (string type, then the key's public fields). */
  readonly publicKeyBlob: Uint8Array;
  /**
   * Signs `data` (for auth: the session identifier and request fields of RFC 4252 §7) and
   * returns the SSH signature blob: string algorithm, string signature (ECDSA: mpint r, mpint s
   * inside that string, RFC 5656 §3.1.2). Rejects for an algorithm not in `algorithms`.
   */
  sign(algorithm: string, data: Uint8Array): Promise<Uint8Array>;
}
