// Keeps other websites out: a browser request may write (API POST/PATCH/PUT/DELETE, WebSocket
// upgrade) only from the server's own origin or ALLOWED_ORIGINS; writes must be JSON (so no form or
// text/plain request can skip the CORS preflight); and a server bound to loopback answers only to
// loopback host names and those of ALLOWED_ORIGINS (so a DNS-rebinding page cannot even read).
// Clients without an Origin header are not browsers, and pass.

import type { MiddlewareHandler } from 'hono';
import { TandemError } from '../errors.js';

export interface SameOriginOptions {
  /** The interface the server binds (config HOST). */
  readonly host: string;
  /** Origins allowed besides the server's own (config ALLOWED_ORIGINS). */
  readonly allowedOrigins: readonly string[];
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

const bracketed = (host: string) => (host.includes(':') ? `[${host}]` : host);

const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i;

/** The name in a Host header value, lower-cased (`[::1]:80` → `[::1]`); undefined when it is not one. */
const hostName = (value: string) => HOST_HEADER.exec(value)?.[1]!.toLowerCase();

const originHost = (origin: string): string | undefined => {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
};

export function sameOrigin({ host, allowedOrigins }: SameOriginOptions): MiddlewareHandler {
  const allowed = new Set(allowedOrigins.map((o) => new URL(o).origin));
  const loopback = LOOPBACK_NAMES.includes(bracketed(host.toLowerCase()));
  // Behind a reverse proxy that passes the public Host on, ALLOWED_ORIGINS names that host too.
  const hostNames = new Set([...LOOPBACK_NAMES, bracketed(host.toLowerCase()), ...[...allowed].map((o) => new URL(o).hostname)]);
  return async function sameOriginCheck(c, next) {
    const hostHeader = c.req.header('host');
    if (loopback && hostHeader !== undefined) {
      const name = hostName(hostHeader);
      if (name === undefined || !hostNames.has(name)) {
        throw new TandemError('misdirected', `This server does not answer to the host ${JSON.stringify(hostHeader.slice(0, 100))} (see ALLOWED_ORIGINS)`);
      }
    }
    const upgrade = c.req.method === 'GET' && c.req.header('upgrade')?.toLowerCase() === 'websocket';
    if (!upgrade && READS.has(c.req.method)) return next();

    const origin = c.req.header('origin');
    if (origin !== undefined) {
      const own = hostHeader !== undefined && originHost(origin) === hostHeader.toLowerCase();
      if (!own && !allowed.has(origin)) {
        throw new TandemError('forbidden-origin', `Origin ${JSON.stringify(origin.slice(0, 100))} may not write here (see ALLOWED_ORIGINS)`, { origin: origin.slice(0, 100) });
      }
    }
    if (!upgrade && (c.req.method !== 'DELETE' || hasBody(c.req.raw.headers))) {
      const type = c.req.header('content-type')?.split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') {
        throw new TandemError('unsupported-media-type', `Send JSON (Content-Type: application/json), not ${JSON.stringify(type ?? 'no content type')}`);
      }
    }
    return next();
  };
}

const hasBody = (headers: Headers) => headers.has('transfer-encoding') || Number(headers.get('content-length') ?? '0') > 0;
