// The routes of the documents API (docs.routes.ts), declared: what they check and what they answer.

import { apiRoute, DocParams, IsoTime, json, z } from './api-schemas.js';

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
  summary: 'Every document the token may open (not those in the trash)',
  responses: { 200: { description: 'The documents', ...json(z.object({ documents: z.array(DocumentSummary) })) } },
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
