// Benchmark: what one durable write costs, taken apart. Typing-like writes (one 30-byte update every
// few milliseconds, each waited for, as one typist's keystrokes reach the log) go to:
//   floor      — a plain file: append the bytes, fdatasync on the thread pool (what the durable relay does);
//   floor-over — the same into a file written full of zeros beforehand: the write overwrites allocated
//                blocks and the file's size never changes, so the flush has no metadata to journal;
//   store      — Tandem's SQLite store with its default durability: one
//                transaction (the update's row, the time index and the document's row, in the WAL),
//                then the WAL's fdatasync;
//   committed  — the store with synchronous `normal`: the transaction alone.
// Interleaved round by round (the disk's mood changes by the minute); each figure is the median of
// the rounds' p50s or p99s, with the min and max. Printed beside them: the Yjs work the server does
// per update (the update gate's trial apply into its shadow copy, then the room's apply), on a
// document that 50 people typed into. The difference between `store` and `floor`, plus the Yjs work,
// is what the server adds to a keystroke beyond the disk's own flush.
//   npm run build && tsx bench/log-write.ts [-- --seconds 5 --rounds 5 --interval-ms 4 --out FILE]

import { closeSync, fdatasync, fsyncSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openSqliteStore } from '@tandem/persistence';
import * as Y from 'yjs';
import { formatSpread, roundOrder, type Spread, spread } from './load/rounds.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '5' },
    'interval-ms': { type: 'string', default: '4' },
    /** Keystrokes per person in the document the Yjs work is timed on. */
    keys: { type: 'string', default: '40' },
    out: { type: 'string' },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const INTERVAL_MS = Number(values['interval-ms']);
const UPDATE = new Uint8Array(30).fill(7);
const TARGETS = ['floor', 'floor-over', 'store', 'committed'] as const;
const FLOOR_FILE_BYTES = 16 * 1024 * 1024;
type Target = (typeof TARGETS)[number];

/** Per write, milliseconds from its start: `written` (the write is in the file) and `durable` (flushed). */
interface Sample {
  written: number;
  durable: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function measure(target: Target, dir: string): Promise<Sample[]> {
  const samples: Sample[] = [];
  let until = 0; // set once the target is ready
  if (target === 'floor' || target === 'floor-over') {
    const file = path.join(dir, 'log');
    if (target === 'floor-over') {
      writeFileSync(file, Buffer.alloc(FLOOR_FILE_BYTES));
      const fd = openSync(file, 'r+');
      fsyncSync(fd);
      closeSync(fd);
    }
    const fd = openSync(file, target === 'floor' ? 'a' : 'r+');
    let position = 0;
    until = performance.now() + SECONDS * 1000;
    try {
      while (performance.now() < until) {
        const start = performance.now();
        writeSync(fd, UPDATE, 0, UPDATE.byteLength, position);
        position += UPDATE.byteLength;
        const written = performance.now() - start;
        await new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
        samples.push({ written, durable: performance.now() - start });
        await sleep(INTERVAL_MS);
      }
    } finally {
      closeSync(fd);
    }
    return samples;
  }
  const store = openSqliteStore({ dataDir: dir, synchronous: target === 'committed' ? 'normal' : 'full' });
  try {
    await sleep(300); // the WAL checkpointer thread starts, as it has long before a server's first write
    let receivedAt = Date.now();
    until = performance.now() + SECONDS * 1000;
    while (performance.now() < until) {
      const start = performance.now();
      const { flushed } = await store.commit([{ doc: 'bench', entries: [{ update: UPDATE, author: 'conn-bench', receivedAt: receivedAt++ }] }]);
      const written = performance.now() - start;
      await flushed;
      samples.push({ written, durable: performance.now() - start });
      await sleep(INTERVAL_MS);
    }
  } finally {
    await store.close();
  }
  return samples;
}

/** Keystroke updates of 50 people into one text, and a document holding all but the last `tail` of them. */
function typingHistory(people: number, keysEach: number, tail: number): { base: Uint8Array; updates: Uint8Array[] } {
  const shared = new Y.Doc();
  const updates: Uint8Array[] = [];
  const docs = Array.from({ length: people }, () => new Y.Doc());
  for (const doc of docs) doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let k = 0; k < keysEach; k++) {
    for (const doc of docs) {
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(shared, Y.encodeStateVector(doc)));
      const text = doc.getText('t');
      const before = updates.length;
      text.insert(Math.floor(text.length / 2), 'x');
      for (const u of updates.slice(before)) Y.applyUpdate(shared, u);
    }
  }
  const keep = updates.length - tail;
  const base = Y.mergeUpdates(updates.slice(0, keep));
  return { base, updates: updates.slice(keep) };
}

