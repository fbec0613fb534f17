// Names and colours for the author ids a history answer mentions.
// TEMPORARY until f16-authors is merged: then store.listAuthors + describeAuthor.

import type { DocumentStore } from '@tandem/persistence';

export interface AuthorInfo {
  readonly name: string;
  readonly color: string;
  readonly verified: boolean;
}

const PALETTE = ['#d7263d', '#1b998b', '#2e86ab', '#f46036', '#6a4c93', '#3d9970', '#c5283d', '#e9a03b'];

function describe(id: string): AuthorInfo {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  const name = id.startsWith('conn-') ? `Guest ${id.slice(5, 11)}` : id;
  return { name, color: PALETTE[h % PALETTE.length]!, verified: false };
}

export async function describeAuthors(_store: DocumentStore, ids: readonly string[]): Promise<Record<string, AuthorInfo>> {
  return Object.fromEntries(ids.map((id) => [id, describe(id)]));
}
