import { chownSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupSqliteStore, restoreSqliteStore } from './backup.js';
import { openSqliteStore } from './sqlite-store.js';

const entry = (n: number, bytes = 16) => ({ update: new Uint8Array(bytes).fill(n % 256), author: 'a', receivedAt: 1000 + n });

describe('SQLite backup and restore beside a live store', () => {
  let dir: string;
  let dataDir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-backup-'));
    dataDir = path.join(dir, 'data');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('backs up one snapshot in steps while commits keep landing between them, without starting over', async () => {
    const store = openSqliteStore({ dataDir });
    await store.append([{ doc: 'big', entries: Array.from({ length: 2_000 }, (_, i) => entry(i, 8 * 1024)) }]);
    let committing = true;
    let commits = 0;
    const writer = (async () => {
      for (let i = 0; committing; i++) {
        await store.append([{ doc: 'busy', entries: [entry(i)] }]);
        commits += 1;
      }
    })();
    const reports: Array<[number, number]> = [];
    const file = path.join(dir, 'backup.sqlite');
    await backupSqliteStore({ dataDir }, file, (done, total) => reports.push([done, total]));
    committing = false;
    await writer;
    await store.close();

    expect(commits).toBeGreaterThan(0);
    const total = reports.at(-1)![1];
    // A stepped backup restarts whenever another connection writes: each step would start from page 0.
    expect(reports.length).toBeLessThanOrEqual(Math.ceil(total / 256) + 1);
    expect(reports.map(([done]) => done)).toEqual([...reports.map(([done]) => done)].sort((a, b) => a - b));
    const copy = new Database(file, { readonly: true });
    expect(copy.prepare("SELECT update_count AS n FROM documents WHERE name = 'big'").get()).toEqual({ n: 2_000 });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
  });

  it('refuses to restore over a store another process has open, and leaves it working', async () => {
    const store = openSqliteStore({ dataDir });
    await store.append([{ doc: 'live', entries: [entry(1)] }]);
    const other = openSqliteStore({ dataDir: path.join(dir, 'other') });
    await other.append([{ doc: 'backup', entries: [entry(2)] }]);
    await other.close();
    const file = path.join(dir, 'other.sqlite');
    await backupSqliteStore({ dataDir: path.join(dir, 'other') }, file);

    expect(() => restoreSqliteStore({ dataDir }, file, { force: true })).toThrow(/open in another process .*stop it first/);
    await expect(store.append([{ doc: 'live', entries: [entry(3)] }])).resolves.toEqual([{ doc: 'live', firstSeq: 2, lastSeq: 2 }]);
    await store.close();
    expect(restoreSqliteStore({ dataDir }, file, { force: true })).toEqual({
      documents: 1,
      keptAs: path.join(dataDir, 'tandem.sqlite.before-restore'),
    });
    const kept = new Database(path.join(dataDir, 'tandem.sqlite.before-restore'), { readonly: true });
    expect(kept.prepare('SELECT name, update_count AS n FROM documents').all()).toEqual([{ name: 'live', n: 2 }]);
    kept.close();
  });

  it.skipIf(process.getuid?.() !== 0)('run as root, leaves the restored store to the old store\'s owner', async () => {
    const store = openSqliteStore({ dataDir });
    await store.append([{ doc: 'live', entries: [entry(1)] }]);
    await store.close();
    const file = path.join(dir, 'backup.sqlite');
    await backupSqliteStore({ dataDir }, file);
    const db = path.join(dataDir, 'tandem.sqlite');
    chownSync(db, 65534, 65534);
    restoreSqliteStore({ dataDir }, file, { force: true });
    expect(statSync(db)).toMatchObject({ uid: 65534, gid: 65534 });
  });
});
