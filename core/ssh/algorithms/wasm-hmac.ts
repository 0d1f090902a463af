// hmac-sha2-256/512 (and their -etm@openssh.com forms) computed synchronously in WebAssembly
// (hash-wasm). Why: in the browser the library's WebCrypto HMAC costs one async round trip per
// packet, and the SSH engine waits for each before building the next; measured in Chromium the
// main thread then sits idle about half the time. A synchronous MAC keeps the packet loop busy.
import { Buffer } from 'buffer';
import { createHMAC, createSHA256, createSHA512, type IHasher } from 'hash-wasm';
import { HmacAlgorithm, type MessageSigner, type MessageVerifier } from '@microsoft/dev-tunnels-ssh';

export class WasmHmac extends HmacAlgorithm {
  constructor(
    name: string,
    private readonly bits: 256 | 512,
    readonly encryptThenMac: boolean,
  ) {
    super(name, `SHA2-${bits}`, bits / 8, bits / 8);
  }

  private async hasher(key: Buffer): Promise<IHasher> {
    return createHMAC(this.bits === 256 ? createSHA256() : createSHA512(), new Uint8Array(key));
  }

  async createSigner(key: Buffer): Promise<MessageSigner> {
    const h = await this.hasher(key);
    const digestLength = this.digestLength;
    return {
      digestLength,
      encryptThenMac: this.encryptThenMac,
      sign: async (data: Buffer) => {
        const mac = h.init().update(data).digest('binary');
        return Buffer.from(mac.buffer, mac.byteOffset, mac.length);
      },
      dispose() {},
    };
  }

  async createVerifier(key: Buffer): Promise<MessageVerifier> {
    const h = await this.hasher(key);
    return {
      digestLength: this.digestLength,
      encryptThenMac: this.encryptThenMac,
      verify: async (data: Buffer, signature: Buffer) => {
        const mac = h.init().update(data).digest('binary');
        if (mac.length !== signature.length) return false;
        let d = 0;
        for (let i = 0; i < mac.length; i++) d |= mac[i]! ^ signature[i]!;
        return d === 0;
      },
      dispose() {},
    };
  }
}
