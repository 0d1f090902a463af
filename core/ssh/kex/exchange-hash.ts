// The exchange hash H (RFC 4253 §8, RFC 5656 §4) and the keys derived from it (RFC 4253 §7.2).
import { SshWriter } from '../wire.ts';
import type { Hash, KexResult } from './kex-method.ts';

export interface ExchangeHashInput {
  clientVersion: string;
  serverVersion: string;
  clientKexInit: Uint8Array;
  serverKexInit: Uint8Array;
  hostKeyBlob: Uint8Array;
  result: KexResult;
}

export function exchangeHash(hash: Hash, i: ExchangeHashInput): Uint8Array {
  const w = new SshWriter(2048)
    .string(i.clientVersion)
    .string(i.serverVersion)
    .string(i.clientKexInit)
    .string(i.serverKexInit)
    .string(i.hostKeyBlob)
    .raw(i.result.clientField)
    .raw(i.result.serverField)
    .mpint(i.result.secret);
  return hash(w.bytes());
}

/**
 * Key material for one letter (A: IV c→s, B: IV s→c, C: key c→s, D: key s→c, E: MAC key c→s,
 * F: MAC key s→c): HASH(K || H || letter || session_id), extended by HASH(K || H || K1 || …).
 */
export function deriveKey(hash: Hash, secret: Uint8Array, h: Uint8Array, sessionId: Uint8Array, letter: 'A' | 'B' | 'C' | 'D' | 'E' | 'F', length: number): Uint8Array {
  const k = new SshWriter(secret.length + 8).mpint(secret).bytes().slice();
  const first = hash(new SshWriter(k.length + h.length + 1 + sessionId.length).raw(k).raw(h).byte(letter.charCodeAt(0)).raw(sessionId).bytes());
  const parts = [first];
  let have = first.length;
  while (have < length) {
    const w = new SshWriter(k.length + h.length + have).raw(k).raw(h);
    for (const p of parts) w.raw(p);
    const more = hash(w.bytes());
    parts.push(more);
    have += more.length;
  }
  const out = new Uint8Array(length);
  let o = 0;
  for (const p of parts) {
    out.set(p.subarray(0, Math.min(p.length, length - o)), o);
    o += p.length;
    if (o >= length) break;
  }
  return out;
}
