// Headers every response carries: no MIME sniffing, no referrer to other sites, no embedding by
// other sites, and a Content-Security-Policy. Routes that serve a page or a download set their own
// CSP (the editor's in editor.routes.ts, exports' in ../history/render.ts); everything else, JSON and
// errors, gets one that allows nothing.

import type { MiddlewareHandler } from 'hono';

const DENY_ALL = "default-src 'none'; frame-ancestors 'none'";

export function securityHeaders(): MiddlewareHandler {
  return async function setSecurityHeaders(c, next) {
    await next();
    const headers = c.res.headers;
    headers.set('x-content-type-options', 'nosniff');
    // Not no-referrer: with it a browser sends `Origin: null` on same-origin POSTs, which same-origin.ts refuses.
    headers.set('referrer-policy', 'same-origin');
    headers.set('cross-origin-resource-policy', 'same-origin');
    if (!headers.has('content-security-policy')) headers.set('content-security-policy', DENY_ALL);
  };
}

/**
 * The editor's policy: its own scripts, styles and worker only, WebSockets to the host it was loaded
 * from, never framed. Images also from any http(s) address, as documents may show them (images by
 * address); an image runs nothing, and the referrer policy keeps the document's address from their hosts. Inline style attributes stay allowed (ProseMirror decorations and
 * y-prosemirror cursors set them); inline script does not (the Vite build has none).
 */
export function editorPolicy(host: string | undefined): string {
  const sockets = host !== undefined && /^[a-z0-9.\-[\]:]+$/i.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: https: http:",
    `connect-src 'self'${sockets}`,
    "worker-src 'self'",
    "object-src 'none'",
    // The page's own <base> (BASE_PATH) only: an injected one pointing elsewhere is refused.
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
