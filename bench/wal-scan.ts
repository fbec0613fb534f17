// What reading the write-ahead log before the store opens (wal-scan.ts: the commits SQLite would ignore)
// adds to a start: a WAL left long by checkpoints that kept failing, written through the store with
// checkpoints off, then scanned several times. `npx tsx bench/wal-scan.ts [--mb 500] [--rounds 3]`.

import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openSqliteStore, scanWal } from '@tandem/persistence';
import { formatSpread, spread } from './load/rounds.js';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '500' }, rounds: { type: 'string', default: '3' } } });
const targetBytes = Number(values.mb) * 1e6;
const dir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-wal-'));
try {
  // No flush per commit and no checkpoint: the WAL only grows (about 5 pages per document per commit).
  const store = openSqliteStore({ dataDir: dir, synchronous: 'normal', walCheckpoints: { pages: Number.MAX_SAFE_INTEGER } });
  const wal = path.join(dir, 'tandem.sqlite-wal');
  const update = new Uint8Array(8000).fill(7);
  for (let turn = 1; ((await stat(wal).catch(() => undefined))?.size ?? 0) < targetBytes; turn++) {
    await store.append(Array.from({ length: 100 }, (_, d) => ({ doc: `d${d}`, entries: [{ update, author: 'bench', receivedAt: turn }] })));
  }
  const mb = (await stat(wal)).size / 1e6;
  const times: number[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    const started = performance.now();
    const scan = scanWal(wal);
    times.push(performance.now() - started);
    if (scan === undefined || scan.ignoredCommits !== 0) throw new Error(`unexpected scan of an intact WAL: ${JSON.stringify(scan)}`);
  }
  const ms = spread(times);
  console.log(`WAL of ${mb.toFixed(0)} MB scanned in ${formatSpread(ms, 0)} ms (median [min–max] of ${times.length}), ${(ms.median / mb).toFixed(2)} ms per MB`);
  await store.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
