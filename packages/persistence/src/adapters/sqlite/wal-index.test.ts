import { closeSync, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseWalIndex, readWalIndex } from './wal-index.js';

describe('wal-index', () => {
  it('reads the frames in the WAL and how many a checkpoint copied, as SQLite sees them', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tandem-walindex-'));
    const file = path.join(dir, 'x.sqlite');
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('wal_autocheckpoint = 0');
      db.exec('CREATE TABLE t (x)');
      const insert = db.prepare('INSERT INTO t VALUES (?)');
      for (let i = 0; i < 50; i++) insert.run('x'.repeat(1000));
      const shm = openSync(`${file}-shm`, 'r');
      try {
        const before = readWalIndex(shm)!;
        const [row] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number; checkpointed: number }>;
        expect(before).toEqual({ frames: row!.log, backfilled: 0, pageSize: 4096 });
        expect(readWalIndex(shm)).toEqual({ frames: row!.log, backfilled: row!.log, pageSize: 4096 });
        // Every frame copied: the next commit rewinds the WAL to its start.
        insert.run('y');
        expect(readWalIndex(shm)!.frames).toBeLessThan(row!.log);
      } finally {
        closeSync(shm);
      }
    } finally {
      db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says nothing for a header caught mid-write (its two copies differ) or of an unknown version', () => {
    const bytes = new Uint8Array(100);
    const view = new DataView(bytes.buffer);
    const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
    for (const offset of [0, 48]) {
      view.setUint32(offset, 3007000, little);
      bytes[offset + 12] = 1;
      view.setUint16(offset + 14, 4096, little);
      view.setUint32(offset + 16, 10, little);
    }
    view.setUint32(96, 4, little);
    expect(parseWalIndex(bytes)).toEqual({ frames: 10, backfilled: 4, pageSize: 4096 });
    view.setUint32(16, 11, little);
    expect(parseWalIndex(bytes)).toBeUndefined();
    view.setUint32(48 + 16, 11, little);
    view.setUint32(0, 3007001, little);
    view.setUint32(48, 3007001, little);
    expect(parseWalIndex(bytes)).toBeUndefined();
  });
});
