// Names and colours for the author ids an answer mentions: each one's record where the store has one,
// else what describeAuthor derives from the id. A store that cannot answer right now costs the names,
// not the answer.

import { type AuthorInfo, describeAuthor, type DocumentStore } from '@tandem/persistence';

export type { AuthorInfo };

export async function describeAuthors(store: DocumentStore, ids: readonly string[]): Promise<Record<string, AuthorInfo>> {
  const records = ids.length === 0 ? [] : await store.listAuthors(ids).catch(() => []);
  const byId = new Map(records.map((r) => [r.id, r]));
  return Object.fromEntries(ids.map((id) => [id, describeAuthor(id, byId.get(id))]));
}
