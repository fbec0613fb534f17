// The documents API: list every stored document and describe one.

import { type DocumentInfo, type DocumentStore, logGrowth } from '@tandem/persistence';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { type Authenticate, authorizeDoc } from '../auth/authenticate.js';
import { mayOpen } from '../auth/token.js';
import { TandemError } from '../errors.js';
import { trashedError } from '../sync/room.js';
import type { RoomRegistry } from '../sync/rooms.js';
import { apiApp } from './api-app.js';
import { docParam } from './doc-param.js';
import { getDocument, listDocuments } from './docs.schemas.js';

export interface DocsDeps {
  readonly store: DocumentStore;
  readonly rooms: RoomRegistry;
  readonly authenticate: Authenticate;
}

// With authentication on, a token sees only the documents it may open.
export function docsRoutes({ store, rooms, authenticate }: DocsDeps): OpenAPIHono {
  const app = apiApp();
  const describe = (info: DocumentInfo) => {
    const room = rooms.loaded(info.name);
    return {
      name: info.name,
      updateCount: info.updateCount,
      lastSeq: info.lastSeq,
      sizeBytes: info.sizeBytes,
      createdAt: new Date(info.createdAt).toISOString(),
      lastChangeAt: new Date(info.lastChangeAt).toISOString(),
      connections: room?.connections.size ?? 0,
    };
  };
  app.openapi(listDocuments, async (c) => {
    const principal = await authenticate(c);
    const trashed = new Set((await store.listTrash()).map((e) => e.doc));
    const docs = (await store.listDocuments()).filter((d) => mayOpen(principal, d.name) && !trashed.has(d.name));
    return c.json({ documents: docs.map(describe) });
  });
  app.openapi(getDocument, async (c) => {
    const name = docParam(c);
    authorizeDoc(await authenticate(c), name);
    const info = await store.getDocument(name);
    if (info === undefined) throw new TandemError('not-found', `No document named ${JSON.stringify(name)}`, { doc: name });
    if ((await store.inTrash(name)) !== undefined) throw trashedError(name);
    // How fast the log grows: what the retention policy (HISTORY_KEEP_ALL) would have to keep up with.
    const growth = await logGrowth(store, name);
    return c.json({ ...describe(info), logUpdatesPerDay: growth.updatesPerDay, logBytesPerDay: growth.bytesPerDay });
  });
  return app;
}
