// What a reader (history, diff, authorship colours) shows for an author id in the log: its record when
// there is one, else a name and colour derived from the id itself, the same every time.

import type { AuthorInfo, AuthorRecord } from '../types.js';
import { colorForId } from './author-palette.js';

/** Prefix of a self-declared (unverified) editor identity; see the sync server's ws-route. */
export const GUEST_PREFIX = 'guest:';
/** Prefix of a per-connection author (a client that presents no identity). */
export const CONNECTION_PREFIX = 'conn-';
/** The author compaction gives an update merged from several authors' edits. */
export const COMPACTED_AUTHOR = 'compacted';
/** Authors the server itself writes under: merged updates, and restores made without a token. */
const SERVER_AUTHORS = new Set([COMPACTED_AUTHOR, 'restore']);

export function describeAuthor(id: string, record?: AuthorRecord): AuthorInfo {
  if (record !== undefined) return { name: record.name, color: record.color, verified: record.verified };
  const color = colorForId(id);
  if (id.startsWith(CONNECTION_PREFIX)) {
    return { name: `Guest ${id.slice(CONNECTION_PREFIX.length).replaceAll('-', '').slice(0, 6)}`, color, verified: false };
  }
  // A guest whose record was not written (the store was down when they connected): not its 22-char id.
  if (id.startsWith(GUEST_PREFIX)) return { name: `Guest ${id.slice(GUEST_PREFIX.length, GUEST_PREFIX.length + 6)}`, color, verified: false };
  if (SERVER_AUTHORS.has(id)) return { name: id, color, verified: false };
  // Any other id is a token's subject: verified by the server that stored it.
  return { name: id, color, verified: true };
}
