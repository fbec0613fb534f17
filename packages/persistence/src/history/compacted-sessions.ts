// The edit sessions inside ranges that compaction merged into one update: worked out when a range is
// merged, stored beside the merged update, and put back in its place when the timeline is read.

import type { CompactedSession, DocumentStore, StoredCompactedSession } from '../types.js';

/** The gap that ends a session when compaction records them: the timeline's default. */
export const SESSION_GAP_MS = 60_000;

/**
 * Sessions kept per merged range at most. Concurrent typists alternate every keystroke, one session
 * per update: stored one by one they would take more room than the updates compaction removed.
 */
export const MAX_SESSIONS_PER_RANGE = 200;

/**
 * The stored sessions of merged updates with `afterSeq < seq <= toSeq`, by the seq of the merged update
 * they stand in for. Sessions that end at or before `pageStart` are left out.
 */
export async function readMergedSessions(
  store: DocumentStore,
  doc: string,
  { afterSeq, toSeq, pageStart }: { afterSeq: number; toSeq: number; pageStart: number },
): Promise<Map<number, CompactedSession[]>> {
  return bySeq(await store.readCompactedSessions(doc, { afterSeq, toSeq, endingAfter: pageStart }));
}

/** Stored sessions by the seq of the merged update they stand in for, in the order read. */
export function bySeq(rows: readonly StoredCompactedSession[]): Map<number, CompactedSession[]> {
  const out = new Map<number, CompactedSession[]>();
  for (const { entrySeq, ...session } of rows) {
    let list = out.get(entrySeq);
    if (list === undefined) out.set(entrySeq, (list = []));
    list.push(session);
  }
  return out;
}

/**
 * At most `max` runs from the runs of each session (one per author, see SessionTally.runs): while there
 * are more, neighbouring sessions are joined in pairs, each author's runs into one. Only a single
 * session of more than `max` authors has runs of several authors joined, naming them all ("alice, bob").
 */
export function boundSessions(sessions: ReadonlyArray<readonly CompactedSession[]>, max: number): CompactedSession[] {
  let level = sessions.filter((s) => s.length > 0);
  const count = () => level.reduce((n, s) => n + s.length, 0);
  while (level.length > 1 && count() > max) {
    const next: CompactedSession[][] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? joinByAuthor([...level[i]!, ...level[i + 1]!]) : [...level[i]!]);
    level = next;
  }
  const runs = level.flat();
  return runs.length > max ? joinInPairs(runs, max) : runs;
}

function join(x: CompactedSession, y: CompactedSession, author: string): CompactedSession {
  return {
    fromSeq: Math.min(x.fromSeq, y.fromSeq),
    toSeq: Math.max(x.toSeq, y.toSeq),
    author,
    startedAt: Math.min(x.startedAt, y.startedAt),
    endedAt: Math.max(x.endedAt, y.endedAt),
    updates: x.updates + y.updates,
    added: x.added + y.added,
    removed: x.removed + y.removed,
  };
}

/** One run per author, ordered by first seq. */
function joinByAuthor(runs: readonly CompactedSession[]): CompactedSession[] {
  const byAuthor = new Map<string, CompactedSession>();
  for (const run of runs) {
    const seen = byAuthor.get(run.author);
    byAuthor.set(run.author, seen === undefined ? run : join(seen, run, run.author));
  }
  return [...byAuthor.values()].sort((a, b) => a.fromSeq - b.fromSeq);
}

/** Neighbouring runs joined in pairs until at most `max` remain; a joined run names its authors in order. */
function joinInPairs(runs: readonly CompactedSession[], max: number): CompactedSession[] {
  let level = runs.map((s) => ({ session: s, authors: new Set([s.author]) }));
  while (level.length > max) {
    const next: typeof level = [];
    for (let i = 0; i < level.length; i += 2) {
      const a = level[i]!;
      const b = level[i + 1];
      if (b === undefined) {
        next.push(a);
        continue;
      }
      const authors = new Set([...a.authors, ...b.authors]);
      next.push({ authors, session: join(a.session, b.session, [...authors].join(', ')) });
    }
    level = next;
  }
  return level.map((l) => l.session);
}
