// How one direction of the binary packet protocol (RFC 4253 §6) is protected: a cipher and a
// MAC, or an AEAD cipher alone. Both work in place on the packet bytes (length field through
// padding) and the tag that follows them, and are synchronous unless they must not be: a
// WebCrypto cipher returns a promise per packet (the codec keeps many in flight at once) and a
// batched keystream says through `ready` when it has to wait. Nothing here knows messages.

export interface PacketProtection {
  /** Padding aligns the packet to this (at least 8). */
  readonly blockSize: number;
  /** Bytes of MAC or AEAD tag after each packet. */
  readonly tagLength: number;
  /**
   * 4 when the length field is outside the aligned part (EtM MACs and AEAD ciphers: RFC 5647,
   * OpenSSH PROTOCOL §1.5, PROTOCOL.chacha20poly1305), else 0.
   */
  readonly aadLength: 0 | 4;
  /**
   * For CTR keystreams made ahead in batches: null when `bytes` can be processed synchronously
   * now, else a promise that resolves when they can. Absent: always synchronous.
   */
  ready?(bytes: number): Promise<void> | null;
  /** Wipes key material. */
  dispose(): void;
}

export interface PacketSealer extends PacketProtection {
  /** Encrypts `packet` in place and writes the tag to `tag`. */
  seal(seq: number, packet: Uint8Array, tag: Uint8Array): void | Promise<void>;
}

export interface PacketOpener extends PacketProtection {
  /** Bytes `readLength` needs: 4, or a cipher block when the length is encrypted in one (CTR). */
  readonly headLength: number;
  /**
   * The packet_length field from the first `headLength` bytes. May decrypt them in place (CTR
   * without EtM); `open` is then given the whole packet and knows they are done.
   */
  readLength(seq: number, head: Uint8Array): number;
  /**
   * Checks `tag` and decrypts `packet`; false when the tag is wrong (nothing is decrypted then,
   * for AEAD and EtM). True: decrypted in place. Or the decrypted bytes after the length field
   * (`packet.subarray(4)`'s plaintext) in a buffer of their own, when the cipher made them
   * elsewhere (WebCrypto): copying them back would cost a copy per packet for nothing.
   */
  open(seq: number, packet: Uint8Array, tag: Uint8Array): OpenResult | Promise<OpenResult>;
}

export type OpenResult = boolean | Uint8Array;

/** Before the first NEWKEYS: no cipher, no MAC, 8-byte alignment (RFC 4253 §6). */
export class NoProtection implements PacketSealer, PacketOpener {
  readonly blockSize = 8;
  readonly tagLength = 0;
  readonly aadLength = 0;
  readonly headLength = 4;
  seal(): void {}
  readLength(_seq: number, head: Uint8Array): number {
    return ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
  }
  open(): boolean {
    return true;
  }
  dispose(): void {}
}
