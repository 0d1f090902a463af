// The client's address for limits and logs. X-Forwarded-For is honoured only when the operator
// says a proxy is in front (trustProxy), and then only the hops that proxy appended: anything
// further left was written by the client and could be forged.
import type { IncomingMessage } from 'node:http';

function normalise(address: string): string {
  const a = address.trim();
  // IPv4 clients on a dual-stack socket appear as ::ffff:a.b.c.d.
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

export function clientAddress(req: IncomingMessage, trustProxy: boolean | number): string {
  const peer = normalise(req.socket.remoteAddress ?? 'unknown');
  const hops = trustProxy === true ? 1 : trustProxy === false ? 0 : trustProxy;
  if (hops === 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const list = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((s) => s.trim()).filter(Boolean);
  // With N trusted proxies, the Nth entry from the right is the address the outermost one saw.
  const chosen = list[list.length - hops];
  return chosen ? normalise(chosen) : peer;
}
