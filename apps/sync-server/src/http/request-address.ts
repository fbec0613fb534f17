// The client address of a request, as per-address limits and logs count it. By default the socket's
// remote address (@hono/node-server passes the Node request as `incoming`), or 'unknown' when there is
// none. Behind proxies named in TRUST_PROXY, the address those proxies saw: X-Forwarded-For is read
// from the right (each proxy appends the address it was reached from) past every trusted hop, so a
// client cannot choose its own address by sending the header itself.

import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { type AddressRange, inRange } from '../ip-address.js';

const forwarded = new WeakMap<Request, string>();

const socketAddress = (c: Context): string =>
  (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket.remoteAddress ?? 'unknown';

/** The client's address for this request (see clientAddresses for proxies). */
export const requestAddress = (c: Context): string => forwarded.get(c.req.raw) ?? socketAddress(c);

/**
 * The address a chain of proxies reports: `socket` (the last hop), then the X-Forwarded-For entries
 * from the right; the first that is not a trusted proxy is the client. When every hop is trusted,
 * the leftmost one. Nothing trusted: the socket's address, whatever the header says.
 */
export function clientAddress(socket: string, forwardedFor: string | undefined, trusted: readonly AddressRange[]): string {
  const isTrusted = (address: string) => trusted.some((range) => inRange(address, range));
  if (!isTrusted(socket) || forwardedFor === undefined) return socket;
  const hops = forwardedFor.split(',').map((hop) => hop.trim()).filter((hop) => hop !== '');
  let client = socket;
  for (let i = hops.length - 1; i >= 0; i--) {
    client = hops[i]!;
    if (!isTrusted(client)) return client;
  }
  return client;
}

/** Records each request's client address from its proxies' headers, when the socket is a trusted proxy. */
export function clientAddresses(trusted: readonly AddressRange[]): MiddlewareHandler {
  return async function forwardedAddress(c, next) {
    if (trusted.length > 0) forwarded.set(c.req.raw, clientAddress(socketAddress(c), c.req.header('x-forwarded-for'), trusted));
    return next();
  };
}
