// Benchmark: tandem copy. A document of 100 000 one-character updates (four authors taking turns,
// every tenth a deletion, a checkpoint every 500 updates, as the server writes them) copied SQLite →
// PostgreSQL and PostgreSQL → SQLite with copyStore (what `tandem copy` runs), each into a fresh
// target; the time to copy and then to verify (log hashes, versions, checkpoints, head state) is
// reported, median [min–max] of the runs.
//   npm run bench:copy [-- --updates 100000 --runs 3 --batch 5000 --out FILE]
// PostgreSQL: TANDEM_TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test; one schema per run, dropped.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { copyStore, type DocumentStore, openPostgresStore, openSqliteStore } from '@tandem/persistence';
import { testSchema } from '@tandem/persistence/testing/postgres';
import { writeLongHistory } from '../apps/sync-server/src/testing/long-history.js';

const { values } = parseArgs({
  options: {
    updates: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    batch: { type: 'string', default: '5000' },
    out: { type: 'string' },
  },
});
const UPDATES = Number(values.updates);
const RUNS = Number(values.runs);
const BATCH = Number(values.batch);
const DOC = 'bench/long-copy';

const summary = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return { median: Math.round(s[Math.floor(s.length / 2)]!), min: Math.round(s[0]!), max: Math.round(s.at(-1)!) };
};
const show = (label: string, ms: number[]) => {
  const { median, min, max } = summary(ms);
  console.log(`${label.padEnd(34)} ${(median / 1000).toFixed(2)} s [${(min / 1000).toFixed(2)}–${(max / 1000).toFixed(2)}]`);
};

/** Copies `DOC`; resolves with the ms spent copying and verifying. */
async function timedCopy(from: DocumentStore, to: DocumentStore): Promise<{ copyMs: number; verifyMs: number }> {
  const start = performance.now();
  let verifyStart: number | undefined;
  const report = await copyStore(from, to, {
    docs: [DOC],
    batchSize: BATCH,
    onProgress: (p) => {
      if (p.phase === 'verify') verifyStart ??= performance.now();
    },
  });
  const end = performance.now();
  if (!report.ok || report.updatesCopied !== report.documents[0]!.updates) throw new Error(`copy failed: ${JSON.stringify(report.documents[0]!.verification)}`);
  return { copyMs: (verifyStart ?? end) - start, verifyMs: end - (verifyStart ?? end) };
}

const dir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-copy-'));
const schemas = [] as ReturnType<typeof testSchema>[];
try {
  const source = openSqliteStore({ dataDir: path.join(dir, 'source') });
  const written = performance.now();
  await writeLongHistory(source, DOC, { updates: UPDATES, authors: ['ana', 'bo', 'chen', 'dara'], turn: 500, checkpointEvery: 500 });
  const info = (await source.getDocument(DOC))!;
  let checkpoints = 0;
  let checkpointBytes = 0;
  for (let at = info.lastSeq; at > 0; ) {
    const c = await source.latestCheckpoint(DOC, at);
    if (c === undefined) break;
    checkpoints += 1;
    checkpointBytes += c.state.byteLength;
    at = c.seq - 1;
  }
  console.log(
    `source: ${info.updateCount} updates, ${info.sizeBytes} bytes of updates, ${checkpoints} checkpoints of ${checkpointBytes} bytes ` +
      `(written in ${((performance.now() - written) / 1000).toFixed(1)} s)`,
  );
  const toPg = { copy: [] as number[], verify: [] as number[] };
  const toSqlite = { copy: [] as number[], verify: [] as number[] };
  let pgSource: DocumentStore | undefined;
  for (let run = 0; run < RUNS; run++) {
    const db = testSchema('benchcopy');
    schemas.push(db);
    const pg = await openPostgresStore({ url: db.url, schema: db.schema, poolSize: 2 });
    const a = await timedCopy(source, pg);
    toPg.copy.push(a.copyMs);
    toPg.verify.push(a.verifyMs);
    if (pgSource === undefined) pgSource = pg;
    else await pg.close();
    const back = openSqliteStore({ dataDir: path.join(dir, `back-${run}`) });
    const b = await timedCopy(pgSource, back);
    toSqlite.copy.push(b.copyMs);
    toSqlite.verify.push(b.verifyMs);
    await back.close();
    console.log(`run ${run + 1}: SQLite → PostgreSQL ${(a.copyMs / 1000).toFixed(2)} s + verify ${(a.verifyMs / 1000).toFixed(2)} s; PostgreSQL → SQLite ${(b.copyMs / 1000).toFixed(2)} s + verify ${(b.verifyMs / 1000).toFixed(2)} s`);
  }
  await pgSource?.close();
  await source.close();
  console.log(`\n${UPDATES} updates, batches of ${BATCH}, median [min–max] of ${RUNS}:`);
  show('SQLite → PostgreSQL: copy', toPg.copy);
  show('SQLite → PostgreSQL: verify', toPg.verify);
  show('PostgreSQL → SQLite: copy', toSqlite.copy);
  show('PostgreSQL → SQLite: verify', toSqlite.verify);
  if (values.out !== undefined) {
    const result = {
      updates: UPDATES,
      bytes: info.sizeBytes,
      checkpoints,
      checkpointBytes,
      batch: BATCH,
      runs: RUNS,
      sqliteToPostgres: { copyMs: summary(toPg.copy), verifyMs: summary(toPg.verify) },
      postgresToSqlite: { copyMs: summary(toSqlite.copy), verifyMs: summary(toSqlite.verify) },
    };
    await writeFile(values.out, `${JSON.stringify(result, null, 2)}\n`);
  }
} finally {
  for (const db of schemas) await db.drop();
  await rm(dir, { recursive: true, force: true });
}
