// chacha20-poly1305@openssh.com (OpenSSH PROTOCOL.chacha20poly1305, draft-ietf-sshm-chacha20-
// poly1305): 64 bytes of key, the first 32 (K_2) for the packet and the Poly1305 key, the last
// 32 (K_1) only for the 4-byte length. The nonce is the sequence number as a 64-bit big-endian
// number; the Poly1305 key is the first 32 bytes of K_2's keystream at block 0, the packet is
// encrypted from block 1, and the tag covers the encrypted length and packet, checked before
// anything is decrypted. ChaCha20 is the original 64-bit-nonce variant: node:crypto's (OpenSSL,
// as OpenSSH uses it) in Node, @noble/ciphers elsewhere; Poly1305 from @noble/ciphers.
import { chacha20orig } from '@noble/ciphers/chacha.js';
import { poly1305 } from '@noble/ciphers/_poly1305.js';
import { bytesEqual } from '../wire.ts';
import { nodeCrypto, type NodeCryptoModule } from './node-crypto.ts';
import type { PacketOpener, PacketSealer } from './protection.ts';

export const CHACHA20_POLY1305 = 'chacha20-poly1305@openssh.com';

type Xor = (key: Uint8Array, nonce: Uint8Array, counter: number, data: Uint8Array) => void;

/** In place: data ^= ChaCha20(key, nonce, counter). */
const nobleXor: Xor = (key, nonce, counter, data) => {
  chacha20orig(key, nonce, data, data, counter);
};

function nodeXor(crypto: NodeCryptoModule): Xor {
  const iv = new Uint8Array(16);
  // OpenSSL's IV is the last four state words: a 32-bit little-endian block counter, then the
  // rest. Words 13-15 = 0 and the 64-bit nonce make it the original 64-bit-counter variant.
  return (key, nonce, counter, data) => {
    iv[0] = counter & 0xff;
    iv[1] = (counter >>> 8) & 0xff;
    iv[2] = (counter >>> 16) & 0xff;
    iv[3] = counter >>> 24;
    iv.set(nonce, 8);
    const out = crypto.createCipheriv('chacha20', key, iv).update(data);
    data.set(out);
  };
}

class ChaChaPoly implements PacketSealer, PacketOpener {
  readonly blockSize = 8;
  readonly tagLength = 16;
  readonly aadLength = 4;
  readonly headLength = 4;
  private readonly main: Uint8Array;
  private readonly header: Uint8Array;
  private readonly nonce = new Uint8Array(8);
  private readonly polyKey = new Uint8Array(32);
  private readonly length = new Uint8Array(4);

  constructor(key: Uint8Array, private readonly xor: Xor) {
    if (key.length < 64) throw new RangeError('chacha20-poly1305 needs 64 bytes of key');
    this.main = key.slice(0, 32);
    this.header = key.slice(32, 64);
  }

  private setNonce(seq: number): void {
    const n = this.nonce;
    n[4] = seq >>> 24;
    n[5] = (seq >>> 16) & 0xff;
    n[6] = (seq >>> 8) & 0xff;
    n[7] = seq & 0xff;
    this.polyKey.fill(0);
    this.xor(this.main, n, 0, this.polyKey);
  }

  seal(seq: number, packet: Uint8Array, tag: Uint8Array): void {
    this.setNonce(seq);
    this.xor(this.header, this.nonce, 0, packet.subarray(0, 4));
    this.xor(this.main, this.nonce, 1, packet.subarray(4));
    tag.set(poly1305(packet, this.polyKey));
  }

  readLength(seq: number, head: Uint8Array): number {
    const l = this.length;
    l.set(head.subarray(0, 4));
    this.nonce.fill(0, 0, 4);
    const n = this.nonce;
    n[4] = seq >>> 24;
    n[5] = (seq >>> 16) & 0xff;
    n[6] = (seq >>> 8) & 0xff;
    n[7] = seq & 0xff;
    this.xor(this.header, n, 0, l);
    return ((l[0]! << 24) | (l[1]! << 16) | (l[2]! << 8) | l[3]!) >>> 0;
  }

  open(seq: number, packet: Uint8Array, tag: Uint8Array): boolean {
    this.setNonce(seq);
    if (!bytesEqual(poly1305(packet, this.polyKey), tag)) return false;
    this.xor(this.header, this.nonce, 0, packet.subarray(0, 4));
    this.xor(this.main, this.nonce, 1, packet.subarray(4));
    return true;
  }

  dispose(): void {
    this.main.fill(0);
    this.header.fill(0);
    this.polyKey.fill(0);
  }
}

export function chachaPoly1305(key: Uint8Array): PacketSealer & PacketOpener {
  const crypto = nodeCrypto();
  return new ChaChaPoly(key, crypto ? nodeXor(crypto) : nobleXor);
}
