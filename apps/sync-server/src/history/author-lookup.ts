// The `authors` lookup the history API puts beside what it returns: every author id a page or a diff
// mentions → the name, colour and verified flag to show, from the authors table where there is a record
// and from the id itself where there is none (describeAuthor). Names are read when asked, so a rename
// shows everywhere without rewriting the log.

import { type AuthorInfo, describeAuthor, type DocumentStore } from '@tandem/persistence';

export type AuthorLookup = Record<string, AuthorInfo>;

export async function authorLookup(store: DocumentStore, ids: Iterable<string>): Promise<AuthorLookup> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return {};
  const records = new Map((await store.listAuthors(unique)).map((r) => [r.id, r]));
  // A null-prototype object: an author id is any string a token may carry ("__proto__" included).
  const lookup: AuthorLookup = Object.create(null) as AuthorLookup;
  for (const id of unique) lookup[id] = describeAuthor(id, records.get(id));
  return lookup;
}
