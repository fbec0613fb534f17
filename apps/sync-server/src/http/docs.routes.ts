// The documents API: list the documents a reader may open, a page at a time (searched, sorted), and
// describe one.

import { type DocumentInfo, type DocumentStore, type ListedDocument, logGrowth } from '@tandem/persistence';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { type Authenticate, authorizeDoc, listScope } from '../auth/authenticate.js';
import { describeAuthors } from '../authors/author-lookup.js';
import type { AuthorsWritten } from '../authors/recorder.js';
import { TandemError } from '../errors.js';
import { trashedError } from '../sync/room.js';
import type { RoomRegistry } from '../sync/rooms.js';
import { apiApp } from './api-app.js';
import { docParam } from './doc-param.js';
import { docListQuery, encodeCursor } from './doc-list-query.js';
import { getDocument, listDocuments } from './docs.schemas.js';

export interface DocsDeps {
  readonly store: DocumentStore;
  readonly rooms: RoomRegistry;
  readonly authenticate: Authenticate;
  /** Writes the sightings of these authors still held in memory (see authors/recorder.ts). */
  readonly authorsWritten?: AuthorsWritten;
}

// With authentication on, a token sees only the documents it may open.
export function docsRoutes({ store, rooms, authenticate, authorsWritten }: DocsDeps): OpenAPIHono {
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
  // One page, newest change first by default (?sort=name for by name), ?q= searching names, and
  // nextCursor for the page after; the token's documents are chosen inside the store's query, so a page
  // is full whenever more of them match.
  app.openapi(listDocuments, async (c) => {
    const principal = await authenticate(c);
    const query = docListQuery(c.req.valid('query'));
    const page = await store.listDocumentPage({ ...query, scope: await listScope(principal, store) });
    const ids = [...new Set(page.documents.flatMap((d) => (d.lastAuthor === null ? [] : [d.lastAuthor])))];
    // Someone who just edited: their first sighting may still wait for the recorder's next write.
    await authorsWritten?.(ids);
    const authors = await describeAuthors(store, ids);
    const lastAuthor = ({ lastAuthor: id }: ListedDocument) => (id === null ? null : { id, ...authors[id]! });
    return c.json({
      documents: page.documents.map((d) => ({ ...describe(d), lastAuthor: lastAuthor(d) })),
      nextCursor: page.next === null ? null : encodeCursor(query.sort, page.next),
    });
  });
  app.openapi(getDocument, async (c) => {
    const name = docParam(c);
    await authorizeDoc(await authenticate(c), name, store);
    const info = await store.getDocument(name);
    if (info === undefined) throw new TandemError('not-found', `No document named ${JSON.stringify(name)}`, { doc: name });
    if ((await store.inTrash(name)) !== undefined) throw trashedError(name);
    // How fast the log grows: what the retention policy (HISTORY_KEEP_ALL) would have to keep up with.
    const growth = await logGrowth(store, name);
    return c.json({ ...describe(info), logUpdatesPerDay: growth.updatesPerDay, logBytesPerDay: growth.bytesPerDay });
  });
  return app;
}
