import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import type { CompactedSession, DocumentStore } from '../types.js';
import { MAX_SESSIONS_PER_RANGE } from './compacted-sessions.js';
import { readTimeline, TimelineCache, type EditSession } from './timeline.js';

describe('timeline over merged ranges with many stored sessions', () => {
  let dataDir: string;
  let store: DocumentStore;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-timeline-'));
    store = openSqliteStore({ dataDir, synchronous: 'normal' });
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /**
   * 12 ranges of 400 updates, each merged into one update that stores MAX_SESSIONS_PER_RANGE sessions
   * of two people taking turns, minutes apart: more stored sessions than one read takes, so reads are
   * cut between merged updates. Then 30 plain updates by one author.
   */
  async function writeMergedLog(): Promise<EditSession[]> {
    const writer = new Y.Doc();
    const text = writer.getText('t');
    const updates: Uint8Array[] = [];
    writer.on('update', (u: Uint8Array) => updates.push(u));
    const ranges = 12;
    const perRange = 400;
    const expected: EditSession[] = [];
    let at = 1_700_000_000_000;
    for (let r = 0; r < ranges; r++) {
      updates.length = 0;
      for (let i = 0; i < perRange; i++) text.insert(text.length, 'x');
      const entries = updates.map((update) => ({ update, author: 'w', receivedAt: (at += 1000) }));
      await store.append([{ doc: 'd', entries }]);
      const fromSeq = r * perRange + 1;
      const toSeq = fromSeq + perRange - 1;
      const sessions: CompactedSession[] = Array.from({ length: MAX_SESSIONS_PER_RANGE }, (_, k) => ({
        fromSeq: fromSeq + 2 * k,
        toSeq: fromSeq + 2 * k + 1,
        author: k % 2 === 0 ? 'ana' : 'bo',
        startedAt: at - perRange * 1000 + k * 2000,
        endedAt: at - perRange * 1000 + k * 2000 + 1000,
        updates: 2,
        added: 2,
        removed: 0,
      }));
      await store.replaceRange('d', fromSeq, toSeq, { update: Y.mergeUpdates(updates), author: 'w', receivedAt: at }, sessions);
      expected.push(...sessions);
    }
    const tail: Array<{ update: Uint8Array; author: string; receivedAt: number }> = [];
    updates.length = 0;
    for (let i = 0; i < 30; i++) text.insert(text.length, 'y');
    for (const update of updates) tail.push({ update, author: 'cy', receivedAt: (at += 1000) });
    await store.append([{ doc: 'd', entries: tail }]);
    const first = ranges * perRange + 1;
    expected.push({ fromSeq: first, toSeq: first + 29, author: 'cy', startedAt: tail[0]!.receivedAt, endedAt: at, updates: 30, added: 30, removed: 0 });
    return expected;
  }

  const allPages = async (limit: number, cache?: TimelineCache) => {
    const seen: EditSession[] = [];
    let after: number | null = 0;
    for (let pages = 0; after !== null; pages++) {
      expect(pages).toBeLessThan(1000);
      const page = await readTimeline(store, 'd', { afterSeq: after, limit, cache });
      expect(page.sessions.length).toBeLessThanOrEqual(limit);
      seen.push(...page.sessions);
      after = page.nextAfterSeq;
    }
    return seen;
  };

  it('pages through every stored session once, in order, with and without a cache', async () => {
    const expected = await writeMergedLog();
    expect(expected).toHaveLength(12 * MAX_SESSIONS_PER_RANGE + 1);
    expect(await allPages(50)).toEqual(expected);
    expect(await allPages(7, new TimelineCache())).toEqual(expected);
    // Pages larger than a read's worth of stored sessions, so that reads are cut between merged updates.
    expect(await allPages(1000)).toEqual(expected);
    expect(await allPages(900, new TimelineCache())).toEqual(expected);
  });
});
