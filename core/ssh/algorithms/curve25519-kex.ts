// curve25519-sha256 key exchange (RFC 8731) as a dev-tunnels-ssh algorithm class, x25519 from
// @noble/curves. The library hashes the exchange values as mpints (right for its ECDH, where the
// point starts 0x04); RFC 8731 wants Q_C and Q_S as strings, so the exchange-hash input is
// re-encoded here, checking first that it is exactly what the library was expected to write.
import { Buffer } from 'buffer';
import { x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { KeyExchangeAlgorithm, type KeyExchange } from '@microsoft/dev-tunnels-ssh';
import { concat, equalBytes, mpintBody, readStrings, sshString } from './ssh-encoding.ts';

export class Curve25519Sha256 extends KeyExchangeAlgorithm {
  constructor(name: 'curve25519-sha256' | 'curve25519-sha256@libssh.org') {
    super(name, 256, 'SHA2-256', 32);
  }

  createKeyExchange(): KeyExchange {
    return new Curve25519Exchange();
  }
}

class Curve25519Exchange implements KeyExchange {
  readonly digestLength = 32;
  private secretKey: Uint8Array | null = null;
  private ourPublic: Uint8Array | null = null;
  private theirPublic: Uint8Array | null = null;
  private sharedMpint: Uint8Array | null = null;
  /** The first hash after the shared secret is the exchange hash H; later ones derive keys. */
  private exchangeHashPending = false;

  async startKeyExchange(): Promise<Buffer> {
    const { secretKey, publicKey } = x25519.keygen();
    this.secretKey = secretKey;
    this.ourPublic = publicKey;
    return Buffer.from(publicKey);
  }

  async decryptKeyExchange(exchangeValue: Buffer): Promise<Buffer> {
    if (!this.secretKey) throw new Error('curve25519: key exchange not started');
    if (exchangeValue.length !== 32) throw new Error(`curve25519: server public key has ${exchangeValue.length} bytes, expected 32`);
    this.theirPublic = new Uint8Array(exchangeValue);
    let shared: Uint8Array;
    try {
      shared = x25519.getSharedSecret(this.secretKey, this.theirPublic);
    } catch (e) {
      throw new Error('curve25519: invalid server public key', { cause: e });
    }
    // RFC 8731 §3: an all-zero shared secret (low-order point) must abort.
    if (shared.every((b) => b === 0)) throw new Error('curve25519: all-zero shared secret');
    this.secretKey.fill(0);
    this.secretKey = null;
    this.sharedMpint = mpintBody(shared);
    this.exchangeHashPending = true;
    return Buffer.from(this.sharedMpint);
  }

  async sign(data: Buffer): Promise<Buffer> {
    if (!this.exchangeHashPending) return Buffer.from(sha256(data));
    this.exchangeHashPending = false;
    return Buffer.from(sha256(this.rewriteExchangeHashInput(new Uint8Array(data.buffer, data.byteOffset, data.length))));
  }


  /** V_C, V_S, I_C, I_S, K_S as strings, then mpint Q_C, Q_S, K  →  string Q_C, string Q_S, mpint K. */
  private rewriteExchangeHashInput(input: Uint8Array): Uint8Array {
    const { end } = readStrings(input, 0, 5);
    const qc = this.ourPublic!;
    const qs = this.theirPublic!;
    const k = this.sharedMpint!;
    const asLibraryWrote = concat(sshString(mpintBody(qc)), sshString(mpintBody(qs)), sshString(k));
    if (!equalBytes(input.subarray(end), asLibraryWrote)) throw new Error('curve25519: unexpected exchange-hash layout from the SSH library');
    return concat(input.subarray(0, end), sshString(qc), sshString(qs), sshString(k));
  }

  dispose(): void {
    this.secretKey?.fill(0);
    this.secretKey = null;
  }
}
