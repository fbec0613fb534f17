import { mkdtemp, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, sqliteStorePath } from './sqlite-store.js';

const entry = (n: number) => ({ update: new Uint8Array([1, n]), author: 'a', receivedAt: 1000 + n });

describe('SQLite store durability (synchronous full: WAL flushed off the event loop)', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-wal-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write across a reopen, with concurrent appends sharing flushes', async () => {
    const store = openSqliteStore({ dataDir });
    const seqs = await Promise.all(Array.from({ length: 50 }, (_, i) => store.append([{ doc: 'd', entries: [entry(i)] }])));
    expect(seqs.map((r) => r[0]!.firstSeq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    await store.writeCheckpoint('d', { seq: 50, state: new Uint8Array([0, 0]), createdAt: 1 });
    await store.close();
    // A second process's view of the file: the same rows, in SQLite's own WAL mode.
    const db = new Database(sqliteStorePath({ dataDir }), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM updates').get()).toEqual({ n: 50 });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('refuses every later write once a flush to disk has failed, naming the cause', async () => {
    const store = openSqliteStore({ dataDir });
    const wal = `${sqliteStorePath({ dataDir })}-wal`;
    expect((await stat(wal)).isFile()).toBe(true);
    // The WAL vanishes underneath the store: its flush cannot reach the file SQLite writes to.
    await unlink(wal);
    await expect(store.append([{ doc: 'd', entries: [entry(1)] }])).rejects.toThrow(/Flushing the write-ahead log failed/);
    await expect(store.append([{ doc: 'd', entries: [entry(2)] }])).rejects.toThrow(/an earlier flush to disk failed/);
    await expect(store.createVersion('d', { label: 'v', seq: 0, author: 'a', createdAt: 1 })).rejects.toThrow(/earlier flush/);
    await store.close();
  });

  it('with synchronous normal, writes without flushing and never touches the WAL itself', async () => {
    const store = openSqliteStore({ dataDir, synchronous: 'normal' });
    await unlink(`${sqliteStorePath({ dataDir })}-wal`);
    await expect(store.append([{ doc: 'd', entries: [entry(1)] }])).resolves.toHaveLength(1);
    await store.close();
  });
});
