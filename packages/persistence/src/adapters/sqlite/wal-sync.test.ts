import { mkdtemp, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failingDisk } from '../../testing/failing-disk.js';
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
    await expect(store.append([{ doc: 'd', entries: [entry(2)] }])).rejects.toThrow(/an earlier write to disk failed.*restart/);
    await expect(store.createVersion('d', { label: 'v', seq: 0, author: 'a', createdAt: 1 })).rejects.toThrow(/earlier write to disk/);
    await store.close();
  });

  it('fails a commit that waited behind a failed flush, refuses later writes, and reports itself unhealthy', async () => {
    const disk = failingDisk();
    const store = openSqliteStore({ dataDir, openForSync: disk.openForSync });
    await store.append([{ doc: 'd', entries: [entry(1)] }]);
    await store.checkHealth();
    disk.failNext = true;
    // Both commit at once; the second one's flush has to wait for the first (which fails).
    const first = store.append([{ doc: 'd', entries: [entry(2)] }]);
    const second = store.writeCheckpoint('d', { seq: 1, state: new Uint8Array([0, 0]), createdAt: 1 });
    await expect(first).rejects.toThrow(/Flushing the write-ahead log failed: EIO/);
    // The queued flush would succeed on a fresh descriptor, but cannot vouch for pages the failed one lost.
    await expect(second).rejects.toThrow(/Flushing the write-ahead log failed: .*EIO/);
    expect(disk.failNext).toBe(false);
    await expect(store.append([{ doc: 'd', entries: [entry(3)] }])).rejects.toThrow(/refused: an earlier write to disk failed \(EIO/);
    await expect(store.checkHealth()).rejects.toThrow(/EIO.*restart the server/);
    // Reading goes on: what was committed is still served.
    expect((await store.readUpdates('d')).length).toBeGreaterThanOrEqual(1);
    await store.close();
  });

  it('fsyncs the data directory when it first flushes the WAL, so a new WAL file survives power loss', async () => {
    const disk = failingDisk();
    const store = openSqliteStore({ dataDir, openForSync: disk.openForSync });
    await store.append([{ doc: 'd', entries: [entry(1)] }]);
    await store.append([{ doc: 'd', entries: [entry(2)] }]);
    expect(disk.opened).toEqual([
      [`${sqliteStorePath({ dataDir })}-wal`, 'r+'],
      [dataDir, 'r'],
    ]);
    await store.close();
  });

  it('with synchronous normal, writes without flushing and never touches the WAL itself', async () => {
    const store = openSqliteStore({ dataDir, synchronous: 'normal' });
    await unlink(`${sqliteStorePath({ dataDir })}-wal`);
    await expect(store.append([{ doc: 'd', entries: [entry(1)] }])).resolves.toHaveLength(1);
    await store.close();
  });
});
