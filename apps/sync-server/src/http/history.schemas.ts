// The routes of the history API (history.routes.ts), declared: what they check and what they answer.

import {
  apiRoute,
  DocParams,
  EXPORT_TYPES,
  FormatQuery,
  formats,
  IsoTime,
  IsoTimeInput,
  json,
  wholeField,
  wholeNumber,
  wholeQuery,
  z,
} from './api-schemas.js';

/** How each author is shown: `authors` in the timeline, diffs and authorship. */
export const Authors = z.record(z.string(), z.object({ name: z.string(), color: z.string(), verified: z.boolean() })).openapi('Authors');

/** What a format run changed: each mark's name (as the editor writes it) and its value at `to`, null where it was taken off. */
/** Who changed each mark of a format run, when more than one person did (author is the first's). */
const FormatAuthors = z.record(z.string(), z.string()).openapi({ description: 'Who changed each mark, when more than one person did' });
const DiffFormats = z.record(z.string(), z.unknown()).openapi({ description: "Each mark changed (the editor's mark name) and its value at to; null: taken off" });
const LeafNode = z.string().openapi({ description: "A leaf node's run (an image, a horizontal rule, a line break: text is U+FFFC): the node's name" });

const Tally = { updates: z.number().int(), added: z.number().int(), removed: z.number().int() };

const Session = z
  .object({
    fromSeq: z.number().int(),
    toSeq: z.number().int(),
    startedAt: IsoTime,
    endedAt: IsoTime,
    ...Tally,
    authors: z.array(z.object({ id: z.string(), ...Tally })),
  })
  .openapi('EditSession');

/** Runs on the history threads: may be refused when they are busy or slow. */
const HISTORY_ERRORS = [403, 404, 410, 503];

const SeqBody = z.object({ seq: wholeField() });

const exportQuery = {
  format: FormatQuery,
  inline: z.string().optional().openapi({ description: '1: Content-Disposition inline, not attachment' }),
  download: z.string().optional().openapi({ description: 'Accepted from older links; changes nothing' }),
};

const exported = formats(EXPORT_TYPES, 'The version in the format asked for, with X-Tandem-Seq naming it');

export const timeline = apiRoute({
  method: 'get',
  path: '/{doc}/history',
  tags: ['history'],
  summary: 'The timeline: edit sessions, a page at a time',
  request: {
    params: DocParams,
    query: z.object({
      after: wholeQuery({ fallback: 0 }).openapi({ description: 'The cursor: nextAfter of the previous page' }),
      limit: wholeQuery({ min: 1, fallback: 50 }).openapi({ description: 'Sessions per page (at most 500 are sent)' }),
      gap: wholeQuery({ max: 365 * 86_400, fallback: 60 }).openapi({ description: 'Seconds between updates that start a new session' }),
    }),
  },
  errors: HISTORY_ERRORS,
  responses: {
    200: {
      description: 'A page of sessions; nextAfter is null at the end',
      ...json(z.object({ doc: z.string(), lastSeq: z.number().int(), sessions: z.array(Session), nextAfter: z.number().int().nullable(), authors: Authors })),
    },
  },
});

export const authorship = apiRoute({
  method: 'get',
  path: '/{doc}/authorship',
  tags: ['history'],
  summary: 'Who inserted each run still in the document, and when',
  request: { params: DocParams },
  errors: HISTORY_ERRORS,
  responses: {
    200: {
      description: 'ranges: [client, clock, length, author, receivedAt ms]',
      ...json(z.object({ seq: z.number().int(), authors: Authors, ranges: z.array(z.tuple([z.number(), z.number(), z.number(), z.string(), z.number()])) })),
    },
  },
});

export const versionAtSeq = apiRoute({
  method: 'get',
  path: '/{doc}/versions/{seq}',
  tags: ['history'],
  summary: 'The document after update seq (0: empty)',
  request: { params: DocParams.extend({ seq: wholeNumber() }), query: z.object(exportQuery) },
  errors: HISTORY_ERRORS,
  responses: { 200: exported },
});

