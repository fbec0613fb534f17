// Serves the built editor: its static files, and index.html for the app's own routes (/, /d/<doc>).

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { editorPolicy } from './security-headers.js';

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Tandem</title>
<p>The Tandem sync server is running, but the editor is not built. Run <code>npm start</code> from the repository root.</p>`;

export function editorRoutes(editorDir: string): Hono {
  const app = new Hono();
  const indexFile = path.join(editorDir, 'index.html');
  const index = async (): Promise<string> => (existsSync(indexFile) ? readFile(indexFile, 'utf8') : NOT_BUILT);
  // On every file, not only the pages: the policy sent with sw.js is the one the service worker runs under.
  app.use('/*', async (c, next) => {
    await next();
    if (!c.res.ok) return; // not one of the editor's files (an unknown path falls through to the 404)
    c.header('content-security-policy', editorPolicy(c.req.header('host')));
    c.header('cross-origin-opener-policy', 'same-origin');
  });
  app.get('/', async (c) => c.html(await index()));
  app.get('/d/*', async (c) => c.html(await index()));
  if (existsSync(editorDir)) app.use('/*', serveStatic({ root: editorDir }));
  return app;
}
