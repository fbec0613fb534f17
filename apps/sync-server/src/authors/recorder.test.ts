import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type DocumentStore, openSqliteStore } from '@tandem/persistence';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuthorRecorder } from './recorder.js';

describe('author recorder', () => {
  let dir: string;
  let store: DocumentStore;
  const written: number[] = [];
  const events = { authorsRecorded: (n: number) => written.push(n), authorsRecordFailed: () => {} };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-recorder-'));
    store = openSqliteStore({ dataDir: dir, synchronous: 'normal' });
    written.length = 0;
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a burst of sightings once, one row per author, the latest name of each', async () => {
    const recorder = createAuthorRecorder({ store, logger: pino({ level: 'silent' }), events, intervalMs: 200 });
    for (let i = 0; i < 300; i++) recorder.seen({ id: `guest:${i % 3}`, name: `name ${i}`, verified: false, seenAt: 1000 + i });
    await expect.poll(() => written).toEqual([3]);
    const names = (await store.listAuthors(['guest:0', 'guest:1', 'guest:2'])).map((a) => [a.id, a.name, a.firstSeen, a.lastSeen]).sort();
    expect(names).toEqual([
      ['guest:0', 'name 297', 1000, 1297],
      ['guest:1', 'name 298', 1001, 1298],
      ['guest:2', 'name 299', 1002, 1299],
    ]);
  });

  it('writes at once when a reader asks for an author still queued or being written, and only then', async () => {
    const recorder = createAuthorRecorder({ store, logger: pino({ level: 'silent' }), events, intervalMs: 60_000 });
    recorder.seen({ id: 'u1', name: 'Una', verified: true, seenAt: 5 });
    await recorder.written(['someone-else']);
    expect(written).toEqual([]);
    await recorder.written(['someone-else', 'u1']);
    expect(written).toEqual([1]);
    expect(await store.listAuthors(['u1'])).toMatchObject([{ name: 'Una' }]);
    // Asked while its write is under way: resolves once that write ended.
    recorder.seen({ id: 'u2', name: 'Vera', verified: true, seenAt: 6 });
    const flushing = recorder.flush();
    await recorder.written(['u2']);
    expect(await store.listAuthors(['u2'])).toMatchObject([{ name: 'Vera' }]);
    await flushing;
    expect(written).toEqual([1, 1]);
    await recorder.close();
  });

  it('writes what waits when it is closed, without waiting for the interval', async () => {
    const recorder = createAuthorRecorder({ store, logger: pino({ level: 'silent' }), events, intervalMs: 60_000 });
    recorder.seen({ id: 'u1', name: 'Una', verified: true, seenAt: 5 });
    await recorder.close();
    expect(await store.listAuthors(['u1'])).toMatchObject([{ name: 'Una', verified: true }]);
    recorder.seen({ id: 'u2', name: 'Vera', verified: true, seenAt: 6 }); // after close: ignored
    await recorder.flush();
    expect(await store.listAuthors(['u2'])).toEqual([]);
  });
});
