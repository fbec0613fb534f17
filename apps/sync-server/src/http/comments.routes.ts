// GET /api/docs/<doc>/comments: a document's comment threads as they are now, each with its stored
// author (who stored the update that created it, never a field of the comment), the text its anchor
// covers now, and whether that text is gone (orphaned). Anyone who may open the document may read them.

import type { DocumentStore } from '@tandem/persistence';
import { type Quoted, quoteAnchors, readComments, type StoredComment, type Thread, threadsOf } from '@tandem/schema/comments';
import type { OpenAPIHono } from '@hono/zod-openapi';
import * as Y from 'yjs';
import { type Authenticate, authorizeDoc } from '../auth/authenticate.js';
import { describeAuthors } from '../authors/author-lookup.js';
import type { AuthorsWritten } from '../authors/recorder.js';
import { TandemError } from '../errors.js';
import type { HistoryPool } from '../history/pool.js';
import { trashedError } from '../sync/room.js';
import type { RoomRegistry } from '../sync/rooms.js';
import { apiApp } from './api-app.js';
import { INLINE_MAX_BYTES } from './content.routes.js';
import { fromPersistence } from './history.routes.js';
import { listComments } from './comments.schemas.js';

export interface CommentsDeps {
  readonly store: DocumentStore;
  readonly rooms: RoomRegistry;
  readonly authenticate: Authenticate;
  /** Anchors of a large document are placed there. */
  readonly history: HistoryPool;
  /** Writes the sightings of these authors still held in memory (see authors/recorder.ts). */
  readonly authorsWritten?: AuthorsWritten;
}

/**
 * The characters of each comment's anchored text the list quotes. A commenter may anchor any number of
 * comments on a whole document: 300 of them on a 150 KB one made a 45 MB answer, built in 2.4 s on the
 * server's thread (found by a review).
 */
export const MAX_QUOTE_CHARS = 1_000;

export function commentsRoutes({ store, rooms, authenticate, authorsWritten, history }: CommentsDeps): OpenAPIHono {
  const app = apiApp();

  /**
   * What the threads' anchors cover now. Each anchor is placed by reading the whole document: 3 000
   * comments on 500 KB held the server's thread about 0.5 s a request (found by a review), so a document
   * past INLINE_MAX_BYTES is read on a history thread, from its state as it is now, as exports are.
   */
  const quotesOf = async (ydoc: Y.Doc, doc: string, threads: readonly Thread[], signal: AbortSignal): Promise<readonly Quoted[]> => {
    const anchored = threads.some(({ comment }) => comment.anchor !== undefined);
    const current = anchored ? Y.encodeStateAsUpdate(ydoc) : undefined;
    if (current === undefined || current.byteLength <= INLINE_MAX_BYTES) return quoteAnchors(ydoc, threads.map(({ comment }) => comment.anchor), MAX_QUOTE_CHARS);
    const ids = threads.map(({ comment }) => comment.id);
    return history.run({ kind: 'quotes', doc, current, ids, maxChars: MAX_QUOTE_CHARS }, signal).catch(fromPersistence);
  };

  app.openapi(listComments, async (c) => {
    const { doc } = c.req.valid('param');
    const { status } = c.req.valid('query');
    await authorizeDoc(await authenticate(c), doc, store);
    if ((await store.getDocument(doc)) === undefined) throw new TandemError('not-found', `No document named ${JSON.stringify(doc)}`, { doc });
    if ((await store.inTrash(doc)) !== undefined) throw trashedError(doc);

    const { threads, quotes, authorOf } = await rooms.withRoom(doc, async (room) => {
      // A comment just posted through another instance is listed here too.
      await room.caughtUp();
      const threads = threadsOf(readComments(room.doc)).filter(
        ({ comment }) => status === 'all' || (status === 'resolved') === comment.resolved,
      );
      const authorOf = (comment: StoredComment) => room.commentAuthor(comment.item);
      return { threads, quotes: await quotesOf(room.doc, doc, threads, c.req.raw.signal), authorOf };
    });
    const ids = new Set<string>();
    for (const { comment, replies } of threads) for (const c of [comment, ...replies]) ids.add(authorOf(c) ?? '');
    ids.delete('');
    // A comment just written: its author's first sighting may still wait for the recorder's next write,
    // and the page that asks keeps what it is told (a name and a colour) for good.
    await authorsWritten?.([...ids]);
    const authors = await describeAuthors(store, [...ids]);
    const describe = (comment: StoredComment) => {
      const id = authorOf(comment);
      return {
        id: comment.id,
        author: id === undefined ? null : { id, ...authors[id]! },
        body: comment.body,
        createdAt: new Date(comment.createdAt).toISOString(),
        deleted: comment.deleted,
      };
    };
    return c.json({
      doc,
      threads: threads.map(({ comment, replies }, i) => ({
        ...describe(comment),
        resolved: comment.resolved,
        resolvedAt: comment.resolvedAt === undefined ? null : new Date(comment.resolvedAt).toISOString(),
        quote: quotes[i]!.quote,
        quoteTruncated: quotes[i]!.truncated,
        orphaned: quotes[i]!.orphaned,
        replies: replies.map(describe),
      })),
    });
  });

  return app;
}
