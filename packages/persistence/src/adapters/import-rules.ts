// What every adapter's import (DocumentStore.importUpdates / importVersions / importCompactedSessions)
// checks the same way: seqs it can write, which rows already stored count as "the same", and the
// conflict errors that name the document and the seq.

import { PersistenceError } from '../errors.js';
import type { MergedAuthorship, NamedVersion, StoredCompactedSession, StoredMergedAuthorship, StoredUpdate } from '../types.js';

/** Seqs must be positive safe integers, strictly rising within one call. */
export function checkImportSeqs(doc: string, updates: readonly StoredUpdate[]): void {
  updates.forEach((u, i) => {
    if (!Number.isSafeInteger(u.seq) || u.seq < 1 || (i > 0 && u.seq <= updates[i - 1]!.seq)) {
      throw new PersistenceError('invalid-argument', `Imported seqs must be positive and rising; got ${u.seq} at position ${i}`, doc);
    }
  });
}

export const importConflict = (doc: string, seq: number) =>
  new PersistenceError('conflict', `Document ${JSON.stringify(doc)} already holds a different update at seq ${seq}`, doc);

export const sessionConflict = (doc: string, s: StoredCompactedSession) =>
  new PersistenceError(
    'conflict',
    `Document ${JSON.stringify(doc)} already holds a different compacted session at entry seq ${s.entrySeq}, from seq ${s.fromSeq}`,
    doc,
  );

export const sameSession = (a: StoredCompactedSession, b: StoredCompactedSession): boolean =>
  a.entrySeq === b.entrySeq &&
  a.fromSeq === b.fromSeq &&
  a.toSeq === b.toSeq &&
  a.author === b.author &&
  a.startedAt === b.startedAt &&
  a.endedAt === b.endedAt &&
  a.updates === b.updates &&
  a.added === b.added &&
  a.removed === b.removed;

/** Refuses authorship whose runs are not whole (5 numbers per inserted run, 4 per deleted) or name no author. */
export function checkMergedAuthorship(doc: string, a: MergedAuthorship): void {
  const ok =
    Array.isArray(a.authors) && a.authors.every((x) => typeof x === 'string') &&
    Array.isArray(a.inserted) && a.inserted.length % 5 === 0 && Array.isArray(a.deleted) && a.deleted.length % 4 === 0 &&
    [a.inserted, a.deleted].every((runs) => runs.every((n) => Number.isSafeInteger(n) && n >= 0)) &&
    a.inserted.every((n, i) => i % 5 !== 3 || n < a.authors.length) && a.deleted.every((n, i) => i % 4 !== 3 || n < a.authors.length);
  if (!ok) throw new PersistenceError('invalid-argument', 'Merged authorship must be whole runs naming listed authors', doc);
}

export const authorshipConflict = (doc: string, entrySeq: number) =>
  new PersistenceError('conflict', `Document ${JSON.stringify(doc)} already holds different merged authorship at entry seq ${entrySeq}`, doc);

export const sameAuthorship = (a: StoredMergedAuthorship, b: StoredMergedAuthorship): boolean =>
  a.entrySeq === b.entrySeq && JSON.stringify([a.authors, a.inserted, a.deleted]) === JSON.stringify([b.authors, b.inserted, b.deleted]);

export const versionKey = (v: Omit<NamedVersion, 'id'>): string => JSON.stringify([v.seq, v.label, v.author, v.createdAt]);

/** The versions of `wanted` not already in `stored`, counted as multisets of (seq, label, author, createdAt). */
export function missingVersions(stored: readonly Omit<NamedVersion, 'id'>[], wanted: readonly Omit<NamedVersion, 'id'>[]): Omit<NamedVersion, 'id'>[] {
  const have = new Map<string, number>();
  for (const v of stored) have.set(versionKey(v), (have.get(versionKey(v)) ?? 0) + 1);
  const missing: Omit<NamedVersion, 'id'>[] = [];
  for (const v of wanted) {
    const left = have.get(versionKey(v)) ?? 0;
    if (left > 0) have.set(versionKey(v), left - 1);
    else missing.push(v);
  }
  return missing;
}
