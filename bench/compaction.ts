// Benchmark: compaction with authorship tables on a long document (default 100 000 one-character
// updates by three authors taking turns of 200, written straight into a fresh SQLite store, all older
// than the policy keeps whole). Per run, median [min–max] over the runs:
//   compact     compactDocument with one version per hour (at most 4 000 updates merged into one),
//               which builds an authorship table for each range several people wrote
//   tables      the tables' total size (JSON) and the log's size after
//   authorship  readVisibleAuthorship (the editor's authorship colours) before and after compaction
//   diff        diffVersions from 0 to the head, before and after
// and whether the visible runs (ids and author of each) are the same after compaction as before (they must be).
//   npm run bench:compaction [-- --updates 100000 --runs 3]

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compactDocument, diffVersions, openSqliteStore, readVisibleAuthorship } from '@tandem/persistence';
import { writeLongHistory } from '../apps/sync-server/src/testing/long-history.js';
import { formatSpread, spread } from './load/rounds.js';

const { values } = parseArgs({ options: { updates: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' }, out: { type: 'string' } } });
const UPDATES = Number(values.updates);
const RUNS = Number(values.runs);
const OUT = values.out ?? path.join(import.meta.dirname, 'results', 'compaction.json');
const DOC = 'bench/compaction';

const timed = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
  const t0 = performance.now();
  const result = await fn();
  return [performance.now() - t0, result];
};

const figures = { compact: [] as number[], tableKiB: [] as number[], logMiBAfter: [] as number[], authorshipBefore: [] as number[], authorshipAfter: [] as number[], diffBefore: [] as number[], diffAfter: [] as number[] };
let updatesAfter = 0;
let same = true;
for (let run = 0; run < RUNS; run++) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-compaction-'));
  const store = openSqliteStore({ dataDir, synchronous: 'normal' });
  try {
    await writeLongHistory(store, DOC, { updates: UPDATES, authors: ['ann', 'ben', 'cat'], turn: 200, checkpointEvery: 500 });
    const head = (await store.getDocument(DOC))!.lastSeq;
    const [authorshipBefore, before] = await timed(() => readVisibleAuthorship(store, DOC));
    const [diffBefore] = await timed(() => diffVersions(store, DOC, 0, head));
    const [compact, report] = await timed(() => compactDocument(store, DOC, { keepAllForMs: 0, bucketMs: 3_600_000 }, { now: Date.now() + 2 * 86_400_000 }));
    const [authorshipAfter, after] = await timed(() => readVisibleAuthorship(store, DOC));
    const [diffAfter] = await timed(() => diffVersions(store, DOC, 0, head));
    const tables = await store.readMergedAuthorship(DOC);
    const key = (v: typeof before) => JSON.stringify(v.ranges.map(([client, clock, length, author]) => [client, clock, length, author]));
    same &&= key(before) === key(after);
    updatesAfter = report.updatesAfter;
    figures.compact.push(compact);
    figures.tableKiB.push(tables.reduce((n, t) => n + JSON.stringify(t).length, 0) / 1024);
    figures.logMiBAfter.push(report.bytesAfter / 1024 / 1024);
    figures.authorshipBefore.push(authorshipBefore);
    figures.authorshipAfter.push(authorshipAfter);
    figures.diffBefore.push(diffBefore);
    figures.diffAfter.push(diffAfter);
    console.log(`run ${run + 1}: compacted ${UPDATES} → ${report.updatesAfter} updates in ${compact.toFixed(0)} ms, ${tables.length} tables`);
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
const line = (name: string, values: number[], unit: string, digits = 0) => console.log(`${name.padEnd(22)} ${formatSpread(spread(values), digits)} ${unit}`);
console.log(`\n${UPDATES} updates, 3 authors in turns of 200, ${RUNS} runs, median [min–max]; ${updatesAfter} updates after`);
line('compact', figures.compact, 'ms');
line('authorship tables', figures.tableKiB, 'KiB', 1);
line('log after', figures.logMiBAfter, 'MiB', 2);
line('authorship before', figures.authorshipBefore, 'ms');
line('authorship after', figures.authorshipAfter, 'ms');
line('diff 0→head before', figures.diffBefore, 'ms');
line('diff 0→head after', figures.diffAfter, 'ms');
console.log(`visible runs (ids, author, time) the same after compaction: ${same ? 'yes' : 'NO'}`);
await writeFile(OUT, `${JSON.stringify({ updates: UPDATES, runs: RUNS, at: new Date().toISOString(), updatesAfter, same, figures: Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, spread(v)])) }, null, 2)}\n`);
if (!same) process.exitCode = 1;
