// One page of the document list as one SQL query both engines run (they differ only in placeholders,
// the lower-case fold, and how a name list and a prefix test are written), and the checks of a query.
// Search and scope are inside the query, so a page is full whenever more documents match; the order
// ends on the name (unique), so the cursor (the last row's key) is exact even when change times tie.

import { PersistenceError } from '../errors.js';
import type { DocumentPage, DocumentPageCursor, DocumentPageQuery, DocumentScope, ListedDocument } from '../types.js';
import { type DocumentRow, toInfo } from './rows.js';

export const MAX_PAGE_SIZE = 1000;

export interface PageDialect {
  /** Adds a parameter; returns its placeholder. */
  readonly param: (params: unknown[], value: unknown) => string;
  /** The document's name as compared and sorted: by code point (binary), on both engines. */
  readonly name: string;
  /** Whether the name, folded to lower case, contains the parameter (given as typed). */
  readonly contains: (params: unknown[], search: string) => string;
  readonly inNames: (params: unknown[], names: readonly string[]) => string;
  readonly startsWith: (params: unknown[], prefix: string) => string;
}

export interface DocumentPageRow extends DocumentRow {
  last_author: string | null;
}

const checkCursor = (after: DocumentPageCursor): void => {
  if (typeof after !== 'object' || after === null || !Number.isSafeInteger(after.lastChangeAt) || typeof after.name !== 'string') {
    throw new PersistenceError('invalid-argument', 'A page cursor needs a whole lastChangeAt and a name');
  }
};

/**
 * The SQL condition keeping the names of a reader's `scope` (its parameters added to `params`): '' when the
 * scope allows every name, undefined when it allows none (the listing is empty).
 */
export function scopeCondition(dialect: PageDialect, params: unknown[], scope: DocumentScope | undefined): string | undefined {
  if (scope === undefined || scope.prefixes.includes('')) return '';
  const allowed = [
    ...(scope.names.length > 0 ? [dialect.inNames(params, scope.names)] : []),
    ...scope.prefixes.map((prefix) => dialect.startsWith(params, prefix)),
  ];
  return allowed.length === 0 ? undefined : `(${allowed.join(' OR ')})`;
}

/** The SQL and parameters of a page query, or undefined when the scope allows nothing (the page is empty). */
export function documentPageSql(dialect: PageDialect, query: DocumentPageQuery): { sql: string; params: unknown[] } | undefined {
  const { limit, search, after, scope } = query;
  const sort = query.sort ?? 'lastChange';
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new PersistenceError('invalid-argument', `A page holds 1 to ${MAX_PAGE_SIZE} documents, not ${String(limit)}`);
  }
  if (sort !== 'lastChange' && sort !== 'name') throw new PersistenceError('invalid-argument', `Unknown document order ${JSON.stringify(sort)}`);
  if (after !== undefined) checkCursor(after);
  const params: unknown[] = [];
  const where = ['NOT EXISTS (SELECT 1 FROM trash t WHERE t.doc_id = d.id)'];
  const inScope = scopeCondition(dialect, params, scope);
  if (inScope === undefined) return undefined;
  if (inScope !== '') where.push(inScope);
  if (search !== undefined && search !== '') where.push(dialect.contains(params, search));
  const n = dialect.name;
  if (after !== undefined && sort === 'name') where.push(`${n} > ${dialect.param(params, after.name)}`);
  if (after !== undefined && sort === 'lastChange') {
    // `<=` first: the index range starts at the cursor (an OR alone would make the engines scan from the top).
    const at = dialect.param(params, after.lastChangeAt);
    const again = dialect.param(params, after.lastChangeAt);
    where.push(`d.last_change_at <= ${at} AND (d.last_change_at < ${again} OR ${n} > ${dialect.param(params, after.name)})`);
  }
  const order = sort === 'name' ? n : `d.last_change_at DESC, ${n}`;
  // The last update's author; when compaction merged several people's updates into it (author
  // `compacted`), the author of its sessions' latest run.
  const sql = `SELECT d.*, (SELECT COALESCE(
        (SELECT s.author FROM compacted_sessions s WHERE s.doc_id = u.doc_id AND s.entry_seq = u.seq ORDER BY s.to_seq DESC, s.ended_at DESC LIMIT 1),
        u.author)
      FROM updates u WHERE u.doc_id = d.id ORDER BY u.seq DESC LIMIT 1) AS last_author
    FROM documents d WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${dialect.param(params, limit + 1)}`;
  return { sql, params };
}

/** The page of rows read with `documentPageSql` (one more than the limit, when there is a next page). */
export function toDocumentPage(rows: readonly DocumentPageRow[], limit: number): DocumentPage {
  const documents: ListedDocument[] = rows.slice(0, limit).map((r) => ({ ...toInfo(r), lastAuthor: r.last_author }));
  const last = documents.at(-1);
  return { documents, next: rows.length > limit && last !== undefined ? { lastChangeAt: last.lastChangeAt, name: last.name } : null };
}
