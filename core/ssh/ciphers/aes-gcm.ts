// aes128-gcm@openssh.com / aes256-gcm@openssh.com (RFC 5647 as OpenSSH PROTOCOL §1.6 uses it):
// the 4-byte packet length is the additional authenticated data, in the clear; the rest is
// encrypted; 16-byte tag. The 12-byte nonce is a 4-byte fixed field and a 64-bit invocation
// counter that goes up by one per packet. In Node: node:crypto, synchronous. In the browser:
// WebCrypto, one promise per packet — the codec issues many before awaiting any.
import { gcm } from '@noble/ciphers/aes.js';
import { nodeCrypto, type NodeCryptoModule } from './node-crypto.ts';
import type { PacketOpener, PacketSealer } from './protection.ts';

export const AES128_GCM = 'aes128-gcm@openssh.com';
export const AES256_GCM = 'aes256-gcm@openssh.com';

/** Increments the 64-bit invocation counter (bytes 4..11, big-endian) of a GCM nonce. */
export function nextNonce(iv: Uint8Array): void {
  for (let i = 11; i >= 4; i--) {
    iv[i] = (iv[i]! + 1) & 0xff;
    if (iv[i] !== 0) break;
  }
}

abstract class Gcm {
  readonly blockSize = 16;
  readonly tagLength = 16;
  readonly aadLength = 4;
  readonly headLength = 4;
  protected readonly iv: Uint8Array;
  constructor(iv: Uint8Array) {
    this.iv = iv.slice(0, 12);
  }
  readLength(_seq: number, head: Uint8Array): number {
    return ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
  }
  dispose(): void {
    this.iv.fill(0);
  }
}

class NodeGcm extends Gcm implements PacketSealer, PacketOpener {
  private readonly algorithm: 'aes-128-gcm' | 'aes-256-gcm';
  constructor(private readonly crypto: NodeCryptoModule, private readonly key: Uint8Array, iv: Uint8Array) {
    super(iv);
    this.algorithm = key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm';
  }

  seal(_seq: number, packet: Uint8Array, tag: Uint8Array): void {
    const c = this.crypto.createCipheriv(this.algorithm, this.key, this.iv, { authTagLength: 16 });
    c.setAAD(packet.subarray(0, 4));
    packet.set(c.update(packet.subarray(4)), 4);
    c.final();
    tag.set(c.getAuthTag());
    nextNonce(this.iv);
  }

  open(_seq: number, packet: Uint8Array, tag: Uint8Array): boolean {
    const d = this.crypto.createDecipheriv(this.algorithm, this.key, this.iv, { authTagLength: 16 });
    nextNonce(this.iv);
    d.setAAD(packet.subarray(0, 4));
    d.setAuthTag(tag);
    const plain = d.update(packet.subarray(4));
    try {
      d.final();
    } catch {
      return false;
    }
    packet.set(plain, 4);
    return true;
  }

  override dispose(): void {
    super.dispose();
    this.key.fill(0);
  }
}

class WebGcm extends Gcm implements PacketSealer, PacketOpener {
  constructor(private readonly key: CryptoKey, iv: Uint8Array) {
    super(iv);
  }

  async seal(_seq: number, packet: Uint8Array, tag: Uint8Array): Promise<void> {
    const iv = this.iv.slice();
    nextNonce(this.iv);
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: packet.slice(0, 4), tagLength: 128 }, this.key, packet.subarray(4) as Uint8Array<ArrayBuffer>));
    packet.set(sealed.subarray(0, sealed.length - 16), 4);
    tag.set(sealed.subarray(sealed.length - 16));
  }

  /** The plaintext comes back in WebCrypto's own buffer: it is handed on from there, not copied into `packet`. */
  async open(_seq: number, packet: Uint8Array, tag: Uint8Array): Promise<Uint8Array | false> {
    const iv = this.iv.slice();
    nextNonce(this.iv);
    // WebCrypto wants ciphertext and tag as one buffer: the codec keeps the tag right after the packet.
    const sealed = tag.byteOffset === packet.byteOffset + packet.length && tag.buffer === packet.buffer
      ? new Uint8Array(packet.buffer, packet.byteOffset + 4, packet.length - 4 + tag.length)
      : joined(packet.subarray(4), tag);
    let plain: ArrayBuffer;
    try {
      plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: packet.slice(0, 4), tagLength: 128 }, this.key, sealed as Uint8Array<ArrayBuffer>);
    } catch {
      return false;
    }
    return new Uint8Array(plain);
  }
}

/** Pure JS, synchronous: where neither node:crypto nor WebCrypto exists. */
class NobleGcm extends Gcm implements PacketSealer, PacketOpener {
  constructor(private readonly key: Uint8Array, iv: Uint8Array) {
    super(iv);
  }
  seal(_seq: number, packet: Uint8Array, tag: Uint8Array): void {
    const sealed = gcm(this.key, this.iv, packet.slice(0, 4)).encrypt(packet.subarray(4));
    nextNonce(this.iv);
    packet.set(sealed.subarray(0, sealed.length - 16), 4);
    tag.set(sealed.subarray(sealed.length - 16));
  }
  open(_seq: number, packet: Uint8Array, tag: Uint8Array): boolean {
    const iv = this.iv.slice();
    nextNonce(this.iv);
    try {
      const plain = gcm(this.key, iv, packet.slice(0, 4)).decrypt(joined(packet.subarray(4), tag));
      packet.set(plain, 4);
      return true;
    } catch {
      return false;
    }
  }
}

function joined(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export function aesGcm(key: Uint8Array, iv: Uint8Array): (PacketSealer & PacketOpener) | Promise<PacketSealer & PacketOpener> {
  const node = nodeCrypto();
  if (node) return new NodeGcm(node, key.slice(), iv);
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return new NobleGcm(key.slice(), iv);
  return subtle.importKey('raw', key.slice() as Uint8Array<ArrayBuffer>, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']).then((k) => new WebGcm(k, iv));
}
