// Named versions of a document: list, create (at the current or a given seq), rename, delete.

import { type DocumentStore, type NamedVersion, resolveSeq } from '@tandem/persistence';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { type Authenticate, authorizeDoc } from '../auth/authenticate.js';
import { TandemError } from '../errors.js';
import { apiApp } from './api-app.js';
import { docParam } from './doc-param.js';
import { fromPersistence, requireEditor } from './history.routes.js';
import { createNamed, deleteNamed, listNamed, renameNamed } from './named-versions.schemas.js';
import { trashedError } from '../sync/room.js';
import type { DocumentEvents } from '../webhooks/outbox.js';
import { requestAuthor } from './request-author.js';

export interface NamedVersionDeps {
  readonly store: DocumentStore;
  readonly authenticate: Authenticate;
  readonly documentEvents: DocumentEvents;
}

/**
 * Named versions one document keeps at most. The list is read whole (the history panel asks for it each
 * time it opens, viewers too): 200 000 versions made by a script held the server's thread 2.2 s per
 * read (found by a review). People name a few versions of a document, not thousands.
 */
export const MAX_NAMED_VERSIONS = 1_000;

const json = (v: NamedVersion) => ({ ...v, createdAt: new Date(v.createdAt).toISOString() });

export function namedVersionRoutes({ store, authenticate, documentEvents }: NamedVersionDeps): OpenAPIHono {
  const app = apiApp();
  const access = async (c: Context, write: boolean) => {
    const doc = docParam(c);
    const principal = await authenticate(c);
    await authorizeDoc(principal, doc, store);
    if (write) requireEditor(principal, 'change named versions');
    const info = await store.getDocument(doc);
    if (info === undefined) throw new TandemError('not-found', `No document named ${JSON.stringify(doc)}`, { doc });
    // As every other route of a document: 410 while it is in the trash.
    if ((await store.inTrash(doc)) !== undefined) throw trashedError(doc);
    return { doc, principal, info };
  };
  app.openapi(listNamed, async (c) => {
    const { doc } = await access(c, false);
    return c.json({ doc, versions: (await store.listVersions(doc)).map(json) });
  });
  app.openapi(createNamed, async (c) => {
    const { doc, principal, info } = await access(c, true);
    const body = c.req.valid('json');
    if (body.seq !== undefined && body.seq > info.lastSeq) throw new TandemError('bad-request', `seq must be at most ${info.lastSeq} (the latest), not ${body.seq}`);
    // Counted before the write: requests at once may pass it by as many (each costs a request).
    if ((await store.listVersions(doc)).length >= MAX_NAMED_VERSIONS) {
      throw new TandemError('conflict', `${JSON.stringify(doc)} has ${MAX_NAMED_VERSIONS} named versions, the most a document keeps: delete one first`, { doc });
    }
    // A seq compaction merged away names the merged update that holds it (the response says which).
    const seq = body.seq === undefined ? info.lastSeq : await resolveSeq(store, doc, { seq: body.seq }).catch(fromPersistence);
    const version = await store
      .createVersion(doc, { label: body.label, seq, author: requestAuthor(c, principal, 'local'), createdAt: Date.now() })
      .catch(fromPersistence);
    documentEvents.versionNamed(doc, version);
    return c.json(json(version), 201);
  });
  app.openapi(renameNamed, async (c) => {
    const { doc } = await access(c, true);
    const renamed = await store.renameVersion(doc, c.req.valid('param').id, c.req.valid('json').label);
    if (renamed === undefined) throw new TandemError('not-found', `No named version ${c.req.param('id')} of ${JSON.stringify(doc)}`);
    return c.json(json(renamed));
  });
  app.openapi(deleteNamed, async (c) => {
    const { doc } = await access(c, true);
    if (!(await store.deleteVersion(doc, c.req.valid('param').id))) throw new TandemError('not-found', `No named version ${c.req.param('id')} of ${JSON.stringify(doc)}`);
    return c.body(null, 204);
  });
  return app;
}
