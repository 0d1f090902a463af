// aes128/192/256-ctr (RFC 4344) with hmac-sha2-256/512 (RFC 6668), the MAC computed over the
// sequence number and the packet in the clear, or with their -etm@openssh.com forms (OpenSSH
// PROTOCOL §1.5: the length stays in the clear, the MAC covers the ciphertext and is checked
// before decrypting). In Node: node:crypto's CTR stream and HMAC. In the browser: a keystream
// made ahead in batches by WebCrypto, and HMAC in WebAssembly (hash-wasm), both synchronous per
// packet — a WebCrypto call per packet would leave the worker waiting on each.
import { createHMAC, createSHA256, createSHA512, type IHasher } from 'hash-wasm';
import { bytesEqual, writeUint32 } from '../wire.ts';
import { BatchedKeystream, webKeystreamMaker } from './ctr-keystream.ts';
import { nodeCrypto, type NodeCryptoModule } from './node-crypto.ts';
import type { PacketOpener, PacketSealer } from './protection.ts';

export interface MacSpec {
  readonly name: string;
  readonly hash: 'sha256' | 'sha512';
  readonly keyLength: number;
  readonly etm: boolean;
}

export const MACS: readonly MacSpec[] = [
  { name: 'hmac-sha2-256-etm@openssh.com', hash: 'sha256', keyLength: 32, etm: true },
  { name: 'hmac-sha2-512-etm@openssh.com', hash: 'sha512', keyLength: 64, etm: true },
  { name: 'hmac-sha2-256', hash: 'sha256', keyLength: 32, etm: false },
  { name: 'hmac-sha2-512', hash: 'sha512', keyLength: 64, etm: false },
];

/** A MAC over (uint32 sequence number || bytes), synchronous. */
type Mac = (seq: number, data: Uint8Array) => Uint8Array;
/** In place: data ^= next keystream bytes. */
interface Keystream {
  xor(data: Uint8Array): void;
  ready?(bytes: number): Promise<void> | null;
  dispose(): void;
}

function nodeMac(crypto: NodeCryptoModule, spec: MacSpec, key: Uint8Array): Mac {
  const k = key.slice();
  const seqBytes = new Uint8Array(4);
  return (seq, data) => {
    writeUint32(seqBytes, 0, seq);
    return crypto.createHmac(spec.hash, k).update(seqBytes).update(data).digest();
  };
}

async function wasmMac(spec: MacSpec, key: Uint8Array): Promise<Mac> {
  const h: IHasher = await createHMAC(spec.hash === 'sha256' ? createSHA256() : createSHA512(), key.slice());
  const seqBytes = new Uint8Array(4);
  return (seq, data) => {
    writeUint32(seqBytes, 0, seq);
    return h.init().update(seqBytes).update(data).digest('binary');
  };
}

function nodeKeystream(crypto: NodeCryptoModule, key: Uint8Array, iv: Uint8Array): Keystream {
  const c = crypto.createCipheriv(`aes-${key.length * 8}-ctr`, key, iv.subarray(0, 16));
  return {
    xor: (data) => data.set(c.update(data)),
    dispose: () => void c.final(),
  };
}

class CtrHmac implements PacketSealer, PacketOpener {
  readonly blockSize = 16;
  readonly tagLength: number;
  readonly aadLength: 0 | 4;
  readonly headLength: number;
  readonly ready?: (bytes: number) => Promise<void> | null;

  constructor(private readonly stream: Keystream, private readonly mac: Mac, spec: MacSpec) {
    this.tagLength = spec.keyLength;
    this.aadLength = spec.etm ? 4 : 0;
    this.headLength = spec.etm ? 4 : 16;
    if (stream.ready) this.ready = (bytes) => stream.ready!(bytes);
  }

  seal(seq: number, packet: Uint8Array, tag: Uint8Array): void {
    if (this.aadLength) {
      this.stream.xor(packet.subarray(4));
      tag.set(this.mac(seq, packet));
    } else {
      tag.set(this.mac(seq, packet));
      this.stream.xor(packet);
    }
  }

  readLength(_seq: number, head: Uint8Array): number {
    if (!this.aadLength) this.stream.xor(head.subarray(0, 16));
    return ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
  }

  open(seq: number, packet: Uint8Array, tag: Uint8Array): boolean {
    if (this.aadLength) {
      if (!bytesEqual(this.mac(seq, packet), tag)) return false;
      this.stream.xor(packet.subarray(4));
      return true;
    }
    this.stream.xor(packet.subarray(16));
    return bytesEqual(this.mac(seq, packet), tag);
  }

  dispose(): void {
    this.stream.dispose();
  }
}

export function ctrHmac(key: Uint8Array, iv: Uint8Array, spec: MacSpec, macKey: Uint8Array): (PacketSealer & PacketOpener) | Promise<PacketSealer & PacketOpener> {
  const node = nodeCrypto();
  if (node) return new CtrHmac(nodeKeystream(node, key, iv), nodeMac(node, spec, macKey), spec);
  return Promise.all([webKeystreamMaker(key), wasmMac(spec, macKey)]).then(([maker, mac]) => new CtrHmac(new BatchedKeystream(maker, iv), mac, spec));
}
