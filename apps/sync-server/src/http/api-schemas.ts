// The schemas every API route shares: the error body, the document name in a path, whole numbers in a
// query, path or JSON body, ISO times; and apiRoute(), which declares a route with them. Each schema is
// at once the check a route runs, the type its handler sees and its part of /api/openapi.json.

import { createRoute, type RouteConfig, z } from '@hono/zod-openapi';
import { docNameProblem, MAX_DOC_NAME_LENGTH } from '@tandem/schema/doc-name';
import { ERROR_CODES, type TandemErrorCode } from '../errors.js';
import { FORMAT_ALIASES, FORMATS } from '../history/formats.js';
import { parseIsoTime } from '../iso-time.js';

export { z };

/** What every error answers: `{"error":{"code":"not-found","message":"…"}}`, with the status of its code. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_CODES) as [TandemErrorCode, ...TandemErrorCode[]]),
      message: z.string(),
    }),
  })
  .openapi('Error');

/** Marks a doc-name issue, so the validation hook answers `invalid-doc-name` as docParam() always has. */
export const DOC_NAME_ISSUE = 'invalid-doc-name';

/** A document name as any request carries it, checked by the one rule of @tandem/schema/doc-name. */
export const DocNameValue = z.string().superRefine((name, ctx) => {
  const problem = docNameProblem(name);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `Document name ${problem}`, params: { tandem: DOC_NAME_ISSUE } });
});

/** A document name in a path segment: URL-encoded (`team%2Fnotes`). */
export const DocName = DocNameValue.openapi({
  param: { name: 'doc', in: 'path' },
  description: `The document's name, URL-encoded (team%2Fnotes is team/notes): at most ${MAX_DOC_NAME_LENGTH} characters, no control or invisible characters, NFC, no empty, "." or ".." segments`,
  example: 'team/notes',
});

export const DocParams = z.object({ doc: DocName });

/** An instant as the API writes it: ISO 8601 in UTC. */
export const IsoTime = z.string().openapi({ format: 'date-time', example: '2026-11-25T10:00:00.000Z' });

/** An ISO 8601 time a client sends (`2026-11-25T10:00:00Z`), as ms since the epoch; a date of the calendar (see parseIsoTime). */
export const IsoTimeInput = z
  .string()
  .refine((v) => !Number.isNaN(parseIsoTime(v)), {
    error: (issue) => `must be an ISO 8601 time (2026-11-25T10:00:00Z), not ${JSON.stringify(String(issue.input).slice(0, 40))}`,
  })
  .transform((v) => parseIsoTime(v))
  .openapi({ type: 'string', format: 'date-time' });

/** `?format=` of an export: json (the default), html, markdown (md), text (txt) or yjs. */
export const FormatQuery = z
  .preprocess((v) => (v === '' ? undefined : v), z.enum([...FORMATS, ...Object.keys(FORMAT_ALIASES)], { error: `must be one of ${FORMATS.join(', ')}` }).optional())
  .openapi({ type: 'string', enum: [...FORMATS, ...Object.keys(FORMAT_ALIASES)], default: 'json', description: 'json: ProseMirror JSON with doc, seq and at; yjs: the binary update' });

/** The content types of the export formats. */
export const EXPORT_TYPES = ['application/json', 'text/html', 'text/markdown', 'text/plain', 'application/octet-stream'] as const;

interface Range {
  readonly min?: number;
  readonly max?: number;
}

const rangeText = ({ min = 0, max = Number.MAX_SAFE_INTEGER }: Range) => `must be a whole number from ${min} to ${max}`;

/** A required value that is absent says so, rather than "expected string, received undefined". */
const absentOr = (message: (issue: { input?: unknown }) => string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is missing' : message(issue);

/** A whole number in a path or query string (`12`; not `1e3`, `0.5` or `-1`). */
export function wholeNumber(range: Range = {}) {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = range;
  const not = (issue: { input?: unknown }) => `${rangeText(range)}, not ${JSON.stringify(String(issue.input).slice(0, 40))}`;
  return z
    .string({ error: absentOr(not) })
    .regex(/^\d{1,16}$/, { error: not })
    .transform(Number)
    .pipe(z.number().min(min, { error: not }).max(max, { error: not }))
    .openapi({ type: 'integer', minimum: min, maximum: max });
}

/** An optional whole number in a query string: `fallback` when absent or empty (`?limit=`). */
export function wholeQuery(range: Range & { fallback: number }) {
  return z
    .preprocess((v) => (v === '' ? undefined : v), wholeNumber(range).default(range.fallback))
    .openapi({ type: 'integer', minimum: range.min ?? 0, maximum: range.max ?? Number.MAX_SAFE_INTEGER, default: range.fallback });
}

/** A whole number in a JSON body. */
export function wholeField(range: Range = {}) {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = range;
  const not = (issue: { input?: unknown }) => `${rangeText(range)}, not ${JSON.stringify(issue.input)}`;
  return z.number({ error: absentOr(() => 'must be a number') }).int({ error: not }).min(min, { error: not }).max(max, { error: not });
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'The request is malformed: a parameter, field or document name fails its check',
  401: 'No valid token (missing, expired or revoked)',
  403: 'The token may not do this (a viewer writing, another document, not an admin)',
  404: 'No such document (or version)',
  409: 'The state does not allow it',
  410: 'The document is in the trash',
  413: 'The body or the result is too large',
  415: 'The body has a content type this route does not take',
  422: 'The document cannot take this update',
  429: 'Too many requests or writes',
  503: 'The store or the history threads cannot answer now (see Retry-After)',
  507: 'The server is low on disk space',
};

/** Error responses, each with the shape of ErrorBody. */
export function errors(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [status, { description: STATUS_TEXT[status] ?? 'Error', content: { 'application/json': { schema: ErrorBody } } }]),
  );
}

/** A JSON request or response body. */
export const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });

/** A response in several formats, described rather than checked (rendered documents, exports). */
export const formats = (types: readonly string[], description: string) => ({
  description,
  content: Object.fromEntries(types.map((type) => [type, { schema: { type: 'string' as const } }])),
});

/** The name of the bearer-token scheme in the document (a JWT signed with AUTH_SECRET). */
export const BEARER = 'bearer';

/**
 * Declares a route: its path (`/{doc}/history`), request schemas (the checks it runs) and responses
 * (the document). Adds the answers every route may give: 400 when it checks anything, 401 unless it
 * is `open` (needs no token), 500. The handler's return type is left open: handlers send rendered
 * bodies as well as JSON, and the document, not the compiler, is what says what they send.
 */
export function apiRoute<R extends RouteConfig>(config: R & { errors?: readonly number[]; open?: boolean }) {
  const { errors: statuses = [], open = false, ...route } = config;
  const checks = route.request !== undefined || route.path.includes('{');
  const all = [...new Set([...(checks ? [400] : []), ...(open ? [] : [401]), ...statuses])].sort();
  return createRoute({
    ...route,
    ...(open ? { security: [] } : {}),
    responses: { ...route.responses, ...errors(...all), 500: { description: 'Internal server error', ...json(ErrorBody) } },
  }) as unknown as Omit<R, 'responses'> & { responses: RouteConfig['responses'] };
}
