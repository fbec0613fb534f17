import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, sqliteStorePath } from './sqlite-store.js';

const entry = (i: number) => ({ update: new Uint8Array(300).fill(i & 0xff), author: 'a', receivedAt: 1000 + i });
const PAGES = 50;
const PAGE = 4096;

describe('WAL preallocation', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-walpre-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('gives the WAL its working size at open, and keeps it while commits write over the zeros', async () => {
    const first = openSqliteStore({ dataDir });
    await first.append([{ doc: 'd', entries: [entry(0)] }]);
    await first.close();
    const store = openSqliteStore({ dataDir, walCheckpoints: { pages: PAGES, preallocate: true } });
    const wal = `${sqliteStorePath({ dataDir })}-wal`;
    expect(statSync(wal).size).toBe(4 * PAGES * PAGE);
    for (let i = 1; i <= 40; i++) await store.append([{ doc: 'd', entries: [entry(i)] }]);
    expect(statSync(wal).size).toBe(4 * PAGES * PAGE);
    expect((await store.readUpdates('d')).map((u) => u.seq)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
    await store.close();
  });

  it('loses nothing committed when the process dies: SQLite reads the frames up to the zeros and no further', async () => {
    const store = openSqliteStore({ dataDir, walCheckpoints: { pages: PAGES, preallocate: true } });
    for (let i = 1; i <= 30; i++) await store.append([{ doc: 'd', entries: [entry(i)] }]);
    // The files as a killed process leaves them: database, WAL (commits, then zeros) and no clean close.
    const crashed = path.join(dataDir, 'crashed');
    mkdirSync(crashed);
    const file = sqliteStorePath({ dataDir });
    for (const suffix of ['', '-wal']) copyFileSync(file + suffix, path.join(crashed, path.basename(file) + suffix));
    await store.close();
    const db = new Database(path.join(crashed, path.basename(file)));
    expect(db.prepare('SELECT count(*) AS n, max(seq) AS last FROM updates').get()).toEqual({ n: 30, last: 30 });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('leaves a WAL that another connection holds as it is', async () => {
    const store = openSqliteStore({ dataDir });
    await store.append([{ doc: 'd', entries: [entry(1)] }]);
    // A reader in the middle of a transaction pins the WAL: the TRUNCATE checkpoint reports busy.
    const reader = new Database(sqliteStorePath({ dataDir }), { readonly: true });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM updates').get();
    const second = openSqliteStore({ dataDir, walCheckpoints: { pages: PAGES, preallocate: true } });
    expect(statSync(`${sqliteStorePath({ dataDir })}-wal`).size).toBeLessThan(4 * PAGES * PAGE);
    reader.exec('COMMIT');
    reader.close();
    await second.close();
    await store.close();
  });
});
