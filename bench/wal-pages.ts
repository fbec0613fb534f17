// Benchmark: does the number of WAL pages a commit writes change what a durable commit costs on this disk?
// A Tandem commit of one 30-byte update writes four pages (the update's row, the time index, the
// document's row, the document list's index). Four bare SQLite databases (WAL, synchronous FULL, so
// each commit flushes the WAL inline) commit the same update, writing 1, 2, 3 and 4 pages; commits
// alternate between them one by one, so the disk's changing mood falls on all four alike. Each figure
// is the median over the rounds of the round's p50 (or p99), with min and max.
//   npx tsx bench/wal-pages.ts [-- --commits 2000 --rounds 5]

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { formatSpread, spread } from './load/rounds.js';

const { values } = parseArgs({ options: { commits: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '5' } } });
const COMMITS = Number(values.commits);
const ROUNDS = Number(values.rounds);
const DOCS = 200;
const DOC = 7;

/** What each variant's commit touches besides the update's row. */
const VARIANTS = {
  '1 page (row only)': { timeIndex: false, docRow: false, listIndex: false },
  '2 pages (+ time index)': { timeIndex: true, docRow: false, listIndex: false },
  '3 pages (+ document row)': { timeIndex: true, docRow: true, listIndex: false },
  '4 pages (as Tandem)': { timeIndex: true, docRow: true, listIndex: true },
} as const;
type Variant = keyof typeof VARIANTS;

function open(file: string, variant: (typeof VARIANTS)[Variant]): () => void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE documents (id INTEGER PRIMARY KEY, name TEXT UNIQUE, last_seq INT, n INT, bytes INT, last_change_at INT);
    CREATE TABLE updates (doc_id INT, seq INT, received_at INT, author TEXT, data BLOB, PRIMARY KEY (doc_id, seq)) WITHOUT ROWID;`);
  if (variant.timeIndex) db.exec('CREATE INDEX updates_by_time ON updates (doc_id, received_at)');
  if (variant.listIndex) db.exec('CREATE INDEX documents_by_last_change ON documents (last_change_at DESC, name)');
  const insertDoc = db.prepare('INSERT INTO documents VALUES (?, ?, 0, 0, 0, ?)');
  db.transaction(() => {
    for (let id = 1; id <= DOCS; id++) insertDoc.run(id, `doc ${id}`, id);
  })();
  const insert = db.prepare('INSERT INTO updates VALUES (?, ?, ?, ?, ?)');
  const bump = db.prepare('UPDATE documents SET last_seq = ?, n = n + 1, bytes = bytes + 30, last_change_at = ? WHERE id = ?');
  const bumpUnlisted = db.prepare('UPDATE documents SET last_seq = ?, n = n + 1, bytes = bytes + 30 WHERE id = ?');
  const data = Buffer.alloc(30, 7);
  let seq = 0;
  return db.transaction(() => {
    seq += 1;
    const at = Date.now() * 1000 + seq;
    insert.run(DOC, seq, at, 'author', data);
    if (variant.listIndex) bump.run(seq, at, DOC);
    else if (variant.docRow) bumpUnlisted.run(seq, DOC);
  });
}

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function main() {
  const dir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-wal-pages-'));
  const names = Object.keys(VARIANTS) as Variant[];
  const p50s = new Map<Variant, number[]>(names.map((n) => [n, []]));
  const p99s = new Map<Variant, number[]>(names.map((n) => [n, []]));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const commits = names.map((name, i) => [name, open(path.join(dir, `r${round}-${i}.db`), VARIANTS[name])] as const);
      const times = new Map<Variant, number[]>(names.map((n) => [n, []]));
      for (let c = 0; c < COMMITS; c++) {
        for (const [name, commit] of commits) {
          const t0 = process.hrtime.bigint();
          commit();
          times.get(name)!.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }
      for (const [name, xs] of times) {
        xs.sort((a, b) => a - b);
        p50s.get(name)!.push(quantile(xs, 0.5));
        p99s.get(name)!.push(quantile(xs, 0.99));
      }
      console.log(`round ${round + 1}: ${names.map((n) => `${n.split(' (')[0]} p50 ${p50s.get(n)!.at(-1)!.toFixed(3)}`).join(', ')}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`\ndurable commit of one 30-byte update, ms: median [min–max] of ${ROUNDS} rounds × ${COMMITS} commits each`);
  for (const name of names) {
    console.log(`  ${name.padEnd(26)} p50 ${formatSpread(spread(p50s.get(name)!), 3).padEnd(22)} p99 ${formatSpread(spread(p99s.get(name)!), 3)}`);
  }
}

await main();
