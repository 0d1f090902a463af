// Which algorithms we offer, best first, and the dev-tunnels-ssh configuration built from them.
// Not offered at all: chacha20-poly1305 and any CBC cipher (so the Terrapin-affected combinations
// chacha20-poly1305 and CBC+EtM can never be negotiated, on top of strict kex), SHA-1 anything.
import { Encryption, KeyExchangeAlgorithm, SshAlgorithms, SshSessionConfiguration, type KeyExchange, type PublicKeyAlgorithm } from '@microsoft/dev-tunnels-ssh';
import { Curve25519Sha256 } from './algorithms/curve25519-kex.ts';
import { Ed25519Algorithm } from './algorithms/ed25519-host-key.ts';
import { AesCtr } from './algorithms/aes-ctr.ts';
import { WasmHmac } from './algorithms/wasm-hmac.ts';
import { DelegatingPublicKeyAlgorithm, type HostKeyGuard } from './algorithms/user-key-algorithm.ts';
import { USERAUTH_BANNER, UserAuthBannerMessage } from './banner-message.ts';
import { enableStrictKex, STRICT_KEX_CLIENT, type StrictKexState } from './strict-kex.ts';

/** Algorithm names a caller may restrict to (e.g. a profile that wants only aes*-ctr). */
export interface AlgorithmPreferences {
  kex?: string[];
  hostKeys?: string[];
  ciphers?: string[];
  macs?: string[];
}

/** A name in our KEXINIT that is a signal, never a real algorithm (the server cannot pick it). */
class SignalOnly extends KeyExchangeAlgorithm {
  constructor(name: string) {
    super(name, 0, 'SHA2-256', 32);
  }
  createKeyExchange(): KeyExchange {
    throw new Error(`${this.name} is a signal, not a key exchange`);
  }
}

const A = SshAlgorithms;

export function supportedKex(): KeyExchangeAlgorithm[] {
  return [
    new Curve25519Sha256('curve25519-sha256'),
    new Curve25519Sha256('curve25519-sha256@libssh.org'),
    A.keyExchange.ecdhNistp256Sha256!,
    A.keyExchange.ecdhNistp384Sha384!,
    A.keyExchange.ecdhNistp521Sha512!,
    A.keyExchange.dhGroup16Sha512!,
    A.keyExchange.dhGroup14Sha256!,
  ];
}

export function supportedHostKeys(guard: HostKeyGuard = { blob: null }): PublicKeyAlgorithm[] {
  return [
    new Ed25519Algorithm(),
    A.publicKey.ecdsaSha2Nistp256!,
    A.publicKey.ecdsaSha2Nistp384!,
    A.publicKey.ecdsaSha2Nistp521!,
    A.publicKey.rsaWithSha512!,
    A.publicKey.rsaWithSha256!,
  ].map((a) => new DelegatingPublicKeyAlgorithm(a, guard));
}

/**
 * The library's own test for "browser or worker" (it then uses WebCrypto, else Node's crypto).
 * In Node its synchronous Node-crypto ciphers and MACs are the fastest choice; in the browser our
 * batched AES-CTR and WebAssembly HMAC avoid one async WebCrypto round trip per packet.
 */
const inBrowser = typeof self === 'object' && typeof crypto === 'object' && !!crypto.subtle;

export function supportedCiphers() {
  // GCM first: one WebCrypto call per packet does both encryption and integrity.
  const ctr = (bytes: 16 | 24 | 32) => (inBrowser ? new AesCtr(bytes) : new Encryption(`aes${bytes * 8}-ctr`, 'AES', 'CTR', bytes * 8));
  return [new Encryption('aes128-gcm@openssh.com', 'AES', 'GCM', 128), A.encryption.aes256Gcm!, ctr(16), ctr(32), ctr(24)];
}

export function supportedMacs() {
  if (!inBrowser) return [A.hmac.hmacSha256Etm!, A.hmac.hmacSha512Etm!, A.hmac.hmacSha256!, A.hmac.hmacSha512!];
  return [
    new WasmHmac('hmac-sha2-256-etm@openssh.com', 256, true),
    new WasmHmac('hmac-sha2-512-etm@openssh.com', 512, true),
    new WasmHmac('hmac-sha2-256', 256, false),
    new WasmHmac('hmac-sha2-512', 512, false),
  ];
}

function pick<T extends { name: string }>(all: T[], wanted: string[] | undefined): T[] {
  if (!wanted) return all;
  const chosen = wanted.map((n) => all.find((a) => a.name === n)).filter((a): a is T => !!a);
  if (chosen.length === 0) throw new Error(`none of ${wanted.join(', ')} is supported`);
  return chosen;
}

export interface SessionConfig {
  config: SshSessionConfiguration;
  strictKex: StrictKexState;
}

/**
 * `userKeyAlgorithms` (the user key's algorithms, best first) are moved ahead of others of the
 * same key type: the library signs with the first listed algorithm of the key's type.
 */
export function buildSessionConfig(prefs: AlgorithmPreferences = {}, userKeyAlgorithms: readonly string[] = []): SessionConfig {
  const config = new SshSessionConfiguration();
  const all = supportedHostKeys();
  const hostKeys = pick(all, prefs.hostKeys);
  // One list serves host keys and user keys in the library: a host-key restriction must not
  // lose the user key's signature algorithms (offering to verify them as host keys is harmless).
  for (const name of userKeyAlgorithms) {
    const alg = all.find((a) => a.name === name);
    if (alg && !hostKeys.includes(alg)) hostKeys.push(alg);
  }
  const rank = (name: string) => {
    const i = userKeyAlgorithms.indexOf(name);
    return i < 0 ? userKeyAlgorithms.length : i;
  };
  hostKeys.sort((a, b) => (a.keyAlgorithmName === b.keyAlgorithmName ? rank(a.name) - rank(b.name) : 0));
  replace(config.keyExchangeAlgorithms, [...pick(supportedKex(), prefs.kex), new SignalOnly(STRICT_KEX_CLIENT)]);
  replace(config.publicKeyAlgorithms, hostKeys);
  replace(config.encryptionAlgorithms, pick(supportedCiphers(), prefs.ciphers));
  replace(config.hmacAlgorithms, pick(supportedMacs(), prefs.macs));
  replace(config.authenticationMethods, ['publickey', 'password', 'keyboard-interactive'] as typeof config.authenticationMethods);
  config.messages.set(USERAUTH_BANNER, UserAuthBannerMessage);
  // The library's reconnect/latency extensions are Microsoft-only; keep the session plain SSH.
  replace(config.protocolExtensions, config.protocolExtensions.filter((x) => x === 'server-sig-algs'));
  return { config, strictKex: enableStrictKex(config) };
}

function replace<T>(list: T[], items: T[]): void {
  list.splice(0, list.length, ...items);
}

/** Names only, for messages ("we offer ..."), without signals such as the strict-kex marker. */
export function offeredNames(config: SshSessionConfiguration) {
  const names = (l: ({ name: string } | null)[]) => l.filter((a): a is { name: string } => !!a && !(a instanceof SignalOnly)).map((a) => a.name);
  return {
    kex: names(config.keyExchangeAlgorithms),
    hostKeys: names(config.publicKeyAlgorithms),
    ciphers: names(config.encryptionAlgorithms),
    macs: names(config.hmacAlgorithms),
  };
}
