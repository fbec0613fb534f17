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

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Adds `session` to `sessions`: into the last one when it is the same author's within `gapMs`, else as a new one. */
export function addSession(sessions: Array<Mutable<CompactedSession>>, session: CompactedSession, gapMs: number): void {
  const last = sessions.at(-1);
  if (last !== undefined && last.author === session.author && session.startedAt - last.endedAt <= gapMs) {
    last.toSeq = session.toSeq;
    last.endedAt = session.endedAt;
    last.updates += session.updates;
    last.added += session.added;
    last.removed += session.removed;
  } else {
    sessions.push({ ...session });
  }
}

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
 * At most `max` sessions, in order: while there are more, neighbours are joined in pairs. A joined
 * session of several authors names them all, in order of appearance ("alice, bob").
 */
export function boundSessions(sessions: readonly CompactedSession[], max: number): CompactedSession[] {
  let level = sessions.map((s) => ({ session: s, authors: new Set([s.author]) }));
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
      const [x, y] = [a.session, b.session];
      next.push({
        authors,
        session: {
          fromSeq: x.fromSeq,
          toSeq: y.toSeq,
          author: [...authors].join(', '),
          startedAt: x.startedAt,
          endedAt: y.endedAt,
          updates: x.updates + y.updates,
          added: x.added + y.added,
          removed: x.removed + y.removed,
        },
      });
    }
    level = next;
  }
  return level.map((l) => l.session);
}
