// The routes that rename and duplicate documents (document-moves.routes.ts), declared: what they check
// and what they answer.

import { apiRoute, DocNameValue, DocParams, json, z } from './api-schemas.js';

/** `{"to": name}`: the new name, checked by the same rule as every document name. */
const MoveBody = z.object({
  to: DocNameValue.openapi({ description: 'The new document name (not URL-encoded)', example: 'team/notes-2026' }),
});

export const renameDocument = apiRoute({
  method: 'post',
  path: '/{doc}/rename',
  tags: ['documents'],
  summary: 'Renames a document with all its history; the old name then redirects (editors)',
  request: { params: DocParams, body: { required: true, ...json(MoveBody) } },
  errors: [403, 404, 409, 410, 415, 503],
  responses: {
    201: {
      description: 'Renamed; Location names the document at its new name',
      ...json(z.object({ from: z.string(), to: z.string() })),
    },
  },
});

export const duplicateDocument = apiRoute({
  method: 'post',
  path: '/{doc}/duplicate',
  tags: ['documents'],
  summary: 'A new document holding a copy of the current content, stored as one edit by the caller (read the source, editor for the copy)',
  request: { params: DocParams, body: { required: true, ...json(MoveBody) } },
  errors: [403, 404, 409, 410, 415, 503],
  responses: {
    201: {
      description: "Copied; seq is the copy's first update (null when the source is empty)",
      ...json(z.object({ from: z.string(), to: z.string(), seq: z.number().int().nullable() })),
    },
  },
});