export const versionAtTime = apiRoute({
  method: 'get',
  path: '/{doc}/versions',
  tags: ['history'],
  summary: 'The document as it was at a time',
  request: {
    params: DocParams,
    query: z.object({
      at: z.any().superRefine((v, ctx) => {
        if (v === undefined) ctx.addIssue({ code: 'custom', message: 'give a time (?at=<ISO time>) or use /versions/<seq>' });
      }).pipe(IsoTimeInput).openapi({ type: 'string', format: 'date-time', description: 'An ISO 8601 time' }),
      ...exportQuery,
    }),
  },
  errors: HISTORY_ERRORS,
  responses: { 200: exported },
});

export const diff = apiRoute({
  method: 'get',
  path: '/{doc}/diff',
  tags: ['history'],
  summary: 'What changed between two versions, by whom',
  request: {
    params: DocParams,
    query: z.object({ from: wholeNumber(), to: wholeNumber().optional().openapi({ description: 'Defaults to the latest' }) }),
  },
  errors: [...HISTORY_ERRORS, 413],
  responses: {
    200: {
      description: 'changes: insert/delete/format runs in document order; totals per author',
      ...json(
        z.object({
          doc: z.string(),
          from: z.number().int(),
          to: z.number().int(),
          changes: z.array(
            z.object({ type: z.enum(['insert', 'delete', 'format']), text: z.string(), author: z.string(), formats: DiffFormats.optional(), by: FormatAuthors.optional(), node: LeafNode.optional() }),
          ),
          segments: z
            .array(
              z.object({
                type: z.enum(['keep', 'insert', 'delete', 'format']),
                text: z.string(),
                author: z.string().optional(),
                formats: DiffFormats.optional(),
                by: FormatAuthors.optional(),
                node: LeafNode.optional(),
              }),
            )
            .openapi({
              description:
                'The whole text at to as keep/insert/format runs (format: kept text whose formatting changed), with delete runs where text was removed',
            }),
          totals: z.array(z.object({ author: z.string(), inserted: z.number().int(), deleted: z.number().int() })),
          authors: Authors,
        }),
      ),
    },
  },
});

const RestoreResult = z.object({
  doc: z.string(),
  restored: z.number().int(),
  restoredAt: IsoTime.nullable(),
  seq: z.number().int(),
  changesUndone: z.number().int(),
  author: z.string(),
  /** True when nothing was stored (the version is the current content). */
  unchanged: z.boolean(),
});

const UndoRestoreResult = z.object({ doc: z.string(), undone: z.number().int(), seq: z.number().int(), author: z.string(), unchanged: z.boolean() });

export const restore = apiRoute({
  method: 'post',
  path: '/{doc}/restore',
  tags: ['history'],
  summary: 'Makes version seq the content again, as a new edit (editors)',
  request: { params: DocParams, body: { required: true, ...json(SeqBody) } },
  errors: [...HISTORY_ERRORS, 413, 415, 422, 429, 507],
  responses: {
    201: { description: 'Restored; changesUndone: the updates after seq', ...json(RestoreResult) },
    200: { description: 'Nothing to restore: the version is the content already (nothing stored; seq is the current one)', ...json(RestoreResult) },
  },
});

export const undoRestore = apiRoute({
  method: 'post',
  path: '/{doc}/restore/undo',
  tags: ['history'],
  summary: 'Takes back the restore stored at seq, keeping edits made since (editors)',
  request: { params: DocParams, body: { required: true, ...json(SeqBody) } },
  errors: [...HISTORY_ERRORS, 409, 413, 415, 422, 429, 507],
  responses: {
    201: { description: 'Undone', ...json(UndoRestoreResult) },
    200: { description: 'Nothing to take back: what the restore replaced is the content already (nothing stored)', ...json(UndoRestoreResult) },
  },
});
