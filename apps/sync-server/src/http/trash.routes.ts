// Deleting documents: DELETE /api/docs/<doc> moves one to the trash (editors), where it stays whole
// for TRASH_DAYS; GET /api/trash lists what is there, POST /api/trash/<doc>/restore takes one back,
// DELETE /api/trash/<doc> purges one now. A document in the trash is closed to everyone (4410 / 410):
// a client that kept a copy cannot write it back.

import { type DocumentStore } from '@tandem/persistence';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { type Authenticate, authorizeDoc, listScope } from '../auth/authenticate.js';
import type { ShareLinks } from '../auth/share-links.js';
import type { Config } from '../config.js';
import { TandemError } from '../errors.js';
import type { Fanout } from '../fanout/redis-fanout.js';
import type { DocumentEvents } from '../webhooks/outbox.js';
import type { RoomRegistry } from '../sync/rooms.js';
import { purgeAt } from '../trash/purge.js';
import { apiApp } from './api-app.js';
import { docParam } from './doc-param.js';
import { listTrash, purgeDocument, restoreFromTrash, trashDocument } from './trash.schemas.js';
import { requireEditor, requireNoShareLink } from './history.routes.js';
import { requestAuthor } from './request-author.js';

/**
 * Entries GET /api/trash lists at most (the oldest, the next to be purged), read with the token's scope in
 * the store's query: every entry was read on each request, whoever asked, and 200 000 (a script creates and
 * deletes about 50 documents a second) held the server's thread 1.4 s per request (found by a review).
 */
export const MAX_TRASH_LISTED = 1_000;

export interface TrashDeps {
  readonly store: DocumentStore;
  readonly rooms: RoomRegistry;
  readonly authenticate: Authenticate;
  readonly fanout?: Fanout;
  readonly config: Pick<Config, 'trashDays'>;
  /** Told when a document goes to the trash (the `document.deleted` webhook), and before one is purged. */
  readonly documentEvents: Pick<DocumentEvents, 'deleted' | 'purging'>;
  /** Purging revokes the document's share links: they end at once, not at the next re-read. */
  readonly shareLinks?: Pick<ShareLinks, 'storeRevoked'>;
}

export function trashRoutes({ store, rooms, authenticate, fanout, config, documentEvents, shareLinks }: TrashDeps): { docs: OpenAPIHono; trash: OpenAPIHono } {
  const iso = (ms: number) => new Date(ms).toISOString();
  const describe = (entry: { doc: string; trashedAt: number; trashedBy: string }) => ({
    doc: entry.doc,
    trashedAt: iso(entry.trashedAt),
    trashedBy: entry.trashedBy,
    purgeAt: iso(purgeAt(entry, config.trashDays)),
  });
  /** An editor of the document; `own`: one who did not come in through a share link (see requireNoShareLink). */
  const editor = async (c: Parameters<Authenticate>[0], what: string, own = false) => {
    const doc = docParam(c);
    const principal = await authenticate(c);
    await authorizeDoc(principal, doc, store);
    requireEditor(principal, what);
    if (own) requireNoShareLink(principal, what, doc);
    return { doc, principal };
  };

  const docs = apiApp();
  docs.openapi(trashDocument, async (c) => {
    const { doc, principal } = await editor(c, 'delete documents', true);
    if ((await store.getDocument(doc)) === undefined) throw new TandemError('not-found', `No document named ${JSON.stringify(doc)}`, { doc });
    const at = Date.now();
    const by = requestAuthor(c, principal, 'api');
    if (!(await store.trashDocument(doc, { at, by }))) {
      throw new TandemError('gone', `${JSON.stringify(doc)} is in the trash already`, { doc });
    }
    // Everyone connected is closed (here, and on other instances through Redis; a room that loads
    // later finds the document in the trash and refuses).
    rooms.closeTrashed(doc);
    fanout?.announceTrashed(doc);
    documentEvents.deleted(doc, { author: by, at });
    return c.json(describe((await store.inTrash(doc)) ?? { doc, trashedAt: at, trashedBy: by }));
  });

  const trash = apiApp();
  trash.openapi(listTrash, async (c) => {
    const principal = await authenticate(c);
    // The rule of the document list: a share link's document by whatever name it has now, a token's
    // exact names followed through renames (a token's patterns alone would show a link's guest the
    // trash of another document that took its old name).
    const scope = await listScope(principal, store);
    const entries = await store.listTrash({ scope, limit: MAX_TRASH_LISTED + 1 });
    return c.json({ trash: entries.slice(0, MAX_TRASH_LISTED).map(describe), more: entries.length > MAX_TRASH_LISTED, trashDays: config.trashDays });
  });
  trash.openapi(restoreFromTrash, async (c) => {
    // Not a guest: the document's people closed it to everyone; a link's guest would reopen it for all.
    const { doc } = await editor(c, 'restore documents from the trash', true);
    if (!(await store.untrashDocument(doc))) throw new TandemError('not-found', `${JSON.stringify(doc)} is not in the trash`, { doc });
    return c.json({ doc, restored: true });
  });
  trash.openapi(purgeDocument, async (c) => {
    const { doc } = await editor(c, 'purge documents', true);
    if ((await store.inTrash(doc)) === undefined) {
      throw new TandemError('conflict', `${JSON.stringify(doc)} is not in the trash: DELETE /api/docs/<doc> moves it there first`, { doc });
    }
    const keep = await documentEvents.purging(doc);
    if (!(await store.purgeDocument(doc, {}))) {
      keep();
      throw new TandemError('conflict', `${JSON.stringify(doc)} is not in the trash: DELETE /api/docs/<doc> moves it there first`, { doc });
    }
    await shareLinks?.storeRevoked(`purged ${doc}`);
    return c.json({ doc, purged: true });
  });
  return { docs, trash };
}
