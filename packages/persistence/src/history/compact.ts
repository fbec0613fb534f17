// Compaction with a retention policy: every update younger than `keepAllForMs` is kept as it is;
// older ones are merged so that one version per `bucketMs` (an hour, say; or per MAX_RANGE_UPDATES
// in a bucket that holds more) remains. The latest content
// and every named version stay exactly as they were (a named version's seq always ends a bucket), and
// each merged range keeps its edit sessions (authors, times, sizes; see boundSessions) for the timeline.
//
// n·log n in the updates it touches: one pass finds the ranges to merge (keeping only their bounds),
// a second reads each range once, merges it in levels (see mergeInLevels) and replaces it. It yields
// to the event loop between chunks, merge steps and ranges, so a server running it keeps serving.

import * as Y from 'yjs';
import { PersistenceError } from '../errors.js';
import type { CompactedSession, DocumentStore, StoredUpdate } from '../types.js';
import { boundSessions, MAX_SESSIONS_PER_RANGE, readMergedSessions, SESSION_GAP_MS } from './compacted-sessions.js';
import { deletedThrough, SessionGrouper } from './timeline.js';
import type { DeletedIds } from './session-tally.js';
import { COMPACTED_AUTHOR } from '../authors/describe-author.js';
import { buildMergedAuthorship, mergedAuthorshipOf } from './merged-authorship.js';
import { decodeStored } from './decode-stored.js';

export interface RetentionPolicy {
  /** Keep every update received within this long before `now`. */
  readonly keepAllForMs: number;
  /** Older updates: one version per bucket of this length. */
  readonly bucketMs: number;
}

export interface CompactReport {
  readonly doc: string;
  readonly updatesBefore: number;
  readonly updatesAfter: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  readonly rangesMerged: number;
  /**
   * Ranges left as they were because a version was named inside one while the run went on (the store
   * refused the merge with `conflict`); the next run, starting at `settledThroughSeq`, merges them
   * around the version.
   */
  readonly rangesSkipped: number;
  /**
   * Every update up to this seq lies in a bucket wholly older than the cutoff, done with: later runs
   * with the same policy can start after it (`afterSeq`). The bucket the cutoff falls in is read again
   * next time, so its part merged now and its later updates become one.
   */
  readonly settledThroughSeq: number;
}

export interface CompactOptions {
  readonly now?: number;
  readonly dryRun?: boolean;
  /** Start after this seq (a previous run's `settledThroughSeq`); default 0. */
  readonly afterSeq?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Stops between ranges once aborted (a server shutting down); the report says how far it got. */
  readonly signal?: AbortSignal;
}

const CHUNK = 5_000;
/**
 * At most this many updates become one: a bucket that holds more (a busy hour) keeps one version per
 * this many, so that no single read, merge or replacing transaction pauses a server for long.
 */
const MAX_RANGE_UPDATES = 4_000;
/** Updates merged per Y.mergeUpdates call (see mergeInLevels). */
const MERGE_FAN = 32;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Range {
  readonly fromSeq: number;
  readonly toSeq: number;
}

