// Serves the built editor: its static files, and index.html for the app's own routes (/, /d/<doc>),
// all under BASE_PATH; the page's <base> names it, and the editor builds every address from there.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { DocumentStore } from '@tandem/persistence';
import { docNameProblem } from '@tandem/schema/doc-name';
import { Hono } from 'hono';
import { editorPolicy } from './security-headers.js';

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Tandem</title>
<p>The Tandem sync server is running, but the editor is not built. Run <code>npm start</code> from the repository root.</p>`;

/** The built page's <base> (apps/editor/index.html), replaced by the base path the server runs under. */
const BASE_TAG = '<base href="/" />';

/** The new name of a renamed document opened by its old link (/d/<old name>), if it is one. */
async function renamedTo(store: Pick<DocumentStore, 'resolveRedirect'>, encoded: string): Promise<string | undefined> {
  let name: string;
  try {
    name = decodeURIComponent(encoded);
  } catch {
    return undefined; // the page says what is wrong with the name
  }
  return docNameProblem(name) === undefined ? store.resolveRedirect(name) : undefined;
}

/**
 * `store`: with it, an old name's page leads to the document's new name (302). Only with sign-in off: the
 * page's request carries no token (the editor sends it with its API calls and WebSocket), and the new name
 * may say more than the old one; with sign-in on, the page opens under the old name and the editor is told
 * the new name (WebSocket 4430) if its token opens it.
 */
export function editorRoutes(editorDir: string, basePath = '', store?: Pick<DocumentStore, 'resolveRedirect'>): Hono {
  const app = new Hono();
  const indexFile = path.join(editorDir, 'index.html');
  const index = async (): Promise<string> =>
    existsSync(indexFile) ? (await readFile(indexFile, 'utf8')).replace(BASE_TAG, `<base href="${basePath}/" />`) : NOT_BUILT;
  // On every file, not only the pages: the policy sent with sw.js is the one the service worker runs under.
  app.use('/*', async (c, next) => {
    await next();
    if (!c.res.ok) return; // not one of the editor's files (an unknown path falls through to the 404)
    c.header('content-security-policy', editorPolicy(c.req.header('host')));
    c.header('cross-origin-opener-policy', 'same-origin');
  });
  // The app's pages: the base path itself (with its slash: relative addresses resolve from there) and /d/<doc>.
  app.get('/*', async (c, next) => {
    const own = c.req.path.slice(basePath.length);
    if (own === '' && basePath !== '') return c.redirect(`${basePath}/`, 301);
    if (own.startsWith('/d/') && store !== undefined) {
      // An old link of a renamed document: the page opens under the new name (302: the name may be taken back).
      const to = await renamedTo(store, new URL(c.req.url).pathname.slice(`${basePath}/d/`.length));
      if (to !== undefined) return c.redirect(`${basePath}/d/${encodeURIComponent(to)}`, 302);
    }
    if (own === '/' || own === '/index.html' || own.startsWith('/d/')) return c.html(await index());
    return next();
  });
  if (existsSync(editorDir)) app.use('/*', serveStatic({ root: editorDir, rewriteRequestPath: (p) => p.slice(basePath.length) }));
  return app;
}
