// The API at a renamed document's old name: a read (GET, HEAD) is answered 308 with the same path under
// the new name; anything else is refused with 409 `moved` (and the new address in Location), so that a
// write meant for one name is never applied under another without the caller knowing. PUT of the
// document itself is let through: creating a document takes the old name back (see content.routes.ts).
// The new name is told only to a caller whose token opens the document under both names: it may say more
// than the old one did ("hr/plan" renamed to "hr/layoffs-…").

import { docNameProblem } from '@tandem/schema/doc-name';
import type { MiddlewareHandler } from 'hono';
import { type Authenticate, authorizeDoc, type Redirects } from '../auth/authenticate.js';
import { TandemError } from '../errors.js';
import { movedError } from '../sync/room.js';

export interface RedirectDeps {
  readonly store: Redirects;
  readonly basePath: string;
  readonly authenticate: Authenticate;
}

/** For routes under `<basePath>/api/docs/:doc`. */
export function followRedirects({ store, basePath, authenticate }: RedirectDeps): MiddlewareHandler {
  const prefix = `${basePath}/api/docs/`;
  return async (c, next) => {
    const url = new URL(c.req.url);
    if (!url.pathname.startsWith(prefix)) return next();
    const own = url.pathname.slice(prefix.length);
    const cut = own.indexOf('/');
    const rest = cut === -1 ? '' : own.slice(cut);
    let name: string;
    try {
      name = decodeURIComponent(cut === -1 ? own : own.slice(0, cut));
    } catch {
      return next(); // the route says what is wrong with the name
    }
    if (docNameProblem(name) !== undefined || (c.req.method === 'PUT' && rest === '')) return next();
    const to = await store.resolveRedirect(name);
    if (to === undefined) return next();
    // 401 without a valid token, 403 for one that opens neither name (the route itself would say the same).
    const principal = await authenticate(c);
    await authorizeDoc(principal, name, store);
    await authorizeDoc(principal, to, store).catch(() => {
      throw new TandemError('forbidden', `${JSON.stringify(name)} was renamed, to a name this token does not open`, { doc: name, user: principal.userId });
    });
    const location = `${prefix}${encodeURIComponent(to)}${rest}${url.search}`;
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return c.redirect(location, 308);
    const error = movedError(name, to);
    return c.json(error.toJSON(), 409, { location });
  };
}
