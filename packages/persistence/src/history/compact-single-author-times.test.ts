// Compaction keeps who inserted what, and when (to the second), for ranges several people wrote (their
// authorship table). A range one person wrote gets no table: every id of the merged update is then
// dated by the merged update's receive time (the range's last update), so the authorship colours say
// that a passage typed at the start of the bucket was written at its end.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import type { DocumentStore } from '../types.js';
import { compactDocument } from './compact.js';
import { readVisibleAuthorship } from './visible-authorship.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 25, 12);

describe('compaction of a range one person wrote', () => {
  let dataDir: string;
  let store: DocumentStore;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-compact-times-'));
    store = openSqliteStore({ dataDir });
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps when each passage still in the document was written (the authorship colours’ times)', async () => {
    const writer = new Y.Doc();
    const write = async (at: number, change: (t: Y.Text) => void) => {
      let update: Uint8Array | undefined;
      writer.once('update', (u: Uint8Array) => (update = u));
      change(writer.getText('t'));
      await store.append([{ doc: 'd', entries: [{ update: update!, author: 'ann', receivedAt: at }] }]);
    };
    // One hour 40 days ago: Ann writes a morning passage at :00 and another at :50.
    const start = NOW - 40 * DAY;
    await write(start, (t) => t.insert(0, 'written at the start of the hour. '));
    await write(start + 50 * 60_000, (t) => t.insert(t.length, 'written fifty minutes later.'));
    await write(NOW - HOUR, (t) => t.insert(t.length, ' recent'));
    const before = await readVisibleAuthorship(store, 'd');
    expect(before.ranges.map((r) => r[4])).toEqual([start, start + 50 * 60_000, NOW - HOUR]);

    const report = await compactDocument(store, 'd', { keepAllForMs: 30 * DAY, bucketMs: HOUR }, { now: NOW });
    expect(report).toMatchObject({ updatesBefore: 3, updatesAfter: 2, rangesMerged: 1 });
    // As for a range several people wrote ("gives the same authorship colour runs after a merge as before").
    expect((await readVisibleAuthorship(store, 'd')).ranges).toEqual(before.ranges);
  });
});
