import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import type { DocumentStore } from '../types.js';
import { logGrowth } from './log-growth.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 25, 12);

describe('logGrowth', () => {
  let dataDir: string;
  let store: DocumentStore;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-growth-'));
    store = openSqliteStore({ dataDir, synchronous: 'normal' });
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const append = (count: number, bytes: number, at: (i: number) => number) =>
    store.append([{ doc: 'd', entries: Array.from({ length: count }, (_, i) => ({ update: new Uint8Array(bytes), author: 'a', receivedAt: at(i) })) }]);

  it('counts the updates and bytes of the last 24 hours, exactly for a small day, estimated past 1000 updates', async () => {
    expect(await logGrowth(store, 'd', NOW)).toEqual({ updatesPerDay: 0, bytesPerDay: 0 });
    await append(300, 50, (i) => NOW - 3 * DAY + i);
    expect(await logGrowth(store, 'd', NOW)).toEqual({ updatesPerDay: 0, bytesPerDay: 0 });
    await append(40, 10, (i) => NOW - DAY + 1 + i);
    await append(7, 30, (i) => NOW - 1000 + i);
    expect(await logGrowth(store, 'd', NOW)).toEqual({ updatesPerDay: 47, bytesPerDay: 40 * 10 + 7 * 30 });
    await store.replaceRange('d', 301, 320, { update: new Uint8Array(5), author: 'a', receivedAt: NOW - DAY + 20 }); // gaps
    await append(3000, 20, (i) => NOW - 500 + Math.floor(i / 10)); // receive times are whole milliseconds
    expect(await logGrowth(store, 'd', NOW)).toEqual({ updatesPerDay: 3047, bytesPerDay: 3047 * 20 });
  });

  it('reads no sample of updates, only their sizes: 1 000 updates of 64 KiB (an hour of one writer\'s budget) cost each GET /api/docs/<doc> 1.2 s of the server\'s thread', async () => {
    await append(1000, 64 * 1024, (i) => NOW - 1000 + i);
    const reads: Array<number | undefined> = [];
    const readUpdates = store.readUpdates.bind(store);
    store.readUpdates = (doc, range) => (reads.push(range?.limit), readUpdates(doc, range));
    expect(await logGrowth(store, 'd', NOW)).toEqual({ updatesPerDay: 1000, bytesPerDay: 1000 * 64 * 1024 });
    expect(reads.every((limit) => limit === 1)).toBe(true); // the binary search's one-row steps only
  });
});
