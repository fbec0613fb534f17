// Renaming and duplicating documents: POST /api/docs/<doc>/rename {"to"} moves a document, history and
// all, to a new name (its old name then redirects: see ./redirects.ts); POST /api/docs/<doc>/duplicate
// {"to"} makes a new document holding a full copy of the current content. Both answer 201 {from, to}.

import { type DocumentStore, PersistenceError } from '@tandem/persistence';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import * as Y from 'yjs';
import { COMMENTS } from '@tandem/schema/comments';
import { FRAGMENT, schema } from '@tandem/schema/schema';
import { readStoredAttrs } from '@tandem/schema/stored-attrs';
import { type Authenticate, authorizeDoc } from '../auth/authenticate.js';
import type { Principal } from '../auth/token.js';
import type { Config } from '../config.js';
import { TandemError } from '../errors.js';
import type { Fanout } from '../fanout/redis-fanout.js';
import { trashedError } from '../sync/room.js';
import type { RoomRegistry } from '../sync/rooms.js';
import { storeRateKey } from '../sync/store-rate.js';
import { apiApp } from './api-app.js';
import { duplicateDocument, renameDocument } from './document-moves.schemas.js';
import { requireEditor } from './history.routes.js';
import { requestAddress } from './request-address.js';
import type { DocumentEvents } from '../webhooks/outbox.js';
import { isAnonymous } from '../auth/token.js';
import { requestAuthor } from './request-author.js';

export interface DocumentMoveDeps {
  readonly store: DocumentStore;
  readonly rooms: RoomRegistry;
  readonly authenticate: Authenticate;
  /** With several instances: tells the others to close the old name's room (see ../fanout/). */
  readonly fanout?: Fanout;
  readonly config: Pick<Config, 'basePath'>;
  /** Told when a document is renamed (the `document.renamed` webhook). */
  readonly documentEvents: Pick<DocumentEvents, 'renamed'>;
}

/** The source from the path, the target from the body (both checked by the route's schema). */
function moveInput(from: string, to: string): { from: string; to: string } {
  if (to === from) throw new TandemError('conflict', `${JSON.stringify(from)} has that name already`, { doc: from });
  return { from, to };
}


const fromStore = (error: unknown): never => {
  if (error instanceof PersistenceError && error.code === 'conflict') throw new TandemError('conflict', error.message, { doc: error.doc });
  if (error instanceof PersistenceError && error.code === 'not-found') throw new TandemError('not-found', error.message, { doc: error.doc });
  throw error;
};

/**
 * A copy's content: the text as the original shows it, without the comments, its values as the editor reads them. A comment's author is whoever stored the update that
 * made it, so in a copy stored as one edit every comment was the copier's, theirs to edit or delete (found
 * by a review); and comments are the conversation about the original. As Google Docs' Make a copy does by
 * default, the copy starts without them (deleted, their content gone: only the ids of the items remain).
 */
function withoutComments(state: Uint8Array): Uint8Array {
  const doc = new Y.Doc({ gc: true });
  const comments = doc.getMap<unknown>(COMMENTS);
  Y.applyUpdate(doc, state);
  // What the original holds still waiting for an earlier update (with several instances, one behind the
  // log can hold such an update) stays out: the earlier one never reaches the copy, and it would be stored
  // there as the copier's writing under someone else's client id.
  doc.store.pendingStructs = null;
  doc.store.pendingDs = null;
  if (comments.size > 0) doc.transact(() => comments.clear());
  // Its values as the editor reads them: a document stored before the update gate judged values (a heading level
  // "abc", a span of 1e308, a link that is a number) made a copy the gate refused whole (422; found by a review).
  doc.transact(() => readStoredAttrs(doc.getXmlFragment(FRAGMENT), schema));
  const copy = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return copy;
}

