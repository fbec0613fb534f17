// The routes of the documents API (docs.routes.ts), declared: what they check and what they answer.

import { MAX_DOC_NAME_LENGTH } from '@tandem/schema/doc-name';
import { apiRoute, DocParams, IsoTime, json, wholeQuery, z } from './api-schemas.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, SORTS } from './doc-list-query.js';

export const DocumentSummary = z
  .object({
    name: z.string(),
    updateCount: z.number().int(),
    lastSeq: z.number().int(),
    sizeBytes: z.number().int(),
    createdAt: IsoTime,
    lastChangeAt: IsoTime,
    connections: z.number().int().openapi({ description: 'Clients connected to it on this instance' }),
  })
  .openapi('DocumentSummary');

export const listDocuments = apiRoute({
  method: 'get',
  path: '/',
  tags: ['documents'],
  summary: 'A page of the documents the token may open (not those in the trash), searched and sorted',
  request: {
    query: z.object({
      q: z
        .string()
        .max(MAX_DOC_NAME_LENGTH, { error: `is longer than a document name can be (${MAX_DOC_NAME_LENGTH} characters)` })
        // No name holds one (and U+0000 cannot even be sent to PostgreSQL).
        .refine((q) => !/[\u0000-\u001f\u007f-\u009f]/.test(q), { error: 'contains a control character, which no document name holds' })
        .optional()
        .openapi({ description: 'Names containing this, in any case (`%` and `_` are plain characters)' }),
      sort: z
        .preprocess((v) => (v === '' ? undefined : v), z.enum(SORTS).default('lastChange'))
        .openapi({ type: 'string', enum: [...SORTS], default: 'lastChange', description: 'lastChange: newest first, ties by name; name: code point order' }),
      limit: wholeQuery({ min: 1, max: MAX_PAGE_SIZE, fallback: DEFAULT_PAGE_SIZE }),
      cursor: z.string().optional().openapi({ description: "The previous page's nextCursor (same sort)" }),
    }),
  },
  responses: {
    200: {
      description: 'One page of documents; nextCursor is null on the last page',
      ...json(
        z.object({
          documents: z.array(
            DocumentSummary.extend({
              lastAuthor: z.object({ id: z.string(), name: z.string(), color: z.string(), verified: z.boolean() }).nullable(),
            }),
          ),
          nextCursor: z.string().nullable(),
        }),
      ),
    },
  },
});

export const getDocument = apiRoute({
  method: 'get',
  path: '/{doc}',
  tags: ['documents'],
  summary: "One document's metadata, with how fast its log grows",
  request: { params: DocParams },
  errors: [403, 404, 410],
  responses: {
    200: {
      description: 'The document; logUpdatesPerDay and logBytesPerDay: its log growth in the last 24 h',
      ...json(DocumentSummary.extend({ logUpdatesPerDay: z.number(), logBytesPerDay: z.number() })),
    },
  },
});
