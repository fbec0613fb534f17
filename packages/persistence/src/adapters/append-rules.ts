// What every adapter checks the same way of the entries it appends or imports: authors and times every
// engine stores exactly, and the document an append was made for (AppendEntry.documentCreatedAt).

import { PersistenceError } from '../errors.js';

/**
 * What every engine stores exactly: an author without NUL (PostgreSQL's text cannot hold it) that is
 * well-formed UTF-16 (a lone surrogate would be stored as U+FFFD, so two authors could become one),
 * and a receive time in whole milliseconds (PostgreSQL's bigint). Anything else is refused before a
 * write, the same on every engine, rather than failing a whole batch or being stored altered.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether every engine stores `author` exactly as it is (see checkEntries): for a server to refuse such a user id up front. */
export const isStorableAuthor = (author: unknown): author is string => typeof author === 'string' && !author.includes('\u0000') && !LONE_SURROGATE.test(author);

export function checkEntries(doc: string, entries: readonly { readonly author: string; readonly receivedAt: number }[]): void {
  for (const e of entries) {
    if (!isStorableAuthor(e.author)) {
      throw new PersistenceError('invalid-argument', `Author ${JSON.stringify(String(e.author).slice(0, 80))} cannot be stored as it is (NUL or a lone surrogate)`, doc);
    }
    if (!Number.isSafeInteger(e.receivedAt)) {
      throw new PersistenceError('invalid-argument', `Receive time ${e.receivedAt} is not a whole number of milliseconds`, doc);
    }
  }
}

/**
 * The creation time of the document the entries of one append were written for (AppendEntry.documentCreatedAt),
 * if any says; entries of one document that name two are refused (conflict): they were not all made for one.
 */
export function expectedCreation(doc: string, entries: readonly { readonly documentCreatedAt?: number }[]): number | undefined {
  let expected: number | undefined;
  for (const e of entries) {
    if (e.documentCreatedAt === undefined) continue;
    if (!Number.isSafeInteger(e.documentCreatedAt)) {
      throw new PersistenceError('invalid-argument', `Document creation time ${e.documentCreatedAt} is not a whole number of milliseconds`, doc);
    }
    if (expected !== undefined && expected !== e.documentCreatedAt) throw documentReplaced(doc);
    expected = e.documentCreatedAt;
  }
  return expected;
}

/** An append made for a document the name no longer holds (see AppendEntry.documentCreatedAt). */
export const documentReplaced = (doc: string): PersistenceError =>
  new PersistenceError(
    'conflict',
    `${JSON.stringify(doc)} no longer holds the document this update was made for (deleted and purged, or the name taken by a new document)`,
    doc,
  );

/**
 * A document's last change time after an append whose latest update came at `latest`: that time if it
 * falls in a later second than the one stored, else the one stored. The document list's index is on it,
 * so a document being typed into has it (and that index) written once a second rather than once per
 * keystroke (about a fifth of a one-update commit's cost in SQLite; in PostgreSQL it kept every update of
 * the document row from being HOT). It is a time the document changed, at most a second before its last
 * change; the list orders documents by it, to the millisecond. Each update keeps its own time.
 */
export const lastChangeAfter = (stored: number, latest: number): number => (Math.floor(latest / 1000) > Math.floor(stored / 1000) ? latest : stored);
