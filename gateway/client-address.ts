// The client's address for allow-lists, limits and logs, and the signed-in user a proxy names.
// X-Forwarded-For is honoured only when the operator says a proxy is in front (trustProxy), only
// from the proxies' own addresses when those are listed (trustedProxies), and then only the hops
// those proxies appended: anything further left was written by the client and could be forged.
// The identity header counts only when it comes from a listed proxy: from anyone else it is a
// claim the client made about itself.
import type { IncomingMessage } from 'node:http';
import type { AddressList } from './address-list.ts';

function normalise(address: string): string {
  const a = address.trim();
  // IPv4 clients on a dual-stack socket appear as ::ffff:a.b.c.d.
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/** The address of the TCP peer itself (a proxy, when one is in front). */
export function peerAddress(req: IncomingMessage): string {
  return normalise(req.socket.remoteAddress ?? 'unknown');
}

export function clientAddress(req: IncomingMessage, trustProxy: boolean | number, trustedProxies?: AddressList): string {
  const peer = peerAddress(req);
  const hops = trustProxy === true ? 1 : trustProxy === false ? 0 : trustProxy;
  if (hops === 0) return peer;
  if (trustedProxies && !trustedProxies.empty && !trustedProxies.contains(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const list = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((s) => s.trim()).filter(Boolean);
  // With N trusted proxies, the Nth entry from the right is the address the outermost one saw.
  const chosen = list[list.length - hops];
  return chosen ? normalise(chosen) : peer;
}

const IDENTITY_MAX = 256;

/**
 * The user a trusted proxy signed in, or undefined: no header configured, the peer is no listed
 * proxy, or the value is empty, too long or holds control characters.
 */
export function proxyIdentity(req: IncomingMessage, header: string | undefined, trustedProxies: AddressList): string | undefined {
  if (!header || !trustedProxies.contains(peerAddress(req))) return undefined;
  const raw = req.headers[header.toLowerCase()];
  const value = (Array.isArray(raw) ? raw.join(', ') : (raw ?? '')).trim();
  // eslint-disable-next-line no-control-regex
  if (value === '' || value.length > IDENTITY_MAX || /[\u0000-\u001f\u007f]/.test(value)) return undefined;
  return value;
}

/** Whether a request came through some proxy (a forwarding header is present). */
export function isForwarded(req: IncomingMessage): boolean {
  return req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined || req.headers['x-real-ip'] !== undefined;
}
