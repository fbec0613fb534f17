// The routes of the trash (trash.routes.ts), declared: what they check and what they answer.

import { apiRoute, DocParams, IsoTime, json, z } from './api-schemas.js';

const TrashEntry = z
  .object({ doc: z.string(), trashedAt: IsoTime, trashedBy: z.string(), purgeAt: IsoTime.openapi({ description: 'When it goes for good (TRASH_DAYS)' }) })
  .openapi('TrashEntry');

export const trashDocument = apiRoute({
  method: 'delete',
  path: '/{doc}',
  tags: ['trash'],
  summary: 'Moves a document to the trash, closing its connections everywhere (editors)',
  request: { params: DocParams },
  errors: [403, 404, 410, 503],
  responses: { 200: { description: 'In the trash', ...json(TrashEntry) } },
});

export const listTrash = apiRoute({
  method: 'get',
  path: '/',
  tags: ['trash'],
  summary: 'What is in the trash, oldest first (only documents the token may open)',
  responses: { 200: { description: 'The trash', ...json(z.object({ trash: z.array(TrashEntry), more: z.boolean().openapi({ description: 'More are in the trash than the 1 000 oldest listed' }), trashDays: z.number().int() })) } },
});

export const restoreFromTrash = apiRoute({
  method: 'post',
  path: '/{doc}/restore',
  tags: ['trash'],
  summary: 'Takes a document out of the trash (editors)',
  request: { params: DocParams },
  errors: [403, 404, 503],
  responses: { 200: { description: 'Restored', ...json(z.object({ doc: z.string(), restored: z.literal(true) })) } },
});

export const purgeDocument = apiRoute({
  method: 'delete',
  path: '/{doc}',
  tags: ['trash'],
  summary: 'Purges a document in the trash now (editors)',
  request: { params: DocParams },
  errors: [403, 409, 503],
  responses: { 200: { description: 'Purged', ...json(z.object({ doc: z.string(), purged: z.literal(true) })) } },
});
