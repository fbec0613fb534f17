import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGroupCommit } from '../../log/group-commit.js';
import { startCheckpointer, type WalCheckpointReport } from './checkpointer.js';
import { openSqliteStore, sqliteStorePath } from './sqlite-store.js';
import { readWalIndex, type WalIndexState } from './wal-index.js';

const update = (i: number, bytes = 300) => new Uint8Array(bytes).fill(i & 0xff);

/** The wal-index of a store's file, read as the checkpointer reads it. */
function walIndexOf(file: string): { read(): WalIndexState; copying(): boolean; close(): void } {
  const fd = openSync(`${file}-shm`, 'r');
  const bytes = Buffer.alloc(132);
  return {
    read: () => readWalIndex(fd)!,
    // nBackfillAttempted (offset 128) runs ahead of nBackfill (96) while a checkpoint copies and syncs.
    copying: () => readSync(fd, bytes, 0, 132, 0) === 132 && bytes.readUInt32LE(128) > bytes.readUInt32LE(96),
    close: () => closeSync(fd),
  };
}

describe('WAL checkpointer', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-ckpt-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the WAL far below what 20k sustained appends write to it, and every update reads back', async () => {
    const reports: WalCheckpointReport[] = [];
    const store = openSqliteStore({ dataDir, walCheckpoints: { pages: 200, pollMs: 10, onReport: (r) => reports.push(r) } });
    const file = sqliteStorePath({ dataDir });
    const log = createGroupCommit({ store });
    const wal = walIndexOf(file);
    // Frames the writer put in the WAL over the run: what the WAL would hold if nothing checkpointed it.
    let written = 0;
    let last = 0;
    let rewinds = 0;
    const writers = 20;
    const total = 20_000;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = w; i < total; i += writers) {
          await log.append(`doc-${w % 5}`, { update: update(i), author: `w${w}`, receivedAt: i });
          const { frames } = wal.read();
          if (frames < last) {
            rewinds += 1;
            written += last;
          }
          last = frames;
        }
      }),
    );
    written += last;
    const walBytes = statSync(`${file}-wal`).size;
    wal.close();

    expect(reports.filter((r) => !r.ok)).toEqual([]);
    expect(rewinds).toBeGreaterThan(2);
    expect(walBytes).toBeLessThan((written * 4096) / 4);
    for (let d = 0; d < 5; d++) expect(await store.readUpdates(`doc-${d}`)).toHaveLength(total / 5);
    const all = (await Promise.all([0, 1, 2, 3, 4].map((d) => store.readUpdates(`doc-${d}`)))).flat();
    expect(new Set(all.map((u) => u.receivedAt)).size).toBe(total);
    expect(all.every((u) => u.update.byteLength === 300 && u.update.every((b) => b === (u.receivedAt & 0xff)))).toBe(true);
    await store.close();
    // The last connection to close checkpoints and removes the WAL, as SQLite does.
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('lets writes go on while a reader pins an old snapshot, and catches the WAL up once it lets go', async () => {
    const reports: WalCheckpointReport[] = [];
    const store = openSqliteStore({ dataDir, walCheckpoints: { pages: 50, pollMs: 10, onReport: (r) => reports.push(r) } });
    const file = sqliteStorePath({ dataDir });
    await store.append([{ doc: 'd', entries: [{ update: update(0), author: 'a', receivedAt: 0 }] }]);
    // A history reader in the middle of a long job: its snapshot is older than everything written next.
    const reader = new Database(file, { readonly: true });
    reader.exec('BEGIN');
    expect(reader.prepare('SELECT count(*) AS n FROM updates').get()).toEqual({ n: 1 });
    const wal = walIndexOf(file);
    try {
      for (let i = 1; i <= 500; i++) await store.append([{ doc: 'd', entries: [{ update: update(i), author: 'a', receivedAt: i }] }]);
      // The checkpointer tried, and had to leave the frames the reader might still need.
      await expect.poll(() => reports.some((r) => r.ok && r.remainingFrames > 0), { timeout: 10_000 }).toBe(true);
      const pinned = wal.read();
      expect(pinned.frames).toBeGreaterThan(50);
      expect(pinned.backfilled).toBeLessThan(pinned.frames);
      expect((await store.getDocument('d'))?.lastSeq).toBe(501);

      reader.exec('COMMIT');
      await expect.poll(() => { const s = wal.read(); return s.frames === s.backfilled; }, { timeout: 10_000 }).toBe(true);
      // Everything is in the database file: the next commit starts the WAL again from its beginning.
      await store.append([{ doc: 'd', entries: [{ update: update(502), author: 'a', receivedAt: 502 }] }]);
      expect(wal.read().frames).toBeLessThan(pinned.frames);
      expect(reports.filter((r) => !r.ok)).toEqual([]);
    } finally {
      wal.close();
      reader.close();
      await store.close();
    }
  });

  it('closes while a checkpoint is copying: the close waits for it, then removes the WAL, and nothing is lost', async () => {
    const store = openSqliteStore({ dataDir, synchronous: 'normal', walCheckpoints: { pages: 100, pollMs: 5 } });
    const file = sqliteStorePath({ dataDir });
    const entries = Array.from({ length: 500 }, (_, i) => ({ update: update(i, 4000), author: 'a', receivedAt: i }));
    for (let n = 0; n < 20; n++) await store.append([{ doc: 'big', entries }]);
    const wal = walIndexOf(file);
    let copying = false;
    for (let i = 0; i < 100_000 && !copying; i++) {
      copying = wal.copying();
      if (!copying) await new Promise((resolve) => setImmediate(resolve));
    }
    wal.close();
    expect(copying).toBe(true);
    await store.close();
    expect(existsSync(`${file}-wal`)).toBe(false);

    const reopened = openSqliteStore({ dataDir, readOnly: true });
    const read = await reopened.readUpdates('big');
    expect(read).toHaveLength(10_000);
    expect(read.every((u, i) => u.update.byteLength === 4000 && u.update[0] === (i % 500) % 256)).toBe(true);
    await reopened.close();
  });

  it('reports a checkpointer that cannot open the store, and still stops cleanly', async () => {
    const reports: WalCheckpointReport[] = [];
    const checkpointer = startCheckpointer({ file: path.join(dataDir, 'missing', 'x.sqlite'), pages: 1, pollMs: 10, onReport: (r) => reports.push(r) });
    await expect.poll(() => reports.length, { timeout: 10_000 }).toBe(1);
    expect(reports[0]).toMatchObject({ ok: false, error: { code: 'write-failed', message: expect.stringMatching(/Opening the WAL checkpointer's connection to .*missing.* failed/) } });
    expect(checkpointer.gate()).toBeUndefined();
    await checkpointer.stop();
    expect(reports).toHaveLength(1);
  });
});
