// Keeps other websites out: a browser request may write (API POST/PATCH/PUT/DELETE, WebSocket
// upgrade) only from the server's own origin or ALLOWED_ORIGINS; writes must be JSON (so no form or
// text/plain request can skip the CORS preflight); and a server bound to loopback, or given
// ALLOWED_ORIGINS, answers only to loopback names and literals and the hosts of ALLOWED_ORIGINS (so a
// DNS-rebinding page, whose Host and Origin both name the attacker's domain, cannot even read).
// Clients without an Origin header are not browsers, and pass.

import type { MiddlewareHandler } from 'hono';
import { TandemError } from '../errors.js';
import { isLoopbackAddress } from '../ip-address.js';

export interface SameOriginOptions {
  /** The interface the server binds (config HOST). */
  readonly host: string;
  /** Origins allowed besides the server's own (config ALLOWED_ORIGINS). */
  readonly allowedOrigins: readonly string[];
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Bodies a write may have: JSON, and the document API's Markdown, HTML and Yjs bytes. None of them is a type
 * a browser sends cross-site without a CORS preflight (form encodings, text/plain), which is the point.
 */
const WRITE_TYPES = new Set(['application/json', 'text/markdown', 'text/html', 'application/octet-stream']);

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

/** 0.0.0.0 or :: (any spelling): every interface, not a name the server answers to. */
const UNSPECIFIED = /^(0\.0\.0\.0|[0:]+)$/;

export function sameOrigin({ host, allowedOrigins }: SameOriginOptions): MiddlewareHandler {
  const allowed = new Set(allowedOrigins.map((o) => new URL(o).origin));
  const bound = host.toLowerCase();
  const loopback = bound === 'localhost' || isLoopbackAddress(bound);
  // Bound to every interface without ALLOWED_ORIGINS, the server cannot know its public names and
  // answers to any Host (the README tells operators who expose it to set ALLOWED_ORIGINS). Behind a
  // reverse proxy that passes the public Host on, ALLOWED_ORIGINS names that host too.
  const checkHost = loopback || allowed.size > 0;
  const hostNames = new Set(['localhost', ...[...allowed].map((o) => new URL(o).hostname)]);
  if (!UNSPECIFIED.test(bound)) hostNames.add(bracketed(bound));
  const answersTo = (name: string) => hostNames.has(name) || isLoopbackAddress(name);
  return async function sameOriginCheck(c, next) {
    const hostHeader = c.req.header('host');
    if (checkHost && hostHeader !== undefined) {
      const name = hostName(hostHeader);
      if (name === undefined || !answersTo(name)) {
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
      if (type === undefined || !WRITE_TYPES.has(type)) {
        throw new TandemError('unsupported-media-type', `Send JSON (Content-Type: application/json), not ${JSON.stringify(type ?? 'no content type')}`);
      }
    }
    return next();
  };
}

const hasBody = (headers: Headers) => headers.has('transfer-encoding') || Number(headers.get('content-length') ?? '0') > 0;
