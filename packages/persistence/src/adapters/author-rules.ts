// The authors table as both adapters keep it: its row, and the one rule for folding sightings (and
// imported records) into what is stored, applied in TypeScript inside each adapter's transaction so
// that SQLite and PostgreSQL cannot drift apart.

import { authorColor } from '../authors/author-palette.js';
import { PersistenceError } from '../errors.js';
import type { AuthorRecord, AuthorSighting } from '../types.js';

export interface AuthorRow {
  id: string;
  name: string;
  color: string;
  /** 0/1 in SQLite, boolean in PostgreSQL. */
  verified: number | boolean;
  first_seen: number;
  last_seen: number;
}

export const toAuthor = (r: AuthorRow): AuthorRecord => ({
  id: r.id,
  name: r.name,
  color: r.color,
  verified: r.verified === true || r.verified === 1,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
});

/** Author ids and names are bounded so that a client cannot grow the table row by row without limit. */
const MAX_ID_LENGTH = 256;
const MAX_NAME_LENGTH = 200;
const COLOR = /^#[0-9a-f]{6}$/;

function checkAuthor(id: string, name: string, times: readonly number[]): void {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new PersistenceError('invalid-argument', `Author id ${JSON.stringify(id)} must be 1..${MAX_ID_LENGTH} characters`);
  }
  if (typeof name !== 'string' || name.length > MAX_NAME_LENGTH) {
    throw new PersistenceError('invalid-argument', `Author ${JSON.stringify(id)}: the name must be at most ${MAX_NAME_LENGTH} characters`);
  }
  if (!times.every((t) => Number.isSafeInteger(t) && t >= 0)) {
    throw new PersistenceError('invalid-argument', `Author ${JSON.stringify(id)}: times must be non-negative integers (ms since epoch)`);
  }
}

/** Sightings folded per id, in the shape of a record without its colour. */
export type AuthorFold = Omit<AuthorRecord, 'color'> & { readonly color?: string };

export function foldSightings(sightings: readonly AuthorSighting[]): AuthorFold[] {
  const byId = new Map<string, AuthorFold>();
  for (const s of sightings) {
    checkAuthor(s.id, s.name, [s.seenAt]);
    const seen: AuthorFold = { id: s.id, name: s.name, verified: s.verified === true, firstSeen: s.seenAt, lastSeen: s.seenAt };
    const held = byId.get(s.id);
    byId.set(s.id, held === undefined ? seen : merge(held, seen));
  }
  return [...byId.values()];
}

export function checkAuthorRecords(records: readonly AuthorRecord[]): readonly AuthorFold[] {
  for (const r of records) {
    checkAuthor(r.id, r.name, [r.firstSeen, r.lastSeen]);
    if (!COLOR.test(r.color)) throw new PersistenceError('invalid-argument', `Author ${JSON.stringify(r.id)}: colour ${JSON.stringify(r.color)} is not '#rrggbb'`);
  }
  return records;
}

/**
 * `incoming` folded into `held`: the name of whichever was seen last (incoming on a tie), lastSeen the
 * later, firstSeen the earlier, verified once either is; the colour is held's (assigned once).
 */
function merge<T extends AuthorFold>(held: T, incoming: AuthorFold): T {
  return {
    ...held,
    name: incoming.lastSeen >= held.lastSeen ? incoming.name : held.name,
    verified: held.verified || incoming.verified,
    firstSeen: Math.min(held.firstSeen, incoming.firstSeen),
    lastSeen: Math.max(held.lastSeen, incoming.lastSeen),
  };
}

/**
 * The rows to write for `incoming`, given what is `stored` of those ids and how many authors the table
 * holds (`known`): a new id gets its own colour if it brings one (import), else the palette's next.
 * Rows that would not change are left out.
 */
export function planAuthors(stored: readonly AuthorRecord[], incoming: readonly AuthorFold[], known: number): { rows: AuthorRecord[]; inserted: number } {
  const held = new Map(stored.map((r) => [r.id, r]));
  const rows = new Map<string, AuthorRecord>(); // one row per id, however often it comes
  let inserted = 0;
  for (const a of incoming) {
    const before = held.get(a.id);
    if (before === undefined) {
      const row: AuthorRecord = { ...a, color: a.color ?? authorColor(known + inserted) };
      inserted += 1;
      held.set(a.id, row);
      rows.set(a.id, row);
      continue;
    }
    const after = merge(before, a);
    if (after.name !== before.name || after.verified !== before.verified || after.firstSeen !== before.firstSeen || after.lastSeen !== before.lastSeen) {
      held.set(a.id, after);
      rows.set(a.id, after);
    }
  }
  return { rows: [...rows.values()], inserted };
}
