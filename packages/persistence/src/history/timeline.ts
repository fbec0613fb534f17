// The timeline of a document: its updates grouped into edit sessions by time (consecutive updates less
// than `gapMs` apart, whoever made them), with every author who took part and what each added and removed.

import * as Y from 'yjs';
import { PersistenceError } from '../errors.js';
import type { CompactedSession, DocumentStore, StoredUpdate } from '../types.js';
import { bySeq, MAX_SESSIONS_PER_RANGE } from './compacted-sessions.js';
import { LogCache } from './log-cache.js';
import { DeletedIds, type SessionAuthor, SessionTally } from './session-tally.js';

export type { SessionAuthor } from './session-tally.js';

/**
 * Consecutive updates, each less than the gap after the previous, by one author or several. The
 * totals are the sums over `authors` (in order of first contribution), net of churn within the session.
 */
export interface EditSession {
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly updates: number;
  readonly added: number;
  readonly removed: number;
  readonly authors: SessionAuthor[];
}

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

interface OpenSession {
  readonly fromSeq: number;
  toSeq: number;
  readonly startedAt: number;
  endedAt: number;
  readonly tally: SessionTally;
}

/** The session as the timeline returns it: a copy, with its totals. */
function snapshot(s: OpenSession): EditSession {
  const authors = s.tally.authors.map((a) => ({ ...a }));
  const sum = (key: 'updates' | 'added' | 'removed') => authors.reduce((n, a) => n + a[key], 0);
  return { fromSeq: s.fromSeq, toSeq: s.toSeq, startedAt: s.startedAt, endedAt: s.endedAt, updates: sum('updates'), added: sum('added'), removed: sum('removed'), authors };
}

/** Groups updates into sessions as they are fed, in seq order; each update is looked at once. */
export class SessionGrouper {
  readonly sessions: OpenSession[] = [];

  /**
   * `deleted`: the ids deleted before the first update fed (see deletedThrough); empty when feeding
   * starts at seq 1. Grows with every update fed.
   */
  constructor(
    private readonly gapMs: number,
    readonly deleted = new DeletedIds(),
  ) {}

  /** `merged`: the runs stored for `u` when compaction merged it from a range; they stand in for it. */
  add(u: StoredUpdate, merged?: readonly CompactedSession[]): void {
    if (merged !== undefined) {
      for (const run of merged) this.session(run.fromSeq, run.toSeq, run.startedAt, run.endedAt).tally.addRun(run);
      // What it deleted is deleted before the updates after it, which may send those deletions again.
      this.deleted.addAll(decode(u).ds);
      return;
    }
    this.session(u.seq, u.seq, u.receivedAt, u.receivedAt).tally.addUpdate(u, decode(u), this.deleted);
  }

  /** The open session, extended to toSeq/endedAt, when `startedAt` is within the gap of its end; else a new one. */
  private session(fromSeq: number, toSeq: number, startedAt: number, endedAt: number): OpenSession {
    const last = this.sessions.at(-1);
    if (last !== undefined && startedAt - last.endedAt < this.gapMs) {
      last.toSeq = Math.max(last.toSeq, toSeq);
      last.endedAt = Math.max(last.endedAt, endedAt);
      return last;
    }
    last?.tally.seal();
    const next = { fromSeq, toSeq, startedAt, endedAt, tally: new SessionTally() };
    this.sessions.push(next);
    return next;
  }

  /** Sessions `start` to `end` (exclusive) as the timeline returns them. */
  slice(start: number, end?: number): EditSession[] {
    return this.sessions.slice(start, end).map(snapshot);
  }
}

function decode(u: StoredUpdate): ReturnType<typeof Y.decodeUpdate> {
  try {
    return Y.decodeUpdate(u.update);
  } catch (cause) {
    throw new PersistenceError('corrupt-data', `Update ${u.seq} cannot be decoded`, undefined, { cause });
  }
}

/**
 * The ids deleted in `doc` by its updates up to `seq`, from the checkpoint at or before it and the log
 * after that: what a grouper starting after `seq` needs to know which of its deletions are new. `known`:
 * the ids deleted through an earlier seq, read on from there instead (taken over, not copied).
 */
