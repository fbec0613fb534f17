import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, sqliteStorePath } from '../adapters/sqlite/sqlite-store.js';
import type { DocumentStore } from '../types.js';
import { recordingDisk } from '../testing/recording-disk.js';
import { createGroupCommit, type FlushReport } from './group-commit.js';

const entry = (n: number) => ({ update: new Uint8Array([n]), author: `a${n}`, receivedAt: 1000 + n });

describe('group commit', () => {
  let dataDir: string;
  let store: DocumentStore;
  let reports: FlushReport[];

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-gc-'));
    store = openSqliteStore({ dataDir });
    reports = [];
  });

  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes everything appended in one event-loop turn in a single transaction', async () => {
    const log = createGroupCommit({ store, onFlush: (r) => reports.push(r) });
    const seqs = await Promise.all([log.append('x', entry(1)), log.append('y', entry(2)), log.append('x', entry(3))]);
    expect(seqs).toEqual([1, 1, 2]);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ updates: 3, documents: 2, bytes: 3 });
    expect((await store.readUpdates('x')).map((u) => [u.seq, u.author, u.receivedAt])).toEqual([
      [1, 'a1', 1001],
      [2, 'a3', 1003],
    ]);
  });

  it('resolves in append order, and queues appends made during a write for the next batch', async () => {
    const log = createGroupCommit({ store, onFlush: (r) => reports.push(r) });
    const resolved: number[] = [];
    const first = [1, 2, 3].map((n) => log.append('doc', entry(n)).then((seq) => resolved.push(seq)));
    await new Promise((r) => setImmediate(r)); // the first batch is now written
    const second = [4, 5].map((n) => log.append('doc', entry(n)).then((seq) => resolved.push(seq)));
    expect(log.pending).toBeGreaterThan(0);
    await log.drain();
    await Promise.all([...first, ...second]);
    expect(resolved).toEqual([1, 2, 3, 4, 5]);
    expect(reports.map((r) => r.updates)).toEqual([3, 2]);
    expect(log.pending).toBe(0);
  });

  it('rejects every update of a failed batch, stores none of them, and carries on with the next', async () => {
    const log = createGroupCommit({ store, onFlush: (r) => reports.push(r) });
    await log.append('bad', entry(0));
    // A real failed write, injected into the database from a second connection.
    const db = new Database(sqliteStorePath({ dataDir }));
    db.exec(`CREATE TRIGGER no_bad BEFORE INSERT ON updates WHEN NEW.doc_id = (SELECT id FROM documents WHERE name = 'bad')
             BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    const failing = [log.append('good', entry(1)), log.append('bad', entry(2))];
    const results = await Promise.allSettled(failing);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(reports.at(-1)?.error).toBeDefined();
    expect(await store.readUpdates('good')).toEqual([]);

    db.exec('DROP TRIGGER no_bad');
    db.close();
    expect(await log.append('good', entry(3))).toBe(1);
    expect(await log.append('bad', entry(4))).toBe(2);
  });

  it('refuses only the document whose update the store cannot take as it is (an author with NUL), committing the others', async () => {
    const log = createGroupCommit({ store, onFlush: (r) => reports.push(r) });
    const results = await Promise.allSettled([
      log.append('good', entry(1)),
      log.append('odd', { update: new Uint8Array([2]), author: 'sub\u0000x', receivedAt: 1002 }),
      log.append('other', entry(3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'invalid-argument', doc: 'odd' });
    expect((await store.readUpdates('good')).map((u) => u.seq)).toEqual([1]);
    expect(await store.getDocument('odd')).toBeUndefined();
  });

  it('settles every waiter even when the flush observer throws', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const log = createGroupCommit({
        store,
        onFlush: () => {
          throw new Error('metrics exploded');
        },
      });
      expect(await Promise.all([log.append('doc', entry(1)), log.append('doc', entry(2))])).toEqual([1, 2]);
      expect(await log.append('doc', entry(3))).toBe(3);
      await log.drain();
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
      expect(warnings.some((m) => m.includes('metrics exploded'))).toBe(true);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('keeps committing while a flush is slow, and one flush then covers every commit made during it', async () => {
    const disk = recordingDisk();
    const slowDisk = openSqliteStore({ dataDir, fileName: 'slow.sqlite', openForSync: disk.openForSync });
    try {
      const log = createGroupCommit({ store: slowDisk, onFlush: (r) => reports.push(r) });
      expect(await log.append('doc', entry(1))).toBe(1);
      const flushesBefore = disk.flushes;
      disk.hold();
      const first = await log.write('doc', entry(2));
      await expect.poll(() => disk.held).toBe(1);
      // Three more turns of commits while that flush stalls: each is written (readable) at once.
      const later = [];
      for (const n of [3, 4, 5]) {
        later.push(await log.write('doc', entry(n)));
        await new Promise((r) => setImmediate(r));
      }
      expect(later.map((w) => w.seq)).toEqual([3, 4, 5]);
      expect((await slowDisk.readUpdates('doc')).map((u) => u.seq)).toEqual([1, 2, 3, 4, 5]);
      let durable = 0;
      void first.flushed.then(() => (durable += 1));
      for (const w of later) void w.flushed.then(() => (durable += 1));
      await new Promise((r) => setTimeout(r, 20));
      expect(durable).toBe(0); // none of them is on disk yet: nobody may be told otherwise
      expect(log.pending).toBe(4);

      disk.release();
      await log.drain();
      expect(durable).toBe(4);
      // The stalled flush, then one more for everything committed while it stalled: no convoy.
      expect(disk.flushes - flushesBefore).toBe(2);
      expect(reports.slice(-4).every((r) => r.error === undefined && r.commitMs <= r.durationMs)).toBe(true);
    } finally {
      await slowDisk.close();
    }
  });

  it('drain resolves at once when nothing is pending', async () => {
    const log = createGroupCommit({ store });
    await expect(log.drain()).resolves.toBeUndefined();
  });
});
