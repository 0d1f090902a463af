// AES-CTR keystream (RFC 4344: a 128-bit big-endian counter) made ahead in batches, for the
// browser: one WebCrypto AES-CTR call encrypts many zero blocks at once, packets are XORed
// against it synchronously. Batches are asked for before they are needed, so `ready` rarely has
// to wait. Chromium's WebCrypto refuses 192-bit AES keys: there @noble/ciphers makes the batches.
import { ctr as nobleCtr } from '@noble/ciphers/aes.js';

const BLOCK = 16;
const FIRST_BATCH = 32 * 1024;
const MAX_BATCH = 1024 * 1024;
/** Keep this much keystream made or in the making ahead of what was used. */
const AHEAD = 2 * MAX_BATCH;

type Bytes = Uint8Array<ArrayBuffer>;
export type KeystreamMaker = (counter: Bytes, bytes: number) => Promise<Bytes>;

/** What a keystream batch encrypts: zeros, shared (WebCrypto copies its input at the call, and nothing writes here). */
let zeros: Bytes = new Uint8Array(0);
function zeroBytes(n: number): Bytes {
  if (zeros.length < n) zeros = new Uint8Array(Math.max(n, MAX_BATCH));
  return zeros.subarray(0, n);
}

export async function webKeystreamMaker(key: Uint8Array): Promise<KeystreamMaker> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle) {
    try {
      const cryptoKey = await subtle.importKey('raw', key.slice() as Bytes, { name: 'AES-CTR' }, false, ['encrypt']);
      return async (counter, bytes) => new Uint8Array(await subtle.encrypt({ name: 'AES-CTR', counter, length: 128 }, cryptoKey, zeroBytes(bytes)));
    } catch {
      // e.g. AES-192 in Chromium: fall through to the portable implementation.
    }
  }
  const k = key.slice();
  return async (counter, bytes) => nobleCtr(k, counter).encrypt(new Uint8Array(bytes)) as Bytes;
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

interface Batch {
  data: Bytes | null;
  readonly bytes: number;
  readonly made: Promise<void>;
}

export class BatchedKeystream {
  private readonly counter: Bytes;
  private readonly batches: Batch[] = [];
  /** Bytes of the first batch already used. */
  private used = 0;
  private queued = 0;
  private nextSize = FIRST_BATCH;
  private failure: unknown = null;

  constructor(private readonly make: KeystreamMaker, iv: Uint8Array) {
    this.counter = iv.slice(0, BLOCK) as Bytes;
    this.topUp();
  }

  private topUp(): void {
    while (this.queued - this.used < AHEAD) {
      const bytes = this.nextSize;
      if (this.nextSize < MAX_BATCH) this.nextSize *= 2;
      const batch: { data: Bytes | null; bytes: number; made: Promise<void> } = { data: null, bytes, made: Promise.resolve() };
      batch.made = this.make(this.counter.slice(), bytes).then(
        (d) => void (batch.data = d),
        (e: unknown) => void (this.failure = e),
      );
      addToCounter(this.counter, bytes / BLOCK);
      this.batches.push(batch);
      this.queued += bytes;
    }
  }

  /** null when `bytes` of keystream are ready now, else a promise for when more is. */
  ready(bytes: number): Promise<void> | null {
    if (this.failure) throw this.failure;
    let available = -this.used;
    for (const b of this.batches) {
      if (!b.data) return available >= bytes ? null : b.made;
      available += b.bytes;
      if (available >= bytes) return null;
    }
    const before = this.batches.length;
    this.topUp();
    if (this.batches.length === before) throw new RangeError(`${bytes} bytes is more keystream than is made ahead`);
    return this.ready(bytes);
  }

  /** data ^= keystream, in place; `ready(data.length)` must have returned null. */
  xor(data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const head = this.batches[0];
      if (!head?.data) throw new Error('keystream not ready');
      const n = Math.min(data.length - done, head.bytes - this.used);
      xorInPlace(data, done, head.data, this.used, n);
      done += n;
      this.used += n;
      if (this.used === head.bytes) {
        head.data.fill(0);
        this.batches.shift();
        this.queued -= head.bytes;
        this.used = 0;
      }
    }
    if (this.queued - this.used < AHEAD / 2) this.topUp();
  }

  dispose(): void {
    for (const b of this.batches) b.data?.fill(0);
    this.batches.length = 0;
  }
}

function xorInPlace(a: Uint8Array, ao: number, b: Uint8Array, bo: number, n: number): void {
  const aAbs = a.byteOffset + ao;
  const bAbs = b.byteOffset + bo;
  let i = 0;
  // Word-wise when both are equally aligned (the common case: batches and packets are 16-byte multiples).
  if ((aAbs & 3) === (bAbs & 3)) {
    while (i < n && ((aAbs + i) & 3) !== 0) {
      a[ao + i] = a[ao + i]! ^ b[bo + i]!;
      i++;
    }
    const words = (n - i) >>> 2;
    if (words > 0) {
      const a32 = new Uint32Array(a.buffer, aAbs + i, words);
      const b32 = new Uint32Array(b.buffer, bAbs + i, words);
      for (let w = 0; w < words; w++) a32[w] = a32[w]! ^ b32[w]!;
      i += words << 2;
    }
  }
  for (; i < n; i++) a[ao + i] = a[ao + i]! ^ b[bo + i]!;
}
