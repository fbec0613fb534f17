// The query of GET /api/docs (q, sort, limit, cursor; checked by its schema in docs.schemas.ts) and its cursor: the key
// of a page's last document, opaque to clients (base64url JSON), tied to the order it was read in.

import type { DocumentPageCursor, DocumentPageQuery, DocumentSort } from '@tandem/persistence';
import { docNameProblem } from '@tandem/schema/doc-name';
import { TandemError } from '../errors.js';

/** Documents per page when the client names no limit: a page, never the whole server. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export const SORTS = ['lastChange', 'name'] as const satisfies readonly DocumentSort[];

export function encodeCursor(sort: DocumentSort, key: DocumentPageCursor): string {
  return Buffer.from(JSON.stringify([sort, key.lastChangeAt, key.name])).toString('base64url');
}

function decodeCursor(cursor: string, sort: DocumentSort): DocumentPageCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    !(SORTS as readonly unknown[]).includes(parsed[0]) ||
    !Number.isSafeInteger(parsed[1]) ||
    typeof parsed[2] !== 'string' ||
    docNameProblem(parsed[2]) !== undefined
  ) {
    throw new TandemError('bad-request', 'cursor is not one this server gave (pass nextCursor as it came)');
  }
  if (parsed[0] !== sort) throw new TandemError('bad-request', `cursor belongs to a list sorted by ${parsed[0]}, not ${sort}: start again without it`);
  return { lastChangeAt: parsed[1] as number, name: parsed[2] as string };
}

/** What the route's schema (docs.schemas.ts) let through. */
export interface DocListParams {
  readonly q?: string | undefined;
  readonly sort: DocumentSort;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** The page a GET /api/docs asks for (without the scope: that is the token's). */
export function docListQuery({ q = '', sort, limit, cursor }: DocListParams): Required<Pick<DocumentPageQuery, 'sort' | 'limit'>> & Omit<DocumentPageQuery, 'sort' | 'limit' | 'scope'> {
  return {
    sort,
    limit,
    ...(q.trim() === '' ? {} : { search: q.trim() }),
    ...(cursor === undefined || cursor === '' ? {} : { after: decodeCursor(cursor, sort) }),
  };
}
