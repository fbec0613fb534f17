// The query of GET /api/docs (q, sort, limit, cursor), checked in one place, and its cursor: the key
// of a page's last document, opaque to clients (base64url JSON), tied to the order it was read in.

import type { DocumentPageCursor, DocumentPageQuery, DocumentSort } from '@tandem/persistence';
import { MAX_DOC_NAME_LENGTH } from '@tandem/schema/doc-name';
import { TandemError } from '../errors.js';
import { intParam } from './params.js';

/** Documents per page when the client names no limit: a page, never the whole server. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

const SORTS: readonly DocumentSort[] = ['lastChange', 'name'];

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
  if (!Array.isArray(parsed) || parsed.length !== 3 || !SORTS.includes(parsed[0]) || !Number.isSafeInteger(parsed[1]) || typeof parsed[2] !== 'string') {
    throw new TandemError('bad-request', 'cursor is not one this server gave (pass nextCursor as it came)');
  }
  if (parsed[0] !== sort) throw new TandemError('bad-request', `cursor belongs to a list sorted by ${parsed[0]}, not ${sort}: start again without it`);
  return { lastChangeAt: parsed[1] as number, name: parsed[2] as string };
}

type Query = (name: string) => string | undefined;

/** The page a GET /api/docs asks for (without the scope: that is the token's). */
export function parseDocListQuery(query: Query): Required<Pick<DocumentPageQuery, 'sort' | 'limit'>> & Omit<DocumentPageQuery, 'sort' | 'limit' | 'scope'> {
  const sortParam = query('sort') || 'lastChange';
  if (!SORTS.includes(sortParam as DocumentSort)) throw new TandemError('bad-request', `sort must be one of ${SORTS.join(', ')}, not ${JSON.stringify(sortParam.slice(0, 40))}`);
  const sort = sortParam as DocumentSort;
  const limit = intParam(query('limit'), 'limit', { min: 1, max: MAX_PAGE_SIZE, fallback: DEFAULT_PAGE_SIZE });
  const search = query('q') ?? '';
  if (search.length > MAX_DOC_NAME_LENGTH) throw new TandemError('bad-request', `q is longer than a document name can be (${MAX_DOC_NAME_LENGTH} characters)`);
  const cursor = query('cursor');
  return {
    sort,
    limit,
    ...(search.trim() === '' ? {} : { search: search.trim() }),
    ...(cursor === undefined || cursor === '' ? {} : { after: decodeCursor(cursor, sort) }),
  };
}