export async function compactDocument(
  store: DocumentStore,
  doc: string,
  policy: RetentionPolicy,
  { now = Date.now(), dryRun = false, afterSeq = 0, onProgress = () => {}, signal }: CompactOptions = {},
): Promise<CompactReport> {
  if (!(policy.bucketMs > 0) || !(policy.keepAllForMs >= 0)) throw new RangeError(`Invalid retention policy ${JSON.stringify(policy)}`);
  const info = await store.getDocument(doc);
  if (info === undefined) throw new Error(`No document named ${JSON.stringify(doc)}`);
  const protectedSeqs = new Set((await store.listVersions(doc)).map((v) => v.seq));
  protectedSeqs.add(info.lastSeq);
  // A restore stays apart, the update before it ending a range: "Undo restore" takes back the restore's
  // own update against the version just before it.
  for (const restore of await store.listRestores(doc)) {
    protectedSeqs.add(restore.seq - 1);
    protectedSeqs.add(restore.seq);
  }
  const cutoff = now - policy.keepAllForMs;
  const cutoffBucket = Math.floor(cutoff / policy.bucketMs);

  // Pass 1: the runs of updates that share a bucket and hold no protected seq except at their end
  // (nor more than MAX_RANGE_UPDATES).
  // Updates appended after `info` was read are never touched (a live room appends meanwhile).
  const ranges: Range[] = [];
  let start: StoredUpdate | undefined;
  let end: StoredUpdate | undefined;
  let count = 0;
  let settledThroughSeq = afterSeq;
  const close = () => {
    if (count > 1) ranges.push({ fromSeq: start!.seq, toSeq: end!.seq });
    start = end = undefined;
    count = 0;
  };
  for (let after = afterSeq; ; ) {
    const batch = await store.readUpdates(doc, { afterSeq: after, toSeq: info.lastSeq, limit: CHUNK });
    let reachedRecent = false;
    for (const u of batch) {
      if (u.receivedAt >= cutoff) {
        reachedRecent = true;
        break;
      }
      if (end !== undefined && Math.floor(u.receivedAt / policy.bucketMs) !== Math.floor(end.receivedAt / policy.bucketMs)) close();
      start ??= u;
      end = u;
      count += 1;
      if (Math.floor(u.receivedAt / policy.bucketMs) < cutoffBucket) settledThroughSeq = u.seq;
      if (protectedSeqs.has(u.seq) || count === MAX_RANGE_UPDATES) close();
    }
    if (reachedRecent || batch.length < CHUNK) break;
    after = batch.at(-1)!.seq;
    await yieldToEventLoop();
    if (signal?.aborted) return { ...unchanged(doc, info), settledThroughSeq: afterSeq };
  }
  close();

  // Pass 2: each range read once, merged, and replaced with its sessions.
  // The ids deleted through the last range read: the next one's sessions read on from there.
  let known: { seq: number; deleted: DeletedIds } | undefined;
  let removed = 0;
  let bytesSaved = 0;
  let merged = 0;
  let skipped = 0;
  for (const [i, range] of ranges.entries()) {
    if (signal?.aborted) {
      settledThroughSeq = Math.min(settledThroughSeq, i === 0 ? afterSeq : ranges[i - 1]!.toSeq);
      break;
    }
    const group = await store.readUpdates(doc, { afterSeq: range.fromSeq - 1, toSeq: range.toSeq });
    const last = group.at(-1)!;
    let update: Uint8Array;
    let sessions: CompactedSession[];
    let authorship: ReturnType<typeof buildMergedAuthorship> | undefined;
    try {
      update = await mergeInLevels(group.map((u) => u.update));
      let deleted: DeletedIds;
      ({ sessions, deleted } = await sessionsOf(store, doc, group, known));
      known = { seq: range.toSeq, deleted };
      const authors = new Set(sessions.map((s) => s.author));
      // Several people's updates become one row of one author (`compacted`): who wrote what in it is kept
      // in its authorship table, for authorship colours, diffs and who may edit a comment.
      // One person's range needs no table only while the row's author and time say it all: every update of
      // it arrived in the second the merged one is dated by (the table keeps insertion times to the second),
      // and none is a merged update whose own table would be dropped with the range.
      const second = (at: number) => Math.floor(at / 1000);
      const plain = authors.size === 1 && group.every((u) => u.author !== COMPACTED_AUTHOR && second(u.receivedAt) === second(last.receivedAt));
      authorship = plain ? undefined : buildMergedAuthorship(doc, group, await mergedAuthorshipOf(store, doc, group));
    } catch (error) {
      throw unreadable(doc, group, error);
    }
    if (!dryRun) {
      try {
        await store.replaceRange(
          doc,
          range.fromSeq,
          range.toSeq,
          { update, author: authorship === undefined ? last.author : COMPACTED_AUTHOR, receivedAt: last.receivedAt, authorship },
          sessions,
          group.length,
          group[0]!.update,
        );
      } catch (error) {
        // The range changed since it was read: a version was named inside it (after pass 1 read them),
        // or another compaction merged part of it (or merged its first update with those before it). Leave it, and say it is not settled, so that the next
        // run reads it again (and splits it at the version). Later ranges are not affected.
        if (!(error instanceof PersistenceError && error.code === 'conflict')) throw error;
        skipped += 1;
        settledThroughSeq = Math.min(settledThroughSeq, range.fromSeq - 1);
        onProgress(i + 1, ranges.length);
        continue;
      }
    }
    merged += 1;
    removed += group.length - 1;
    bytesSaved += group.reduce((n, u) => n + u.update.byteLength, 0) - update.byteLength;
    onProgress(i + 1, ranges.length);
    await yieldToEventLoop();
  }
  return {
    doc,
    updatesBefore: info.updateCount,
    updatesAfter: info.updateCount - removed,
    bytesBefore: info.sizeBytes,
    bytesAfter: info.sizeBytes - bytesSaved,
    rangesMerged: merged,
    rangesSkipped: skipped,
    settledThroughSeq,
  };
}

