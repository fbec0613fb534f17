// The trash as one SQL query both engines run (with the document list's dialect, see document-page.ts):
// the reader's scope and a limit inside the query, so that listing it never reads every document in it.

import { PersistenceError } from '../errors.js';
import type { TrashQuery } from '../types.js';
import { MAX_PAGE_SIZE, type PageDialect, scopeCondition } from './document-page.js';

/** The SQL and parameters of a trash listing, or undefined when the scope allows nothing (it is empty). */
export function trashListSql(dialect: PageDialect, query: TrashQuery = {}): { sql: string; params: unknown[] } | undefined {
  const { scope, limit } = query;
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE + 1)) {
    throw new PersistenceError('invalid-argument', `A trash listing holds 1 to ${MAX_PAGE_SIZE + 1} documents, not ${String(limit)}`);
  }
  const params: unknown[] = [];
  const where: string[] = [];
  const inScope = scopeCondition(dialect, params, scope);
  if (inScope === undefined) return undefined;
  if (inScope !== '') where.push(inScope);
  const sql = `SELECT d.name, t.trashed_at, t.trashed_by FROM trash t JOIN documents d ON d.id = t.doc_id${
    where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`
  } ORDER BY t.trashed_at, ${dialect.name}${limit === undefined ? '' : ` LIMIT ${dialect.param(params, limit)}`}`;
  return { sql, params };
}
