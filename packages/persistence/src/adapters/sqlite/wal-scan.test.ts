// SQLite ignores, without a word, the commits of a WAL past a frame that fails its checksum. The store
// reads the WAL first: a damaged one is copied aside and reported before SQLite opens it; a torn last
// commit (a power cut before its flush: never acknowledged) is not reported.

import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DocumentStore } from '../../types.js';
import { openSqliteStore, type WalIgnored } from './sqlite-store.js';
import { scanWal } from './wal-scan.js';

const FILE = 'tandem.sqlite';
const UPDATES = 6;

describe('a damaged write-ahead log', () => {
  const dirs: string[] = [];
  const stores: DocumentStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const dir = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'tandem-wal-'));
    dirs.push(d);
    return d;
  };
  const open = (dataDir: string) => {
    const ignored: WalIgnored[] = [];
    const store = openSqliteStore({ dataDir, onWalIgnored: (r) => ignored.push(r) });
    stores.push(store);
    return { store, ignored };
  };

  /** What a killed server leaves: its database and WAL as they were, one commit per update, none checkpointed. */
  const killed = async (): Promise<string> => {
    const live = dir();
    const store = openSqliteStore({ dataDir: live, walCheckpoints: { pages: 1_000_000 } });
    for (let i = 1; i <= UPDATES; i++) {
      await store.append([{ doc: 'notes', entries: [{ update: new Uint8Array(2000).fill(i), author: 'a', receivedAt: i }] }]);
    }
    const left = dir();
    copyFileSync(path.join(live, FILE), path.join(left, FILE));
    copyFileSync(path.join(live, `${FILE}-wal`), path.join(left, `${FILE}-wal`));
    await store.close();
    return left;
  };
  const copy = (from: string): string => {
    const to = dir();
    for (const name of [FILE, `${FILE}-wal`]) copyFileSync(path.join(from, name), path.join(to, name));
    return to;
  };
  const frameBytes = (wal: string) => 24 + readFileSync(wal).readUInt32BE(8);

  it('opens an intact WAL with every commit and reports nothing', async () => {
    const left = await killed();
    const scan = scanWal(path.join(left, `${FILE}-wal`))!;
    expect(scan.replayedCommits).toBeGreaterThanOrEqual(UPDATES);
    expect(scan).toMatchObject({ ignoredFrames: 0, ignoredCommits: 0 });
    const { store, ignored } = open(left);
    expect(ignored).toEqual([]);
    expect(await store.readUpdates('notes')).toHaveLength(UPDATES);
  });

  it('keeps a copy of a WAL whose later commits SQLite ignores (a frame before them damaged), and says how many', async () => {
    const left = await killed();
    const damaged = copy(left);
    const wal = path.join(damaged, `${FILE}-wal`);
    const before = scanWal(wal)!;
    // One byte of the page of a frame a few commits before the end.
    const bytes = readFileSync(wal);
    const frames = Math.floor((bytes.length - 32) / frameBytes(wal));
    const at = 32 + (frames - 6) * frameBytes(wal) + 24 + 100;
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(wal, bytes);
    const scan = scanWal(wal)!;
    expect(scan.ignoredCommits).toBeGreaterThanOrEqual(1);
    expect(scan.replayedCommits + scan.ignoredCommits).toBe(before.replayedCommits);
    const { store, ignored } = open(damaged);
    expect(ignored).toHaveLength(1);
    expect(ignored[0]).toMatchObject({ wal, ignoredCommits: scan.ignoredCommits, replayedCommits: scan.replayedCommits });
    // The copy is the WAL as it was found, every frame of it.
    expect(readFileSync(ignored[0]!.keptAs).equals(bytes)).toBe(true);
    // SQLite opened it without the ignored commits: the copy is what holds them.
    const kept = await store.readUpdates('notes');
    expect(kept.length).toBeLessThan(UPDATES);
    expect(kept.map((u) => u.seq)).toEqual(Array.from({ length: kept.length }, (_, i) => i + 1));
  });

  it('does not report a torn last commit (a power cut before its flush), which SQLite rightly ignores', async () => {
    const left = await killed();
    const torn = copy(left);
    const wal = path.join(torn, `${FILE}-wal`);
    // The last frame half written.
    truncateSync(wal, statSync(wal).size - Math.floor(frameBytes(wal) / 2));
    expect(scanWal(wal)).toMatchObject({ ignoredCommits: 0 });
    const { store, ignored } = open(torn);
    expect(ignored).toEqual([]);
    expect(await store.readUpdates('notes')).toHaveLength(UPDATES - 1);
  });
});
