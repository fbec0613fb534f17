// GET /api/docs/<doc>/comments: a document's comment threads as they are now, each with its stored
// author (who stored the update that created it, never a field of the comment), the text its anchor
// covers now, and whether that text is gone (orphaned). Anyone who may open the document may read them.

import type { DocumentStore } from '@tandem/persistence';
import { quoteAnchors, readComments, type StoredComment, threadsOf } from '@tandem/schema/comments';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { type Authenticate, authorizeDoc } from '../auth/authenticate.js';
import { describeAuthors } from '../authors/author-lookup.js';
import type { AuthorsWritten } from '../authors/recorder.js';
import { TandemError } from '../errors.js';
import { trashedError } from '../sync/room.js';
import type { RoomRegistry } from '../sync/rooms.js';
import { apiApp } from './api-app.js';
import { listComments } from './comments.schemas.js';

export interface CommentsDeps {
  readonly store: DocumentStore;
  readonly rooms: RoomRegistry;
  readonly authenticate: Authenticate;
  /** Writes the sightings of these authors still held in memory (see authors/recorder.ts). */
  readonly authorsWritten?: AuthorsWritten;
}

/**
 * The characters of each comment's anchored text the list quotes. A commenter may anchor any number of
 * comments on a whole document: 300 of them on a 150 KB one made a 45 MB answer, built in 2.4 s on the
 * server's thread (found by a review).
 */
export const MAX_QUOTE_CHARS = 1_000;

export function commentsRoutes({ store, rooms, authenticate, authorsWritten }: CommentsDeps): OpenAPIHono {
  const app = apiApp();

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
      const quotes = quoteAnchors(room.doc, threads.map(({ comment }) => comment.anchor), MAX_QUOTE_CHARS);
      const authorOf = (comment: StoredComment) => room.commentAuthor(comment.item);
      return { threads, quotes, authorOf };
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