export function documentMoveRoutes({ store, rooms, authenticate, fanout, config, documentEvents }: DocumentMoveDeps): OpenAPIHono {
  const app = apiApp();
  /**
   * Who asks may open both names (a token scoped to some documents can neither take one out of its
   * scope nor bring one in) and is an editor (a token's role holds for every document it opens).
   */
  const authorize = async (c: Context, from: string, to: string, what: string): Promise<Principal> => {
    const principal = await authenticate(c);
    await authorizeDoc(principal, from, store);
    await authorizeDoc(principal, to, store);
    requireEditor(principal, what);
    return principal;
  };
  /**
   * The source exists and is not in the trash; the target name is free: no document holds it, and it
   * is no other document's old name (PUT /api/docs/<name> takes one back on purpose). `from`'s own old
   * names are free to it (renaming back).
   */
  const check = async (principal: Principal, from: string, to: string) => {
    if ((await store.getDocument(from)) === undefined) throw new TandemError('not-found', `No document named ${JSON.stringify(from)}`, { doc: from });
    if ((await store.inTrash(from)) !== undefined) throw trashedError(from);
    if ((await store.getDocument(to)) !== undefined) {
      throw new TandemError('conflict', `A document named ${JSON.stringify(to)} exists${(await store.inTrash(to)) === undefined ? '' : ' (in the trash)'}`, { doc: to });
    }
    const redirect = await store.resolveRedirect(to);
    if (redirect !== undefined && redirect !== from) {
      // Named only to a token that opens it, as the redirect itself (./redirects.ts): it may say more than the old name.
      const named = await authorizeDoc(principal, redirect, store).then(() => true, () => false);
      const of = named ? `of ${JSON.stringify(redirect)}` : 'of another document';
      throw new TandemError('conflict', `${JSON.stringify(to)} is an old name ${of} (PUT /api/docs/<name> takes a name back)`, { doc: to });
    }
  };
  const created = (c: Context, body: Record<string, unknown>, to: string) =>
    c.json(body, 201, { location: `${config.basePath}/api/docs/${encodeURIComponent(to)}` });

  app.openapi(renameDocument, async (c) => {
    const { from, to } = moveInput(c.req.valid('param').doc, c.req.valid('json').to);
    const principal = await authorize(c, from, to, 'rename documents');
    await check(principal, from, to);
    const at = Date.now();
    await rooms.rename(from, to, () => store.renameDocument(from, to, at)).catch(fromStore);
    fanout?.announceMoved(from);
    documentEvents.renamed(from, to, { author: requestAuthor(c, principal, 'api'), at });
    return created(c, { from, to }, to);
  });

  // What it asks of the source is to be read; the copy is a new document (an editor's right).
  app.openapi(duplicateDocument, async (c) => {
    const { from, to } = moveInput(c.req.valid('param').doc, c.req.valid('json').to);
    const principal = await authorize(c, from, to, 'create documents');
    await check(principal, from, to);
    // Not even onto one of the source's own old names: the links there would lead to the copy.
    if ((await store.resolveRedirect(to)) !== undefined) {
      throw new TandemError('conflict', `${JSON.stringify(to)} is an old name of ${JSON.stringify(from)}: its links lead there`, { doc: to });
    }
    // The content as it is now (everything the room applied is stored, and it holds all the log: caught
    // up with what other instances stored), as one update stored as the
    // person who copies: the copy starts its own history there.
    const content = await rooms.withRoom(from, async (room) => (await room.caughtUp(), withoutComments(Y.encodeStateAsUpdate(room.doc))));
    const seq = await rooms.withRoom(to, (room) =>
      room.exclusive(async () => {
        // The store too: a copy made at this name through another instance may not have reached this one yet.
        if (room.lastSeq > 0 || ((await store.getDocument(to))?.lastSeq ?? 0) > 0) {
          throw new TandemError('conflict', `A document named ${JSON.stringify(to)} exists`, { doc: to });
        }
        return room.commitApiUpdate(content, requestAuthor(c, principal, 'api'), storeRateKey(principal, requestAddress(c)), !isAnonymous(principal));
      }),
    );
    return created(c, { from, to, seq: seq ?? null }, to);
  });
  return app;
}
