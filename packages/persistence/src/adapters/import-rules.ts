// What every adapter's import (DocumentStore.importUpdates / importVersions / importCompactedSessions)
// checks the same way: seqs it can write, which rows already stored count as "the same", and the
// conflict errors that name the document and the seq.

import { PersistenceError } from '../errors.js';
import type { NamedVersion, StoredCompactedSession, StoredUpdate } from '../types.js';

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