export async function deletedThrough(store: DocumentStore, doc: string, seq: number, known?: { readonly seq: number; readonly deleted: DeletedIds }): Promise<DeletedIds> {
  if (known !== undefined && known.seq <= seq) return readDeletions(store, doc, known.seq, seq, known.deleted);
  const deleted = new DeletedIds();
  if (seq <= 0) return deleted;
  const checkpoint = await store.latestCheckpoint(doc, seq);
  if (checkpoint !== undefined) {
    try {
      deleted.addAll(Y.decodeUpdate(checkpoint.state).ds);
    } catch (cause) {
      throw new PersistenceError('corrupt-data', `Checkpoint ${checkpoint.seq} cannot be decoded`, doc, { cause });
    }
  }
  return readDeletions(store, doc, checkpoint?.seq ?? 0, seq, deleted);
}

/** Adds the deletions of updates (after, to] to `into`. */
async function readDeletions(store: DocumentStore, doc: string, after: number, to: number, into: DeletedIds): Promise<DeletedIds> {
  while (after < to) {
    const batch = await store.readUpdates(doc, { afterSeq: after, toSeq: to, limit: 2_000 });
    for (const u of batch) into.addAll(decode(u).ds);
    if (batch.length === 0) break;
    after = batch.at(-1)!.seq;
  }
  return into;
}

/** `merged`: the runs stored for updates that compaction merged, by seq; they stand in for that update. */
export function groupSessions(
  updates: readonly StoredUpdate[],
  gapMs: number,
  merged?: ReadonlyMap<number, readonly CompactedSession[]>,
): EditSession[] {
  const grouper = new SessionGrouper(gapMs);
  for (const u of updates) grouper.add(u, merged?.get(u.seq));
  return grouper.slice(0);
}

export interface TimelinePage {
  readonly sessions: EditSession[];
  /** Pass as `afterSeq` for the next page; null at the end of the log. */
  readonly nextAfterSeq: number | null;
}

export interface TimelineOptions {
  readonly afterSeq?: number;
  readonly limit?: number;
  readonly gapMs?: number;
  /** The most updates read at once. */
  readonly chunk?: number;
  /** Keep the sessions read so far for the next page of the same document. */
  readonly cache?: TimelineCache;
}

/** Stored sessions read with one batch at most: a merged range holds at most MAX_SESSIONS_PER_RANGE. */
const MAX_SESSIONS_PER_BATCH = 4 * MAX_SESSIONS_PER_RANGE;

/**
 * Up to `size` updates after `cursor`, with the stored sessions of those that compaction merged (leaving
 * out sessions that end at or before `pageStart`: a page may begin inside a merged range). When a
 * batch holds more stored sessions than MAX_SESSIONS_PER_BATCH, it ends before the merged update whose
 * sessions were cut off, so every merged update it returns comes with all of its sessions.
 */
async function readBatch(store: DocumentStore, doc: string, cursor: number, size: number, pageStart: number) {
  const updates = await store.readUpdates(doc, { afterSeq: cursor, limit: size });
  const end = updates.length < size;
  if (updates.length === 0) return { updates, merged: new Map<number, CompactedSession[]>(), end };
  const range = { afterSeq: cursor, toSeq: updates.at(-1)!.seq, endingAfter: pageStart };
  let rows = await store.readCompactedSessions(doc, { ...range, limit: MAX_SESSIONS_PER_BATCH });
  let kept = updates;
  if (rows.length === MAX_SESSIONS_PER_BATCH) {
    const cut = rows.at(-1)!.entrySeq;
    kept = updates.filter((u) => u.seq < cut);
    rows = rows.filter((r) => r.entrySeq < cut);
    if (kept.length === 0) {
      // Only reachable if one merged update held more sessions than any compaction stores.
      kept = updates.slice(0, 1);
      rows = await store.readCompactedSessions(doc, { ...range, toSeq: kept[0]!.seq });
    }
  }
  return { updates: kept, merged: bySeq(rows), end: end && kept.length === updates.length };
}

