// Named versions of a document: list, create (at the current or a given seq), rename, delete.

import { type DocumentStore, type NamedVersion, resolveSeq } from '@tandem/persistence';
import { type Context, Hono } from 'hono';
import { type Authenticate, authorizeDoc } from '../auth/authenticate.js';
import { TandemError } from '../errors.js';
import { docParam } from './doc-param.js';
import { fromPersistence, requireEditor } from './history.routes.js';
import { intField, intParam } from './params.js';
import type { DocumentEvents } from '../webhooks/outbox.js';

export interface NamedVersionDeps {
  readonly store: DocumentStore;
  readonly authenticate: Authenticate;
  readonly documentEvents: DocumentEvents;
}

const MAX_LABEL = 200;

const json = (v: NamedVersion) => ({ ...v, createdAt: new Date(v.createdAt).toISOString() });

function labelFrom(body: { label?: unknown }): string {
  const label = typeof body.label === 'string' ? body.label.trim() : '';
  if (label === '' || label.length > MAX_LABEL) throw new TandemError('bad-request', `label must be 1 to ${MAX_LABEL} characters`);
  return label;
}

export function namedVersionRoutes({ store, authenticate, documentEvents }: NamedVersionDeps): Hono {
  const app = new Hono();
  const access = async (c: Context, write: boolean) => {
    const doc = docParam(c);
    const principal = await authenticate(c);
    authorizeDoc(principal, doc);
    if (write) requireEditor(principal, 'change named versions');
    const info = await store.getDocument(doc);
    if (info === undefined) throw new TandemError('not-found', `No document named ${JSON.stringify(doc)}`, { doc });
    return { doc, principal, info };
  };
  const id = (c: Context) => intParam(c.req.param('id'), 'Version id');

  app.get('/:doc/named-versions', async (c) => {
    const { doc } = await access(c, false);
    return c.json({ doc, versions: (await store.listVersions(doc)).map(json) });
  });
  app.post('/:doc/named-versions', async (c) => {
    const { doc, principal, info } = await access(c, true);
    const body = (await c.req.json().catch(() => ({}))) as { label?: unknown; seq?: unknown };
    // A seq compaction merged away names the merged update that holds it (the response says which).
    const seq = body.seq === undefined ? info.lastSeq : await resolveSeq(store, doc, { seq: intField(body.seq, 'seq', { max: info.lastSeq }) }).catch(fromPersistence);
    const version = await store
      .createVersion(doc, { label: labelFrom(body), seq, author: principal.userId, createdAt: Date.now() })
      .catch(fromPersistence);
    documentEvents.versionNamed(doc, version);
    return c.json(json(version), 201);
  });
  app.patch('/:doc/named-versions/:id', async (c) => {
    const { doc } = await access(c, true);
    const renamed = await store.renameVersion(doc, id(c), labelFrom((await c.req.json().catch(() => ({}))) as { label?: unknown }));
    if (renamed === undefined) throw new TandemError('not-found', `No named version ${c.req.param('id')} of ${JSON.stringify(doc)}`);
    return c.json(json(renamed));
  });
  app.delete('/:doc/named-versions/:id', async (c) => {
    const { doc } = await access(c, true);
    if (!(await store.deleteVersion(doc, id(c)))) throw new TandemError('not-found', `No named version ${c.req.param('id')} of ${JSON.stringify(doc)}`);
    return c.body(null, 204);
  });
  return app;
}
