// The client address of a request, as per-address limits count it: the socket's remote address
// (@hono/node-server passes the Node request as `incoming`), or 'unknown' when there is none.

import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

export const requestAddress = (c: Context): string =>
  (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket.remoteAddress ?? 'unknown';
