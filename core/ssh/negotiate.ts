// SSH_MSG_KEXINIT (RFC 4253 §7.1): encoding ours, parsing theirs, and choosing the algorithms.
// The rule for every list: the first algorithm on the client's list that the server also lists.
// With an AEAD cipher (AES-GCM, chacha20-poly1305) no MAC is negotiated: the MAC lists are
// ignored for that direction. A failure is a NegotiationError carrying both lists.
import { NegotiationError, SshProtocolError } from './errors.ts';
import { MSG } from './messages.ts';
import { SshReader, SshWriter } from './wire.ts';

export interface KexInit {
  cookie: Uint8Array;
  kex: string[];
  hostKey: string[];
  cipherC2S: string[];
  cipherS2C: string[];
  macC2S: string[];
  macS2C: string[];
  compressionC2S: string[];
  compressionS2C: string[];
  firstKexFollows: boolean;
}

export interface Negotiated {
  kex: string;
  hostKey: string;
  cipherC2S: string;
  cipherS2C: string;
  /** '' when the cipher is AEAD (its tag is the MAC). */
  macC2S: string;
  macS2C: string;
}

/** Names in a kex list that are signals (RFC 8308, OpenSSH PROTOCOL §1.9/1.10), never algorithms. */
export const EXT_INFO_C = 'ext-info-c';
export const STRICT_KEX_C = 'kex-strict-c-v00@openssh.com';
export const STRICT_KEX_S = 'kex-strict-s-v00@openssh.com';
const SIGNAL = /^(ext-info-[cs]|kex-strict-[cs]-v00@openssh\.com)$/;

export function realAlgorithms(names: readonly string[]): string[] {
  return names.filter((n) => !SIGNAL.test(n));
}

export function encodeKexInit(k: KexInit): Uint8Array {
  return new SshWriter(1024)
    .byte(MSG.KEXINIT)
    .raw(k.cookie)
    .nameList(k.kex)
    .nameList(k.hostKey)
    .nameList(k.cipherC2S)
    .nameList(k.cipherS2C)
    .nameList(k.macC2S)
    .nameList(k.macS2C)
    .nameList(k.compressionC2S)
    .nameList(k.compressionS2C)
    .nameList([])
    .nameList([])
    .boolean(k.firstKexFollows)
    .uint32(0)
    .bytes();
}

const fail = (what: string) => new SshProtocolError(`malformed KEXINIT: ${what}`);

export function parseKexInit(payload: Uint8Array): KexInit {
  const r = new SshReader(payload, fail);
  if (r.byte('message type') !== MSG.KEXINIT) throw fail('not a KEXINIT');
  const cookie = r.raw(16, 'cookie');
  const k: KexInit = {
    cookie,
    kex: r.nameList('kex algorithms'),
    hostKey: r.nameList('host key algorithms'),
    cipherC2S: r.nameList('ciphers client to server'),
    cipherS2C: r.nameList('ciphers server to client'),
    macC2S: r.nameList('MACs client to server'),
    macS2C: r.nameList('MACs server to client'),
    compressionC2S: r.nameList('compression client to server'),
    compressionS2C: r.nameList('compression server to client'),
    firstKexFollows: false,
  };
  r.nameList('languages client to server');
  r.nameList('languages server to client');
  k.firstKexFollows = r.boolean('first_kex_packet_follows');
  r.uint32('reserved');
  // Trailing bytes are tolerated: RFC 4253 lets future versions extend the message.
  return k;
}

function first(kind: ConstructorParameters<typeof NegotiationError>[0], ours: readonly string[], theirs: readonly string[]): string {
  const chosen = ours.find((a) => !SIGNAL.test(a) && theirs.includes(a));
  if (chosen === undefined) throw new NegotiationError(kind, realAlgorithms(theirs), realAlgorithms(ours));
  return chosen;
}

/**
 * Chooses the algorithms (RFC 4253 §7.1) for client `ours` and server `theirs`. `isAead`
 * says which ciphers carry their own integrity tag.
 */
export function negotiate(ours: KexInit, theirs: KexInit, isAead: (cipher: string) => boolean): Negotiated {
  const kex = first('kex', ours.kex, theirs.kex);
  const hostKey = first('host-key', ours.hostKey, theirs.hostKey);
  const cipherC2S = first('cipher', ours.cipherC2S, theirs.cipherC2S);
  const cipherS2C = first('cipher', ours.cipherS2C, theirs.cipherS2C);
  const macC2S = isAead(cipherC2S) ? '' : first('mac', ours.macC2S, theirs.macC2S);
  const macS2C = isAead(cipherS2C) ? '' : first('mac', ours.macS2C, theirs.macS2C);
  if (!theirs.compressionC2S.includes('none') || !theirs.compressionS2C.includes('none')) {
    throw new SshProtocolError(`the server requires compression (${theirs.compressionC2S.join(', ')}), which we do not offer`, { server: theirs.compressionC2S });
  }
  return { kex, hostKey, cipherC2S, cipherS2C, macC2S, macS2C };
}
