// Compaction with a retention policy: every update younger than `keepAllForMs` is kept as it is;
// older ones are merged so that one version per `bucketMs` (an hour, say) remains. The latest content
// and every named version stay exactly as they were (a named version's seq always ends a bucket).

import * as Y from 'yjs';
import type { DocumentStore, StoredUpdate } from '../types.js';

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
}

export async function compactDocument(
  store: DocumentStore,
  doc: string,
  policy: RetentionPolicy,
  { now = Date.now(), dryRun = false, onProgress = () => {} }: { now?: number; dryRun?: boolean; onProgress?: (done: number, total: number) => void } = {},
): Promise<CompactReport> {
  const info = await store.getDocument(doc);
  if (info === undefined) throw new Error(`No document named ${JSON.stringify(doc)}`);
  const protectedSeqs = new Set((await store.listVersions(doc)).map((v) => v.seq));
  protectedSeqs.add(info.lastSeq);
  const cutoff = now - policy.keepAllForMs;

  // Group the old part of the log into runs that share a bucket and contain no protected seq
  // except at their end.
  const groups: StoredUpdate[][] = [];
  let current: StoredUpdate[] = [];
  let currentBucket = Number.NaN;
  const close = () => {
    if (current.length > 1) groups.push(current);
    current = [];
  };
  for (let after = 0; ; ) {
    const batch = await store.readUpdates(doc, { afterSeq: after, limit: 5_000 });
    let reachedRecent = false;
    for (const u of batch) {
      if (u.receivedAt >= cutoff) {
        reachedRecent = true;
        break;
      }
      const bucket = Math.floor(u.receivedAt / policy.bucketMs);
      if (bucket !== currentBucket) {
        close();
        currentBucket = bucket;
      }
      current.push(u);
      if (protectedSeqs.has(u.seq)) close();
    }
    if (reachedRecent || batch.length < 5_000) break;
    after = batch.at(-1)!.seq;
  }
  close();

  let removed = 0;
  let bytesSaved = 0;
  for (const [i, group] of groups.entries()) {
    const merged = Y.mergeUpdates(group.map((u) => u.update));
    const authors = new Set(group.map((u) => u.author));
    const last = group.at(-1)!;
    if (!dryRun) {
      await store.replaceRange(doc, group[0]!.seq, last.seq, {
        update: merged,
        author: authors.size === 1 ? last.author : 'compacted',
        receivedAt: last.receivedAt,
      });
    }
    removed += group.length - 1;
    bytesSaved += group.reduce((n, u) => n + u.update.byteLength, 0) - merged.byteLength;
    onProgress(i + 1, groups.length);
  }
  return {
    doc,
    updatesBefore: info.updateCount,
    updatesAfter: info.updateCount - removed,
    bytesBefore: info.sizeBytes,
    bytesAfter: info.sizeBytes - bytesSaved,
    rangesMerged: groups.length,
  };
}
