// The comments route (comments.routes.ts), declared: what it checks and what it answers.

import { apiRoute, DocParams, IsoTime, json, z } from './api-schemas.js';

export const COMMENT_STATUSES = ['open', 'resolved', 'all'] as const;

const Author = z
  .object({ id: z.string(), name: z.string(), color: z.string(), verified: z.boolean() })
  .nullable()
  .openapi({ description: 'Who stored the update that created the comment (null when not known)' });

const Comment = z.object({ id: z.string(), author: Author, body: z.string(), createdAt: IsoTime, deleted: z.boolean() }).openapi('Comment');

const Thread = Comment.extend({
  resolved: z.boolean(),
  resolvedAt: IsoTime.nullable(),
  quote: z.string().openapi({ description: 'The text the comment is anchored on, as it is now: its first 1 000 characters' }),
  quoteTruncated: z.boolean().openapi({ description: 'The anchored text is longer than quote' }),
  orphaned: z.boolean().openapi({ description: 'All of the anchored text was deleted' }),
  replies: z.array(Comment),
}).openapi('CommentThread');

export const listComments = apiRoute({
  method: 'get',
  path: '/{doc}/comments',
  tags: ['comments'],
  summary: "A document's comment threads, with their authors and the text they are on",
  request: {
    params: DocParams,
    query: z.object({
      status: z
        .enum(COMMENT_STATUSES, { error: `must be one of ${COMMENT_STATUSES.join(', ')}` })
        .default('all')
        .openapi({ description: 'open, resolved or all threads' }),
    }),
  },
  errors: [403, 404, 410],
  responses: { 200: { description: 'The threads, in the order they were written', ...json(z.object({ doc: z.string(), threads: z.array(Thread) })) } },
});
