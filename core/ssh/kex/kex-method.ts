// Key-exchange methods: what the client sends in SSH_MSG_KEX_ECDH_INIT / KEXDH_INIT, and the
// shared secret K from the server's value, with the fields the exchange hash takes (RFC 4253
// §8, RFC 5656 §4, RFC 8731 §3, RFC 8268). All synchronous (@noble/curves, bigint).
import { x25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { SshProtocolError } from '../errors.ts';
import { MSG } from '../messages.ts';
import { bigintToBytes, bytesToBigint, SshWriter } from '../wire.ts';

export type Hash = (data: Uint8Array) => Uint8Array;

export interface KexResult {
  /** K as an unsigned big-endian number. */
  secret: Uint8Array;
  /** Q_C / e and Q_S / f, encoded as the exchange hash takes them (string or mpint). */
  clientField: Uint8Array;
  serverField: Uint8Array;
}

export interface KexExchange {
  /** The payload of our SSH_MSG_KEX_ECDH_INIT (or KEXDH_INIT). */
  readonly initPayload: Uint8Array;
  /** The server's value from its reply is an mpint (DH: f), not a string (ECDH: Q_S). */
  readonly serverValueIsMpint: boolean;
  /** Throws SshProtocolError for an invalid server value. */
  finish(serverValue: Uint8Array): KexResult;
}

export interface KexMethod {
  readonly name: string;
  readonly hash: Hash;
  /** `secretKey`: a fixed private value, for published vectors only. */
  start(secretKey?: Uint8Array): KexExchange;
}

const string = (b: Uint8Array) => new SshWriter(b.length + 4).string(b).bytes();
const mpint = (b: Uint8Array) => new SshWriter(b.length + 5).mpint(b).bytes();
const init = (value: Uint8Array, asMpint: boolean) => {
  const w = new SshWriter(value.length + 10).byte(MSG.KEX_INIT);
  return (asMpint ? w.mpint(value) : w.string(value)).bytes();
};

function curve25519(name: string): KexMethod {
  return {
    name,
    hash: sha256,
    start(fixed) {
      const secretKey = fixed?.slice() ?? x25519.utils.randomSecretKey();
      const publicKey = x25519.getPublicKey(secretKey);
      return {
        initPayload: init(publicKey, false),
        serverValueIsMpint: false,
        finish(qs) {
          if (qs.length !== 32) throw new SshProtocolError(`curve25519: the server's public key has ${qs.length} bytes, not 32`);
          let shared: Uint8Array;
          try {
            shared = x25519.getSharedSecret(secretKey, qs);
          } catch (e) {
            throw new SshProtocolError('curve25519: invalid server public key', {}, { cause: e });
          } finally {
            secretKey.fill(0);
          }
          // RFC 8731 §3: an all-zero shared secret (a low-order point) must abort.
          if (shared.every((b) => b === 0)) throw new SshProtocolError('curve25519: all-zero shared secret');
          return { secret: shared, clientField: string(publicKey), serverField: string(qs) };
        },
      };
    },
  };
}

function ecdh(name: string, curve: typeof p256, hash: Hash): KexMethod {
  return {
    name,
    hash,
    start(fixed) {
      const secretKey = fixed?.slice() ?? curve.utils.randomSecretKey();
      const publicKey = curve.getPublicKey(secretKey, false);
      return {
        initPayload: init(publicKey, false),
        serverValueIsMpint: false,
        finish(qs) {
          let point: Uint8Array;
          try {
            // Validates that Q_S is on the curve (RFC 5656 §4).
            point = curve.getSharedSecret(secretKey, qs, true);
          } catch (e) {
            throw new SshProtocolError(`${name}: invalid server public key`, {}, { cause: e });
          } finally {
            secretKey.fill(0);
          }
          return { secret: point.subarray(1), clientField: string(publicKey), serverField: string(qs) };
        },
      };
    },
  };
}

/** RFC 3526 MODP group 14 (2048-bit), generator 2. */
export const MODP14 = BigInt(
  '0x' +
  'ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74' +
  '020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f1437' +
  '4fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed' +
  'ee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf05' +
  '98da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb' +
  '9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3b' +
  'e39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf695581718' +
  '3995497cea956ae515d2261898fa051015728e5a8aacaa68ffffffffffffffff'
);

/** RFC 3526 MODP group 16 (4096-bit), generator 2. */
export const MODP16 = BigInt(
  '0x' +
  'ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74' +
  '020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f1437' +
  '4fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed' +
  'ee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf05' +
  '98da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb' +
  '9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3b' +
  'e39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf695581718' +
  '3995497cea956ae515d2261898fa051015728e5a8aaac42dad33170d04507a33' +
  'a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7' +
  'abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864' +
  'd87602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e2' +
  '08e24fa074e5ab3143db5bfce0fd108e4b82d120a92108011a723c12a787e6d7' +
  '88719a10bdba5b2699c327186af4e23c1a946834b6150bda2583e9ca2ad44ce8' +
  'dbbbc2db04de8ef92e8efc141fbecaa6287c59474e6bc05d99b2964fa090c3a2' +
  '233ba186515be7ed1f612970cee2d7afb81bdd762170481cd0069127d5b05aa9' +
  '93b4ea988d8fddc186ffb7dc90a6c08f4df435c934063199ffffffffffffffff'
);

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    e >>= 1n;
    b = (b * b) % modulus;
  }
  return result;
}

function dhGroup(name: string, p: bigint, hash: Hash): KexMethod {
  const size = (p.toString(16).length + 1) >> 1;
  return {
    name,
    hash,
    start(fixed) {
      // A 512-bit exponent: twice the strength of the strongest cipher key (RFC 8268 §4).
      const x = bytesToBigint(fixed ?? crypto.getRandomValues(new Uint8Array(64))) | 1n;
      const e = modPow(2n, x, p);
      const eBytes = bigintToBytes(e);
      return {
        initPayload: init(eBytes, true),
        serverValueIsMpint: true,
        finish(fBytes) {
          const f = bytesToBigint(fBytes);
          // RFC 4253 §8: 1 < f < p-1.
          if (f <= 1n || f >= p - 1n) throw new SshProtocolError(`${name}: the server's value is out of range`);
          const k = modPow(f, x, p);
          return { secret: bigintToBytes(k, size).subarray(0), clientField: mpint(eBytes), serverField: mpint(fBytes) };
        },
      };
    },
  };
}

const METHODS: readonly KexMethod[] = [
  curve25519('curve25519-sha256'),
  curve25519('curve25519-sha256@libssh.org'),
  ecdh('ecdh-sha2-nistp256', p256, sha256),
  ecdh('ecdh-sha2-nistp384', p384 as unknown as typeof p256, sha384),
  ecdh('ecdh-sha2-nistp521', p521 as unknown as typeof p256, sha512),
  dhGroup('diffie-hellman-group16-sha512', MODP16, sha512),
  dhGroup('diffie-hellman-group14-sha256', MODP14, sha256),
];

/** Best first. */
export function supportedKex(): string[] {
  return METHODS.map((m) => m.name);
}

export function kexMethod(name: string): KexMethod {
  const m = METHODS.find((x) => x.name === name);
  if (!m) throw new RangeError(`unknown key exchange ${name}`);
  return m;
}
