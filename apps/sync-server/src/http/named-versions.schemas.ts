// The routes of named versions (named-versions.routes.ts), declared: what they check and what they answer.

import { apiRoute, DocParams, IsoTime, json, wholeField, wholeNumber, z } from './api-schemas.js';

export const MAX_LABEL = 200;

const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

const Label = z
  .string({ error: `must be 1 to ${MAX_LABEL} characters` })
  .trim()
  .min(1, { error: `must be 1 to ${MAX_LABEL} characters` })
  .max(MAX_LABEL, { error: `must be 1 to ${MAX_LABEL} characters` })
  // One line of text (and U+0000, which PostgreSQL's text cannot hold, never reaches the store).
  .refine((label) => !CONTROL_CHARS.test(label), { error: 'must not contain a control character (a line break, a tab, U+0000…)' });

const NamedVersion = z
  .object({ id: z.number().int(), label: z.string(), seq: z.number().int(), author: z.string(), createdAt: IsoTime })
  .openapi('NamedVersion');

const VersionParams = DocParams.extend({ id: wholeNumber() });

const WRITE_ERRORS = [403, 404, 415, 503];

export const listNamed = apiRoute({
  method: 'get',
  path: '/{doc}/named-versions',
  tags: ['named versions'],
  summary: "A document's named versions",
  request: { params: DocParams },
  errors: [403, 404],
  responses: { 200: { description: 'The named versions', ...json(z.object({ doc: z.string(), versions: z.array(NamedVersion) })) } },
});

export const createNamed = apiRoute({
  method: 'post',
  path: '/{doc}/named-versions',
  tags: ['named versions'],
  summary: 'Names a version (editors); a document keeps at most 1 000 (409 beyond)',
  request: {
    params: DocParams,
    body: {
      required: true,
      ...json(z.object({ label: Label, seq: wholeField().optional().openapi({ description: 'Defaults to the latest; at most the latest' }) })),
    },
  },
  errors: [...WRITE_ERRORS, 409],
  responses: { 201: { description: 'Named; seq may name the merged update that holds the one asked for', ...json(NamedVersion) } },
});

export const renameNamed = apiRoute({
  method: 'patch',
  path: '/{doc}/named-versions/{id}',
  tags: ['named versions'],
  summary: 'Renames a named version (editors)',
  request: { params: VersionParams, body: { required: true, ...json(z.object({ label: Label })) } },
  errors: WRITE_ERRORS,
  responses: { 200: { description: 'Renamed', ...json(NamedVersion) } },
});

export const deleteNamed = apiRoute({
  method: 'delete',
  path: '/{doc}/named-versions/{id}',
  tags: ['named versions'],
  summary: 'Deletes a named version (editors)',
  request: { params: VersionParams },
  errors: WRITE_ERRORS,
  responses: { 204: { description: 'Deleted' } },
});
