// The routes of the document API (content.routes.ts), declared: what they take and what they answer.
// Document bodies are described, not checked here: the importers (@tandem/schema) check them, after
// readDocument() has checked the content type, and refuse what they cannot read (400).

import { apiRoute, DocParams, EXPORT_TYPES, FormatQuery, formats, json, z } from './api-schemas.js';

const MARKDOWN = { 'text/markdown': { schema: { type: 'string' as const, description: 'CommonMark' } } };
const HTML = { 'text/html': { schema: { type: 'string' as const, description: "Parsed by the editor's paste rules" } } };
const PM_JSON = {
  'application/json': {
    schema: { type: 'object' as const, description: 'ProseMirror JSON, or a ?format=json export ({doc, seq, content}) as it is' },
  },
};
const YJS = { 'application/octet-stream': { schema: { type: 'string' as const, contentMediaType: 'application/octet-stream', description: 'A Yjs update' } } };

const Stored = z
  .object({ doc: z.string(), seq: z.number().int().nullable(), changed: z.boolean() })
  .openapi('Stored', { description: 'seq: the update stored (null when nothing changed)' });

/** A write goes the way a client's edit goes: gate, size and rate limits, disk space. */
const WRITE_ERRORS = [403, 410, 413, 415, 422, 429, 503, 507];

export const putDocument = apiRoute({
  method: 'put',
  path: '/{doc}',
  tags: ['content'],
  summary: 'Creates a document from Markdown, HTML, ProseMirror JSON or a Yjs update (editors)',
  request: { params: DocParams, body: { required: true, content: { ...MARKDOWN, ...HTML, ...PM_JSON, ...YJS } } },
  errors: [...WRITE_ERRORS, 409],
  responses: { 201: { description: 'Created', ...json(Stored) } },
});

export const postUpdate = apiRoute({
  method: 'post',
  path: '/{doc}/updates',
  tags: ['content'],
  summary: 'Applies a binary Yjs update as an edit (editors)',
  request: { params: DocParams, body: { required: true, content: YJS } },
  errors: WRITE_ERRORS,
  responses: {
    200: { description: 'The document held all of it already', ...json(Stored) },
    201: { description: 'Stored', ...json(Stored) },
  },
});

export const replaceContent = apiRoute({
  method: 'post',
  path: '/{doc}/content',
  tags: ['content'],
  summary: 'Replaces the content, as one edit computed against what is there (editors)',
  request: { params: DocParams, body: { required: true, content: { ...MARKDOWN, ...HTML, ...PM_JSON } } },
  errors: WRITE_ERRORS,
  responses: {
    200: { description: 'Nothing differs', ...json(Stored) },
    201: { description: 'Stored', ...json(Stored) },
  },
});

export const getContent = apiRoute({
  method: 'get',
  path: '/{doc}/content',
  tags: ['content'],
  summary: 'The current content, in any export format',
  request: {
    params: DocParams,
    query: z.object({ format: FormatQuery, inline: z.string().optional().openapi({ description: '1: shown inline, not as an attachment' }), download: z.string().optional().openapi({ description: 'ignored (an attachment is the default)' }) }),
  },
  errors: [403, 404, 410, 503],
  responses: { 200: formats(EXPORT_TYPES, 'The content in the format asked for, with X-Tandem-Seq naming its version') },
});
