// The edit sessions inside ranges that compaction merged into one update: worked out when a range is
// merged, stored beside the merged update, and put back in its place when the timeline is read.

import type { CompactedSession, DocumentStore } from '../types.js';

/** The gap that ends a session when compaction records them: the timeline's default. */
export const SESSION_GAP_MS = 60_000;

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
 * The stored sessions of merged updates with `afterSeq < seq <= toSeq`, by the merged update's seq.
 * Sessions that end at or before `pageStart` are left out: a timeline page may end inside a merged range.
 */
export async function readMergedSessions(
  store: DocumentStore,
  doc: string,
  { afterSeq, toSeq, pageStart }: { afterSeq: number; toSeq: number; pageStart: number },
): Promise<Map<number, CompactedSession[]>> {
  const merged = new Map<number, CompactedSession[]>();
  for (const { entrySeq, ...session } of await store.readCompactedSessions(doc, { afterSeq, toSeq })) {
    if (session.toSeq <= pageStart) continue;
    let list = merged.get(entrySeq);
    if (list === undefined) merged.set(entrySeq, (list = []));
    list.push(session);
  }
  return merged;
}
