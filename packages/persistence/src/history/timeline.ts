// The timeline of a document: its updates grouped into edit sessions (consecutive updates by one
// author, each within `gapMs` of the previous), with how much text each added and removed.

import * as Y from 'yjs';
import type { CompactedSession, DocumentStore, StoredUpdate } from '../types.js';
import { addSession, pageBeforeCut, readMergedSessions } from './compacted-sessions.js';

/** Consecutive updates by one author, each within `gapMs` of the previous (the same shape compaction stores). */
export type EditSession = CompactedSession;

export function updateStats(update: Uint8Array): { added: number; removed: number } {
  const { structs, ds } = Y.decodeUpdate(update);
  let added = 0;
  for (const struct of structs) {
    const content = (struct as { content?: { str?: unknown } }).content;
    if (typeof content?.str === 'string') added += content.str.length;
  }
  let removed = 0;
  for (const ranges of ds.clients.values()) for (const range of ranges) removed += range.len;
  return { added, removed };
}

/** `merged`: the sessions stored for updates that compaction merged, by seq; they stand in for that update. */
export function groupSessions(
  updates: readonly StoredUpdate[],
  gapMs: number,
  merged?: ReadonlyMap<number, readonly CompactedSession[]>,
): EditSession[] {
  const sessions: Array<{ -readonly [K in keyof EditSession]: EditSession[K] }> = [];
  for (const u of updates) {
    const stored = merged?.get(u.seq);
    if (stored !== undefined) {
      for (const session of stored) addSession(sessions, session, gapMs);
      continue;
    }
    const { added, removed } = updateStats(u.update);
    const last = sessions.at(-1);
    if (last !== undefined && last.author === u.author && u.receivedAt - last.endedAt <= gapMs) {
      last.toSeq = u.seq;
      last.endedAt = u.receivedAt;
      last.updates += 1;
      last.added += added;
      last.removed += removed;
    } else {
      sessions.push({ fromSeq: u.seq, toSeq: u.seq, author: u.author, startedAt: u.receivedAt, endedAt: u.receivedAt, updates: 1, added, removed });
    }
  }
  return sessions;
}

export interface TimelinePage {
  readonly sessions: EditSession[];
  /** Pass as `afterSeq` for the next page; null at the end of the log. */
  readonly nextAfterSeq: number | null;
}

/** Up to `limit` sessions starting after `afterSeq`, reading the log in chunks. */
export async function readTimeline(
  store: DocumentStore,
  doc: string,
  { afterSeq = 0, limit = 50, gapMs = 60_000, chunk = 2_000 }: { afterSeq?: number; limit?: number; gapMs?: number; chunk?: number } = {},
): Promise<TimelinePage> {
  const updates: StoredUpdate[] = [];
  const merged = new Map<number, CompactedSession[]>();
  let cursor = afterSeq;
  for (;;) {
    let batch = await store.readUpdates(doc, { afterSeq: cursor, limit: chunk });
    const stored = batch.length === 0 ? undefined : await readMergedSessions(store, doc, { afterSeq: cursor, toSeq: batch.at(-1)!.seq, pageStart: afterSeq, max: 2 * limit + 2 });
    for (const [seq, sessions] of stored?.bySeq ?? []) merged.set(seq, sessions);
    if (stored?.cutAt !== undefined) batch = batch.filter((u) => u.seq <= stored.cutAt!);
    updates.push(...batch);
    const sessions = groupSessions(updates, gapMs, merged);
    if (stored?.cutAt !== undefined) return pageBeforeCut(sessions, limit);
    if (batch.length < chunk) return { sessions: sessions.slice(0, limit), nextAfterSeq: sessions.length > limit ? sessions[limit - 1]!.toSeq : null };
    // The last session may continue in the next chunk; the ones before it are complete.
    if (sessions.length > limit) return { sessions: sessions.slice(0, limit), nextAfterSeq: sessions[limit - 1]!.toSeq };
    cursor = batch.at(-1)!.seq;
  }
}