/** Per update: a trial apply into a shadow copy (the update gate) and the apply into the room's document. */
function yjsWork(): { trialMs: number[]; applyMs: number[] } {
  const { base, updates } = typingHistory(50, Number(values.keys), Math.min(1000, 25 * Number(values.keys)));
  const shadow = new Y.Doc();
  const room = new Y.Doc();
  Y.applyUpdate(shadow, base);
  Y.applyUpdate(room, base);
  const trialMs: number[] = [];
  const applyMs: number[] = [];
  for (const update of updates) {
    let start = performance.now();
    Y.applyUpdate(shadow, update);
    trialMs.push(performance.now() - start);
    start = performance.now();
    Y.applyUpdate(room, update);
    applyMs.push(performance.now() - start);
  }
  return { trialMs, applyMs };
}

interface RoundResult {
  target: Target;
  round: number;
  writes: number;
  written: { p50: number; p99: number };
  durable: { p50: number; p99: number };
}

const results: RoundResult[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const target of roundOrder(TARGETS, round)) {
    const dir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-logwrite-'));
    try {
      const samples = await measure(target, dir);
      const written = samples.map((s) => s.written).sort((a, b) => a - b);
      const durable = samples.map((s) => s.durable).sort((a, b) => a - b);
      const r: RoundResult = {
        target,
        round,
        writes: samples.length,
        written: { p50: quantile(written, 0.5), p99: quantile(written, 0.99) },
        durable: { p50: quantile(durable, 0.5), p99: quantile(durable, 0.99) },
      };
      results.push(r);
      console.log(
        `round ${round + 1} ${target.padEnd(10)} ${String(r.writes).padStart(5)} writes  written p50 ${r.written.p50.toFixed(3)} p99 ${r.written.p99.toFixed(3)} ms  durable p50 ${r.durable.p50.toFixed(3)} p99 ${r.durable.p99.toFixed(3)} ms`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

const of = (target: Target, pick: (r: RoundResult) => number): Spread => spread(results.filter((r) => r.target === target).map(pick));
const yjs = yjsWork();
const sortedTrial = yjs.trialMs.sort((a, b) => a - b);
const sortedApply = yjs.applyMs.sort((a, b) => a - b);

console.log(`\nmedian [min–max] of ${ROUNDS} rounds, ${SECONDS} s each, one ${UPDATE.byteLength}-byte write every ${INTERVAL_MS} ms:`);
console.log('| write | in the file p50 | durable p50 | durable p99 |');
console.log('|---|---|---|---|');
const labels: Record<Target, string> = {
  floor: 'floor: append + fdatasync',
  'floor-over': 'floor, over allocated blocks: write + fdatasync',
  store: 'Tandem store, default (transaction + WAL fdatasync)',
  committed: 'Tandem store, synchronous normal (transaction only)',
};
for (const target of TARGETS) {
  const durable = target === 'committed' ? '–' : formatSpread(of(target, (r) => r.durable.p50), 3);
  const durable99 = target === 'committed' ? '–' : formatSpread(of(target, (r) => r.durable.p99), 2);
  console.log(`| ${labels[target]} | ${formatSpread(of(target, (r) => r.written.p50), 3)} | ${durable} | ${durable99} |`);
}
const extra = of('store', (r) => r.durable.p50).median - of('floor', (r) => r.durable.p50).median;
console.log(
  `\nYjs work per update on a document 50 people typed into: trial apply (the update gate) p50 ${quantile(sortedTrial, 0.5).toFixed(3)} ms, apply p50 ${quantile(sortedApply, 0.5).toFixed(3)} ms`,
);
console.log(`Tandem's durable write costs ${extra.toFixed(3)} ms more than the floor's at p50 (medians of the rounds).`);
if (values.out !== undefined) {
  await writeFile(
    values.out,
    `${JSON.stringify({ seconds: SECONDS, intervalMs: INTERVAL_MS, results, yjs: { trialP50: quantile(sortedTrial, 0.5), applyP50: quantile(sortedApply, 0.5) } }, null, 2)}\n`,
  );
}