/** Feeds `grouper` from the log after `cursor`, in chunks growing from 64 updates, until `enough()` or the end. */
async function feed(
  store: DocumentStore,
  doc: string,
  grouper: SessionGrouper,
  { cursor, pageStart, chunk }: { cursor: number; pageStart: number; chunk: number },
  enough: () => boolean,
) {
  if (enough()) return { cursor, end: false };
  for (let size = Math.min(64, chunk); ; size = Math.min(size * 2, chunk)) {
    const batch = await readBatch(store, doc, cursor, size, pageStart);
    for (const u of batch.updates) {
      grouper.add(u, batch.merged.get(u.seq));
      cursor = u.seq;
      if (enough()) return { cursor, end: false };
    }
    if (batch.end) return { cursor, end: true };
  }
}

/** `limit` sessions from `start`; complete ones only, unless the log ended. */
function page(grouper: SessionGrouper, start: number, limit: number): TimelinePage {
  const sessions = grouper.sessions;
  const more = sessions.length - start > limit;
  return {
    sessions: grouper.slice(start, more ? start + limit : undefined),
    nextAfterSeq: more ? sessions[start + limit - 1]!.toSeq : null,
  };
}

/**
 * Up to `limit` sessions starting after `afterSeq`. Stops reading as soon as `limit` sessions are
 * complete, which is when the one after them begins: it reads at most about twice what the page covers
 * (and, for a page after seq 1 read without the cache, the log since the checkpoint before it, to know
 * what was deleted already), and, with a cache, only what earlier pages have not read.
 */
export async function readTimeline(store: DocumentStore, doc: string, options: TimelineOptions = {}): Promise<TimelinePage> {
  const { afterSeq = 0, limit = 50, gapMs = 60_000, chunk = 2_000 } = options;
  if (!Number.isInteger(limit) || limit < 1) throw new PersistenceError('invalid-argument', `limit must be a positive integer, not ${limit}`, doc);
  const cached = await options.cache?.entry(store, doc, gapMs, afterSeq);
  if (cached === undefined) {
    const grouper = new SessionGrouper(gapMs, await deletedThrough(store, doc, afterSeq));
    await feed(store, doc, grouper, { cursor: afterSeq, pageStart: afterSeq, chunk }, () => grouper.sessions.length > limit);
    return page(grouper, 0, limit);
  }
  const { entry, start } = cached;
  const { cursor } = await feed(store, doc, entry.grouper, { cursor: entry.readSeq, pageStart: 0, chunk }, () => entry.grouper.sessions.length - start > limit);
  entry.readSeq = cursor;
  return page(entry.grouper, start, limit);
}

interface CacheEntry {
  readonly grouper: SessionGrouper;
  /** Updates up to this seq have been grouped. */
  readSeq: number;
}

/** The sessions of a few documents' logs from seq 1, as far as pages have read them. */
export class TimelineCache {
  private readonly cache: LogCache<CacheEntry>;

  constructor(maxDocs = 16) {
    this.cache = new LogCache(maxDocs);
  }

  /** The entry to continue from and the index of the session after `afterSeq`; undefined if it cannot serve that page. */
  async entry(store: DocumentStore, doc: string, gapMs: number, afterSeq: number): Promise<{ entry: CacheEntry; start: number } | undefined> {
    const entry = await this.cache.get(store, doc, `${gapMs}:${doc}`, () =>
      afterSeq === 0 ? { grouper: new SessionGrouper(gapMs), readSeq: 0 } : undefined,
    );
    if (entry === undefined) return undefined;
    if (afterSeq === 0) return { entry, start: 0 };
    // Pages continue after a session's end; the last session may still grow, so it is no such end yet.
    const sessions = entry.grouper.sessions;
    for (let lo = 0, hi = sessions.length - 2; lo <= hi; ) {
      const mid = (lo + hi) >> 1;
      if (sessions[mid]!.toSeq < afterSeq) lo = mid + 1;
      else if (sessions[mid]!.toSeq > afterSeq) hi = mid - 1;
      else return { entry, start: mid + 1 };
    }
    return undefined;
  }
}