/**
 * What to say when a range cannot be merged: lib0 throws a bare "Unexpected end of array" for a damaged
 * update, so the range's updates are decoded one by one to name the first that fails; a PersistenceError
 * that does not name the document is given its name. Nothing of the range was changed.
 */
function unreadable(doc: string, group: readonly StoredUpdate[], error: unknown): Error {
  if (error instanceof PersistenceError) {
    if (error.code !== 'corrupt-data' || error.doc !== undefined) return error;
    return new PersistenceError('corrupt-data', `${error.message} (document ${JSON.stringify(doc)})`, doc, { cause: error });
  }
  for (const u of group) {
    try {
      decodeStored(doc, u);
    } catch (damaged) {
      return damaged as PersistenceError;
    }
  }
  const range = `${group[0]!.seq}-${group.at(-1)!.seq}`;
  return new PersistenceError('corrupt-data', `Updates ${range} of ${JSON.stringify(doc)} cannot be merged: ${(error as Error).message}`, doc, { cause: error });
}

function unchanged(doc: string, info: { updateCount: number; sizeBytes: number }): Omit<CompactReport, 'settledThroughSeq'> {
  return { doc, updatesBefore: info.updateCount, updatesAfter: info.updateCount, bytesBefore: info.sizeBytes, bytesAfter: info.sizeBytes, rangesMerged: 0, rangesSkipped: 0 };
}

/**
 * Y.mergeUpdates costs more than linear in the number of updates merged in one call (8 000 typed
 * updates: 1.4 s; in groups of 32, level by level: 75 ms, the same bytes), so a range is merged in
 * levels, n·log n, yielding to the event loop as it goes.
 */
async function mergeInLevels(updates: readonly Uint8Array[]): Promise<Uint8Array> {
  let level = updates;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += MERGE_FAN) {
      next.push(Y.mergeUpdates(level.slice(i, i + MERGE_FAN)));
      if (next.length % 64 === 0) await yieldToEventLoop();
    }
    level = next;
  }
  return level[0] ?? Y.mergeUpdates([]);
}

/**
 * The edit sessions of a range about to be merged, as runs: one per author per session (each author's
 * counts net of churn within the session), at most MAX_SESSIONS_PER_RANGE. An update merged earlier
 * brings its own runs.
 */
async function sessionsOf(
  store: DocumentStore,
  doc: string,
  group: readonly StoredUpdate[],
  known?: { readonly seq: number; readonly deleted: DeletedIds },
): Promise<{ sessions: CompactedSession[]; deleted: DeletedIds }> {
  const first = group[0]!.seq;
  const earlier = await readMergedSessions(store, doc, { afterSeq: first - 1, toSeq: group.at(-1)!.seq, pageStart: 0 });
  // Deletions sent again (a reconnecting client's) of what was deleted before the range remove nothing.
  const grouper = new SessionGrouper(SESSION_GAP_MS, await deletedThrough(store, doc, first - 1, known));
  for (const [i, u] of group.entries()) {
    if (i % 500 === 499) await yieldToEventLoop(); // decoding every update adds up
    grouper.add(u, earlier.get(u.seq));
  }
  return { sessions: boundSessions(grouper.sessions.map((s) => s.tally.runs()), MAX_SESSIONS_PER_RANGE), deleted: grouper.deleted };
}
