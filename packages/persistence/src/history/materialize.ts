// The document at any point of its history: the nearest checkpoint at or before that point plus the
// log tail up to it.

import * as Y from 'yjs';
import { PersistenceError } from '../errors.js';
import type { DocumentStore } from '../types.js';

/** A point in a document's history: a sequence number, or a time (ms since epoch). */
export type HistoryPoint = { readonly seq: number } | { readonly at: number };

/**
 * The seq a point refers to; throws PersistenceError 'not-found' / 'out-of-range'. A seq that
 * compaction merged away (the timeline still lists the edit sessions inside a merged range) resolves
 * to the merged update that now holds it: the first state that includes it. Materialized as it is,
 * it would leave out everything from the start of the range up to it.
 */
export async function resolveSeq(store: DocumentStore, doc: string, point: HistoryPoint): Promise<number> {
  const info = await store.getDocument(doc);
  if (info === undefined) throw new PersistenceError('not-found', `No document named ${JSON.stringify(doc)}`, doc);
  if ('seq' in point) {
    if (!Number.isInteger(point.seq) || point.seq < 0 || point.seq > info.lastSeq) {
      throw new PersistenceError('out-of-range', `Sequence number ${point.seq} is outside 0..${info.lastSeq}`, doc);
    }
    if (point.seq === 0) return 0;
    // The log's last seq is never merged away, so there is always one.
    return (await store.seqAtOrAfter(doc, point.seq)) ?? point.seq;
  }
  if (!Number.isFinite(point.at)) throw new PersistenceError('out-of-range', 'The time is not valid', doc);
  const before = await store.seqAt(doc, point.at);
  // A merged update is dated by the last update of its range: a time inside the range finds the update
  // before the range, which leaves out what was written in it up to that time. The range's sessions keep
  // when it started; a time at or after that is inside it, and, as for a seq merged away, the answer is
  // the merged update that holds what was there then.
  const next = await store.seqAtOrAfter(doc, before + 1);
  if (next === undefined || next === before + 1) return before;
  const sessions = await store.readCompactedSessions(doc, { afterSeq: next - 1, toSeq: next });
  return sessions.some((s) => s.startedAt <= point.at) ? next : before;
}

export interface MaterializeOptions {
  /**
   * Keep deleted content (default false). Checkpoints were taken from garbage-collected documents,
   * so content deleted before the checkpoint used is gone either way; content deleted in the tail is kept.
   */
  readonly keepDeleted?: boolean;
}

/** A new Y.Doc holding `doc` exactly as it was after update `seq` (0: empty). */
export async function materialize(store: DocumentStore, doc: string, seq: number, options: MaterializeOptions = {}): Promise<Y.Doc> {
  const ydoc = new Y.Doc({ gc: options.keepDeleted !== true });
  if (seq === 0) return ydoc;
  const checkpoint = await store.latestCheckpoint(doc, seq);
  const tail = await store.readUpdates(doc, { afterSeq: checkpoint?.seq ?? 0, toSeq: seq });
  try {
    Y.transact(ydoc, () => {
      if (checkpoint !== undefined) Y.applyUpdate(ydoc, checkpoint.state);
      for (const entry of tail) Y.applyUpdate(ydoc, entry.update);
    });
  } catch (cause) {
    throw new PersistenceError('corrupt-data', `Stored history of ${JSON.stringify(doc)} up to seq ${seq} cannot be applied`, doc, { cause });
  }
  return ydoc;
}
