// The edit sessions inside ranges that compaction merged into one update: worked out when a range is
// merged, stored beside the merged update, and put back in its place when the timeline is read.

import type { CompactedSession, DocumentStore } from '../types.js';

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

export interface MergedSessions {
  /** Stored sessions, by the seq of the merged update they stand in for. */
  readonly bySeq: Map<number, CompactedSession[]>;
  /** Set when `max` sessions were read: later ones (of this merged update and after) were not. */
  readonly cutAt?: number;
}

/**
 * The stored sessions of merged updates with `afterSeq < seq <= toSeq`, at most `max` of them (a merged
 * range of concurrent typists holds about one per update). Sessions that end at or before `pageStart`
 * are left out: a timeline page may end inside a merged range.
 */
export async function readMergedSessions(
  store: DocumentStore,
  doc: string,
  { afterSeq, toSeq, pageStart, max }: { afterSeq: number; toSeq: number; pageStart: number; max?: number },
): Promise<MergedSessions> {
  const bySeq = new Map<number, CompactedSession[]>();
  const rows = await store.readCompactedSessions(doc, { afterSeq, toSeq, endingAfter: pageStart, limit: max });
  for (const { entrySeq, ...session } of rows) {
    let list = bySeq.get(entrySeq);
    if (list === undefined) bySeq.set(entrySeq, (list = []));
    list.push(session);
  }
  return max !== undefined && rows.length === max ? { bySeq, cutAt: rows.at(-1)!.entrySeq } : { bySeq };
}

/**
 * A timeline page whose reading stopped where stored sessions were cut off: its last session may
 * continue past the cut, so the page ends before it (unless it is the only one).
 */
export function pageBeforeCut<S extends CompactedSession>(sessions: S[], limit: number): { sessions: S[]; nextAfterSeq: number } {
  const page = sessions.length > limit ? sessions.slice(0, limit) : sessions.length > 1 ? sessions.slice(0, -1) : sessions;
  return { sessions: page, nextAfterSeq: page.at(-1)!.toSeq };
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
