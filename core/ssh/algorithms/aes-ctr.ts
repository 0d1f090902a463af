// aes128-ctr, aes192-ctr, aes256-ctr (RFC 4344) as a dev-tunnels-ssh algorithm class.
// Why our own: the library lacks 128/192, and its CTR makes one async WebCrypto call per packet.
// Here the keystream is produced ahead in large batches (one WebCrypto AES-CTR call encrypts
// many zero blocks at once) and packets are XORed synchronously against it. Chromium's WebCrypto
// refuses 192-bit AES keys: that case falls back to @noble/ciphers for the keystream.
import { Buffer } from 'buffer';
import { ctr as nobleCtr } from '@noble/ciphers/aes.js';
import { EncryptionAlgorithm, type Cipher } from '@microsoft/dev-tunnels-ssh';

const BLOCK = 16;
const FIRST_BATCH = 16 * 1024;
const MAX_BATCH = 1024 * 1024;

type Bytes = Uint8Array<ArrayBuffer>;
type KeystreamMaker = (counter: Bytes, bytes: number) => Promise<Bytes>;

export class AesCtr extends EncryptionAlgorithm {
  readonly blockLength = BLOCK;
  constructor(readonly keyLength: 16 | 24 | 32) {
    super(`aes${keyLength * 8}-ctr`);
  }

  async createCipher(_isEncryption: boolean, key: Buffer, iv: Buffer): Promise<Cipher> {
    const maker = await keystreamMaker(new Uint8Array(key.subarray(0, this.keyLength)));
    return new CtrCipher(maker, new Uint8Array(iv.subarray(0, BLOCK)));
  }
}

async function keystreamMaker(key: Bytes): Promise<KeystreamMaker> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle) {
    try {
      const cryptoKey = await subtle.importKey('raw', key, { name: 'AES-CTR' }, false, ['encrypt']);
      return async (counter, bytes) => new Uint8Array(await subtle.encrypt({ name: 'AES-CTR', counter, length: 128 }, cryptoKey, new Uint8Array(bytes)));
    } catch {
      // e.g. AES-192 in Chromium: fall through to the portable implementation.
    }
  }
  const k = key.slice();
  return async (counter, bytes) => nobleCtr(k, counter).encrypt(new Uint8Array(bytes));
}

/** Adds `blocks` to a 128-bit big-endian counter in place. */
export function addToCounter(counter: Uint8Array, blocks: number): void {
  let carry = blocks;
  for (let i = BLOCK - 1; i >= 0 && carry > 0; i--) {
    const sum = counter[i]! + (carry % 256);
    counter[i] = sum & 0xff;
    carry = Math.floor(carry / 256) + (sum >> 8);
  }
}

class CtrCipher implements Cipher {
  readonly blockLength = BLOCK;
  private readonly counter: Bytes;
  private stream: Bytes = new Uint8Array(0);
  private used = 0;
  private next: Promise<Bytes> | null = null;
  private batch = FIRST_BATCH;

  constructor(private readonly make: KeystreamMaker, iv: Bytes) {
    this.counter = iv.slice();
  }

  /** Starts producing the next batch of keystream; the counter moves past it at once. */
  private prefetch(): void {
    const bytes = this.batch;
    this.next = this.make(this.counter.slice(), bytes);
    addToCounter(this.counter, bytes / BLOCK);
    if (this.batch < MAX_BATCH) this.batch *= 2;
  }

  async transform(data: Buffer): Promise<Buffer> {
    const out = Buffer.allocUnsafe(data.length);
    let done = 0;
    while (done < data.length) {
      if (this.used === this.stream.length) {
        if (!this.next) this.prefetch();
        this.stream = await this.next!;
        this.used = 0;
        this.next = null;
      }
      // Ask for the following batch while this one is consumed, so it is usually ready.
      if (!this.next && this.used >= this.stream.length / 2) this.prefetch();
      const n = Math.min(data.length - done, this.stream.length - this.used);
      xorInto(out, done, data, done, this.stream, this.used, n);
      done += n;
      this.used += n;
    }
    return out;
  }

  dispose(): void {
    this.stream.fill(0);
  }
}

function xorInto(out: Uint8Array, o: number, a: Uint8Array, ao: number, b: Uint8Array, bo: number, n: number): void {
  // Word-wise when all three are 4-byte aligned (the common case for our own buffers).
  const aAbs = a.byteOffset + ao;
  const bAbs = b.byteOffset + bo;
  const oAbs = out.byteOffset + o;
  let i = 0;
  if (aAbs % 4 === 0 && bAbs % 4 === 0 && oAbs % 4 === 0) {
    const words = n >>> 2;
    const a32 = new Uint32Array(a.buffer, aAbs, words);
    const b32 = new Uint32Array(b.buffer, bAbs, words);
    const o32 = new Uint32Array(out.buffer, oAbs, words);
    for (let w = 0; w < words; w++) o32[w] = a32[w]! ^ b32[w]!;
    i = words << 2;
  }
  for (; i < n; i++) out[o + i] = a[ao + i]! ^ b[bo + i]!;
}
