// ssh-ed25519 public keys (RFC 8709) as a dev-tunnels-ssh algorithm class: verifies host-key
// signatures with @noble/curves. Signing with a user's ed25519 key goes through SshUserKey
// (see user-key-algorithm.ts), so this class never holds a private key.
import { Buffer } from 'buffer';
import { ed25519 } from '@noble/curves/ed25519.js';
import { PublicKeyAlgorithm, type KeyPair, type Signer, type Verifier } from '@microsoft/dev-tunnels-ssh';
import { concat, readStrings, sshString } from './ssh-encoding.ts';

export const ED25519 = 'ssh-ed25519';

export class Ed25519PublicKey implements KeyPair {
  readonly keyAlgorithmName = ED25519;
  readonly hasPrivateKey = false;
  comment: string | null = null;
  publicKey: Uint8Array | null = null;

  get hasPublicKey(): boolean {
    return this.publicKey !== null;
  }

  async setPublicKeyBytes(keyBytes: Buffer): Promise<void> {
    const { values } = readStrings(keyBytes, 0, 2);
    const type = new TextDecoder().decode(values[0]);
    if (type !== ED25519 || values[1]!.length !== 32) throw new Error(`not an ssh-ed25519 public key (${type})`);
    this.publicKey = new Uint8Array(values[1]!);
  }

  async getPublicKeyBytes(): Promise<Buffer | null> {
    return this.publicKey ? Buffer.from(concat(sshString(ED25519), sshString(this.publicKey))) : null;
  }

  generate(): Promise<void> {
    throw new Error('ssh-ed25519: key generation belongs to core/keys');
  }
  importParameters(): Promise<void> {
    throw new Error('ssh-ed25519: not supported');
  }
  exportParameters(): Promise<never> {
    throw new Error('ssh-ed25519: not supported');
  }
  dispose(): void {}
}

export class Ed25519Algorithm extends PublicKeyAlgorithm {
  constructor() {
    super(ED25519, ED25519, 'SHA2-512');
  }

  createKeyPair(): KeyPair {
    return new Ed25519PublicKey();
  }

  generateKeyPair(): Promise<KeyPair> {
    throw new Error('ssh-ed25519: key generation belongs to core/keys');
  }

  createSigner(): Signer {
    throw new Error('ssh-ed25519: signing goes through SshUserKey');
  }

  createVerifier(keyPair: KeyPair): Verifier {
    if (!(keyPair instanceof Ed25519PublicKey) || !keyPair.publicKey) throw new Error('ssh-ed25519: no public key');
    const publicKey = keyPair.publicKey;
    return {
      digestLength: 64,
      // RFC 8032 verification (not ZIP-215's looser one): what OpenSSH checks too.
      verify: async (data: Buffer, signature: Buffer) => signature.length === 64 && ed25519.verify(signature, data, publicKey, { zip215: false }),
      dispose() {},
    };
  }
}
