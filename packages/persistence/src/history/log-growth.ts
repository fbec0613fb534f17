// How fast a document's log grows: updates appended in the last 24 hours and their bytes (estimated
// from the latest ones), in time logarithmic in the log's length, so a request or a sweep can ask it of
// any document without stalling the server.

import type { DocumentStore } from '../types.js';

export interface LogGrowth {
  /** Updates appended in the 24 hours before `now`. */
  readonly updatesPerDay: number;
  /** Their bytes: the count times the mean size of the latest (at most SAMPLE) of them. */
  readonly bytesPerDay: number;
}

const DAY_MS = 86_400_000;
const SAMPLE = 1_000;

export async function logGrowth(store: DocumentStore, doc: string, now = Date.now()): Promise<LogGrowth> {
  const info = await store.getDocument(doc);
  if (info === undefined || info.lastChangeAt <= now - DAY_MS) return { updatesPerDay: 0, bytesPerDay: 0 };
  const dayStart = await lastSeqAtOrBefore(store, doc, info.lastSeq, now - DAY_MS);
  const updatesPerDay = Math.max(0, info.lastSeq - dayStart);
  if (updatesPerDay === 0) return { updatesPerDay: 0, bytesPerDay: 0 };
  // Their sizes only: reading the updates themselves cost 1.2 s of the server's thread for 1 000 of 64 KiB,
  // an hour of one writer's budget (found by a review).
  const sample = await store.measureUpdates(doc, { afterSeq: Math.max(dayStart, info.lastSeq - SAMPLE), toSeq: info.lastSeq });
  if (sample.count === 0) return { updatesPerDay, bytesPerDay: 0 };
  // Exact when the day holds at most SAMPLE updates (and compaction merged none of them).
  const bytesPerDay = sample.count === updatesPerDay ? sample.bytes : Math.round((sample.bytes / sample.count) * updatesPerDay);
  return { updatesPerDay, bytesPerDay };
}

/**
 * The last seq received at or before `time`, by binary search over seqs (one indexed one-row read per
 * step), taking receive times to grow with seq (they do, but for clock changes: fine for a rate).
 */
async function lastSeqAtOrBefore(store: DocumentStore, doc: string, lastSeq: number, time: number): Promise<number> {
  // The smallest x whose next stored update (seq > x) is newer than `time`, or does not exist.
  const nextIsNew = async (x: number) => {
    const [next] = await store.readUpdates(doc, { afterSeq: x, limit: 1 });
    return next === undefined || next.receivedAt > time;
  };
  let lo = 0;
  let hi = lastSeq;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (await nextIsNew(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
