import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import type { DocumentStore } from '../types.js';
import { compactDocument } from './compact.js';
import { materialize } from './materialize.js';
import { verifyDocument } from './verify.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 25, 12);

describe('compaction with a retention policy', () => {
  let dataDir: string;
  let store: DocumentStore;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-compact-'));
    store = openSqliteStore({ dataDir });
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('merges old updates to one per hour, keeps recent ones, the latest content and every named version', async () => {
    const writer = new Y.Doc();
    const text = writer.getText('t');
    const texts: string[] = [''];
    // 3 hours of edits 40 days ago (10 per hour), then 5 edits an hour ago.
    const times = [
      ...Array.from({ length: 30 }, (_, i) => NOW - 40 * DAY + Math.floor(i / 10) * HOUR + (i % 10) * 60_000),
      ...Array.from({ length: 5 }, (_, i) => NOW - HOUR + i * 1000),
    ];
    for (const [i, at] of times.entries()) {
      let update: Uint8Array | undefined;
      writer.once('update', (u: Uint8Array) => (update = u));
      if (i % 7 === 6) text.delete(0, 1);
      else text.insert(text.length, String.fromCharCode(97 + (i % 26)));
      await store.append([{ doc: 'd', entries: [{ update: update!, author: i % 2 ? 'alice' : 'bob', receivedAt: at }] }]);
      texts.push(text.toString());
      if ((i + 1) % 10 === 0) {
        const state = await materialize(store, 'd', i + 1);
        await store.writeCheckpoint('d', { seq: i + 1, state: Y.encodeStateAsUpdate(state), createdAt: 0 });
      }
    }
    await store.createVersion('d', { label: 'mid-hour', seq: 14, author: 'alice', createdAt: 0 });
    const recentBefore = (await store.readUpdates('d', { afterSeq: 30 })).map((u) => [u.seq, Array.from(u.update)]);

    const dry = await compactDocument(store, 'd', { keepAllForMs: 30 * DAY, bucketMs: HOUR }, { now: NOW, dryRun: true });
    expect((await store.getDocument('d'))!.updateCount).toBe(35);
    const progress: number[] = [];
    const report = await compactDocument(store, 'd', { keepAllForMs: 30 * DAY, bucketMs: HOUR }, { now: NOW, onProgress: (d) => progress.push(d) });
    expect(report).toEqual(dry);
    // Hour 1: one version; hour 2: split at the named version (seq 14) → two; hour 3: one; + 5 recent.
    expect(report).toMatchObject({ updatesBefore: 35, updatesAfter: 9, rangesMerged: 4 });
    expect(report.bytesAfter).toBeLessThan(report.bytesBefore);
    expect(progress).toEqual([1, 2, 3, 4]);

    const seqs = (await store.readUpdates('d')).map((u) => u.seq);
    expect(seqs).toEqual([10, 14, 20, 30, 31, 32, 33, 34, 35]);
    expect((await store.readUpdates('d', { afterSeq: 30 })).map((u) => [u.seq, Array.from(u.update)])).toEqual(recentBefore);
    for (const seq of seqs) expect((await materialize(store, 'd', seq)).getText('t').toString(), `seq ${seq}`).toBe(texts[seq]);
    expect((await materialize(store, 'd', 14)).getText('t').toString()).toBe(texts[14]); // the named version
    expect((await verifyDocument(store, 'd')).problems).toEqual([]);

    // A second run finds nothing more to do.
    expect((await compactDocument(store, 'd', { keepAllForMs: 30 * DAY, bucketMs: HOUR }, { now: NOW })).rangesMerged).toBe(0);
  });
});
