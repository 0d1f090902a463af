// Wraps each public-key algorithm of the library so that (1) a host key's raw blob is kept
// exactly as the server sent it (fingerprints must hash those bytes, not a re-encoding) and
// (2) a user key given as SshUserKey signs through its own `sign`, never exposing the private key.
import { Buffer } from 'buffer';
import { PublicKeyAlgorithm, type KeyPair, type Signer, type Verifier } from '@microsoft/dev-tunnels-ssh';
import type { SshUserKey } from '../user-key.ts';
import { equalBytes, readStrings } from './ssh-encoding.ts';
import { keyBlobAlgorithm } from '../fingerprint.ts';

/** The host key of one session: set by the first key exchange, required of every re-key. */
export interface HostKeyGuard {
  blob: Uint8Array | null;
}

/** A KeyPair that remembers the exact bytes it was given. */
export class RecordedKeyPair implements KeyPair {
  blob: Uint8Array | null = null;
  constructor(
    readonly inner: KeyPair,
    private readonly guard?: HostKeyGuard,
  ) {}
  get keyAlgorithmName(): string {
    return this.inner.keyAlgorithmName;
  }
  get hasPublicKey(): boolean {
    return this.inner.hasPublicKey;
  }
  get hasPrivateKey(): boolean {
    return this.inner.hasPrivateKey;
  }
  get comment(): string | null {
    return this.inner.comment;
  }
  set comment(c: string | null) {
    this.inner.comment = c;
  }
  async setPublicKeyBytes(keyBytes: Buffer): Promise<void> {
    this.blob = new Uint8Array(keyBytes);
    if (this.guard) {
      // The policy approved the first key; a re-key presenting another one is an attack or a
      // misbehaving server either way (OpenSSH's client refuses it too).
      if (this.guard.blob && !equalBytes(this.guard.blob, this.blob)) throw new Error('the server presented a different host key during re-key');
      this.guard.blob ??= this.blob;
    }
    await this.inner.setPublicKeyBytes(keyBytes);
  }
  getPublicKeyBytes(algorithmName?: string): Promise<Buffer | null> {
    return this.blob ? Promise.resolve(Buffer.from(this.blob)) : this.inner.getPublicKeyBytes(algorithmName);
  }
  generate(): Promise<void> {
    return this.inner.generate();
  }
  importParameters(p: object): Promise<void> {
    return this.inner.importParameters(p);
  }
  exportParameters(): Promise<object> {
    return this.inner.exportParameters();
  }
  dispose(): void {
    this.inner.dispose();
  }
}

/** The user's key as the library sees it: public part only, signing delegated to SshUserKey. */
export class UserKeyPair implements KeyPair {
  readonly hasPublicKey = true;
  readonly hasPrivateKey = true;
  comment: string | null = null;
  /** Set by the signer when the server was asked to verify a signature. */
  signed = false;
  constructor(readonly key: SshUserKey) {}
  get keyAlgorithmName(): string {
    return keyBlobAlgorithm(this.key.publicKeyBlob);
  }
  setPublicKeyBytes(): Promise<void> {
    throw new Error('user key is read-only');
  }
  async getPublicKeyBytes(): Promise<Buffer> {
    return Buffer.from(this.key.publicKeyBlob);
  }
  generate(): Promise<void> {
    throw new Error('user key is read-only');
  }
  importParameters(): Promise<void> {
    throw new Error('user key is read-only');
  }
  exportParameters(): Promise<object> {
    throw new Error('user key is read-only');
  }
  dispose(): void {}
}

export class DelegatingPublicKeyAlgorithm extends PublicKeyAlgorithm {
  constructor(
    readonly inner: PublicKeyAlgorithm,
    private readonly guard?: HostKeyGuard,
  ) {
    super(inner.name, inner.keyAlgorithmName, inner.hashAlgorithmName);
  }

  /** Client side, this is only called for the server's host key in each key exchange. */
  createKeyPair(): KeyPair {
    return new RecordedKeyPair(this.inner.createKeyPair(), this.guard);
  }

  generateKeyPair(keySizeInBits?: number): Promise<KeyPair> {
    return this.inner.generateKeyPair(keySizeInBits);
  }

  createSigner(keyPair: KeyPair): Signer {
    if (keyPair instanceof UserKeyPair) {
      const algorithm = this.name;
      return {
        digestLength: 0,
        async sign(data: Buffer): Promise<Buffer> {
          keyPair.signed = true;
          const blob = await keyPair.key.sign(algorithm, new Uint8Array(data));
          // The library wraps the raw signature itself (createSignatureData): unwrap ours.
          const { values } = readStrings(blob, 0, 2);
          const got = new TextDecoder().decode(values[0]);
          if (got !== algorithm) throw new Error(`the key signed with ${got}, expected ${algorithm}`);
          return Buffer.from(values[1]!);
        },
        dispose() {},
      };
    }
    return this.inner.createSigner(keyPair instanceof RecordedKeyPair ? keyPair.inner : keyPair);
  }

  createVerifier(keyPair: KeyPair): Verifier {
    return this.inner.createVerifier(keyPair instanceof RecordedKeyPair ? keyPair.inner : keyPair);
  }

  override readSignatureData(signatureData: Buffer): Buffer {
    return this.inner.readSignatureData(signatureData);
  }

  override createSignatureData(signature: Buffer): Buffer {
    // Our user-key signer already returns the raw signature as the server expects it inside
    // the blob (RSA PKCS#1 bytes, ed25519 64 bytes, ECDSA mpint r,s): wrap it as the base does.
    return super.createSignatureData(signature);
  }
}
