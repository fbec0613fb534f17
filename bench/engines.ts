// Benchmark: the storage engines. Tandem as shipped on SQLite (`tandem`) against the same server on
// PostgreSQL (`tandem-postgres`), in one run: typing latency (p50/p99, default durability) and
// capacity, on one document each.
//   npm run bench:engines [-- --rounds 5 --clients 50 --seconds 15 --steps 100,200,400 --step-seconds 10]
// Runs bench/typing.ts and then bench/capacity.ts with `--servers tandem,tandem-postgres`, each in
// interleaved rounds (round r runs both, in an order rotated by r), with the disk's flush sampler and
// PostgreSQL's commit sampler beside every window; their own tables print as they run, their full
// results go beside this one's (`<out>-typing.json`, `<out>-capacity.json`). Then prints each round
// and each figure's median [min–max] of the rounds for both engines, with the ratio PostgreSQL ÷
// SQLite, and what the disk's flush and PostgreSQL's commit did meanwhile.

import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type FlushStats, formatFlush } from './load/latency-sampler.js';
import { formatSpread, ratio, spread, type Spread } from './load/rounds.js';

const here = path.dirname(fileURLToPath(import.meta.url));

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    // typing
    clients: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '15' },
    // capacity
    steps: { type: 'string', default: '100,200,400,600,800,1000,1200,1500,2000' },
    'step-seconds': { type: 'string', default: '10' },
    settle: { type: 'string', default: '1' },
    'threshold-ms': { type: 'string', default: '50' },
    // both
    observers: { type: 'string', default: '3' },
    cps: { type: 'string', default: '5' },
    out: { type: 'string', default: path.join(here, 'results', 'engines.json') },
  },
});

const ENGINES = [
  { engine: 'sqlite', server: 'tandem' },
  { engine: 'postgres', server: 'tandem-postgres' },
] as const;
const SERVERS = ENGINES.map((e) => e.server).join(',');
const OUT = values.out;
const sideFile = (what: string) => OUT.replace(/(\.json)?$/, `-${what}.json`);

/** Runs one of the benchmarks to completion, its output streaming through; throws if it fails. */
async function runBench(script: string, args: string[]): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, script), ...args], { cwd: path.dirname(here), stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${script} ${args.join(' ')} exited with ${code}`);
}

// What this script reads of typing.json and capacity.json.
interface TypingResult {
  server: string;
  round: number;
  latencyMs: { p50: number; p99: number };
  missing: number;
  diskFlush: FlushStats;
  pgCommit?: FlushStats;
}
interface CapacityStep {
  clients: number;
  passed: boolean;
  diskFlush?: FlushStats;
  pgCommit?: FlushStats;
}
interface CapacityResult {
  server: string;
  round: number;
  capacity: number;
  limitedBy: string;
  ending?: string;
  steps: CapacityStep[];
}

/** The worst p99.9 and max over a ramp's steps, as one FlushStats-like figure (p50/p99: medians of the steps). */
function worstOfSteps(stats: readonly (FlushStats | undefined)[]): FlushStats | undefined {
  const sampled = stats.filter((s): s is FlushStats => s !== undefined && s.samples > 0);
  if (sampled.length === 0) return undefined;
  return {
    samples: sampled.reduce((n, s) => n + s.samples, 0),
    p50Ms: spread(sampled.map((s) => s.p50Ms)).median,
    p99Ms: spread(sampled.map((s) => s.p99Ms)).median,
    p999Ms: Math.max(...sampled.map((s) => s.p999Ms)),
    maxMs: Math.max(...sampled.map((s) => s.maxMs)),
  };
}

interface Round {
  round: number;
  server: string;
  typingP50Ms: number;
  typingP99Ms: number;
  typingMissing: number;
  capacity: number;
  /** `≥` when the generator or the last step ended the ramp (a lower bound). */
  capacityBound: '' | '≥';
  capacityEnding: string | undefined;
  typingDisk: FlushStats;
  typingPgCommit: FlushStats | undefined;
  capacityDisk: FlushStats | undefined;
  capacityPgCommit: FlushStats | undefined;
}

function rounds(typing: readonly TypingResult[], capacity: readonly CapacityResult[]): Round[] {
  const out: Round[] = [];
  for (const t of typing) {
    const c = capacity.find((r) => r.server === t.server && r.round === t.round);
    out.push({
      round: t.round,
      server: t.server,
      typingP50Ms: t.latencyMs.p50,
      typingP99Ms: t.latencyMs.p99,
      typingMissing: t.missing,
      capacity: c?.capacity ?? NaN,
      capacityBound: c !== undefined && (c.limitedBy === 'generator' || c.limitedBy === 'last step') ? '≥' : '',
      capacityEnding: c?.ending,
      typingDisk: t.diskFlush,
      typingPgCommit: t.pgCommit,
      capacityDisk: worstOfSteps(c?.steps.map((s) => s.diskFlush) ?? []),
      capacityPgCommit: worstOfSteps(c?.steps.map((s) => s.pgCommit) ?? []),
    });
  }
  return out;
}

const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '∞');

function printRounds(all: readonly Round[]): void {
  console.log();
  console.log(`engines, per round (${SERVERS}; disk fdatasync and pg commit: p50/p99/p99.9/max ms during typing, and over the capacity ramp's steps (p99.9, max: the worst step's))`);
  const head = ['round'.padStart(5), 'server'.padEnd(16), 'typing p50'.padStart(10), 'typing p99'.padStart(10), 'capacity'.padStart(9), 'typing: disk'.padStart(22), 'pg commit'.padStart(22), 'capacity: disk'.padStart(22), 'pg commit'.padStart(22)];
  console.log(head.join(' '));
  for (const r of all) {
    console.log(
      [
        String(r.round).padStart(5),
        r.server.padEnd(16),
        f2(r.typingP50Ms).padStart(10),
        f2(r.typingP99Ms).padStart(10),
        `${r.capacityBound}${r.capacity}`.padStart(9),
        formatFlush(r.typingDisk).padStart(22),
        formatFlush(r.typingPgCommit).padStart(22),
        formatFlush(r.capacityDisk).padStart(22),
        formatFlush(r.capacityPgCommit).padStart(22),
      ].join(' '),
    );
  }
}

interface EngineSummary {
  engine: string;
  server: string;
  typingP50Ms: Spread;
  typingP99Ms: Spread;
  capacity: Spread;
  capacityLowerBounds: number;
  /** Medians of the rounds' p50 and p99.9, and the worst max, over typing windows and capacity steps. */
  diskFlush: { p50Ms: Spread; p999Ms: Spread; maxMs: number };
  pgCommit: { p50Ms: Spread; p999Ms: Spread; maxMs: number };
}

function summarize(all: readonly Round[]): EngineSummary[] {
  return ENGINES.map(({ engine, server }) => {
    const mine = all.filter((r) => r.server === server);
    const sampled = (of: (r: Round) => (FlushStats | undefined)[]) => {
      const stats = mine.flatMap(of).filter((s): s is FlushStats => s !== undefined && s.samples > 0);
      return { p50Ms: spread(stats.map((s) => s.p50Ms)), p999Ms: spread(stats.map((s) => s.p999Ms)), maxMs: stats.length === 0 ? NaN : Math.max(...stats.map((s) => s.maxMs)) };
    };
    return {
      engine,
      server,
      typingP50Ms: spread(mine.map((r) => r.typingP50Ms)),
      typingP99Ms: spread(mine.map((r) => r.typingP99Ms)),
      capacity: spread(mine.map((r) => r.capacity)),
      capacityLowerBounds: mine.filter((r) => r.capacityBound === '≥').length,
      diskFlush: sampled((r) => [r.typingDisk, r.capacityDisk]),
      pgCommit: sampled((r) => [r.typingPgCommit, r.capacityPgCommit]),
    };
  });
}

function printSummary(summary: readonly EngineSummary[], roundCount: number): Record<string, string> {
  const [sqlite, postgres] = summary as [EngineSummary, EngineSummary];
  const ratios = {
    typingP50: ratio(postgres.typingP50Ms.median, sqlite.typingP50Ms.median),
    typingP99: ratio(postgres.typingP99Ms.median, sqlite.typingP99Ms.median),
    capacity: ratio(postgres.capacity.median, sqlite.capacity.median),
  };
  console.log();
  console.log(`engines, summary over ${roundCount} round(s): median [min–max] of the rounds; ratio of the medians, PostgreSQL ÷ SQLite`);
  console.log(['figure'.padEnd(18), `sqlite (${sqlite.server})`.padStart(26), `postgres (${postgres.server})`.padStart(28), 'pg ÷ sqlite'.padStart(12)].join(' '));
  const line = (figure: string, a: string, b: string, r: string) => console.log([figure.padEnd(18), a.padStart(26), b.padStart(28), r.padStart(12)].join(' '));
  line('typing p50 ms', formatSpread(sqlite.typingP50Ms, 2), formatSpread(postgres.typingP50Ms, 2), ratios.typingP50);
  line('typing p99 ms', formatSpread(sqlite.typingP99Ms, 2), formatSpread(postgres.typingP99Ms, 2), ratios.typingP99);
  const bound = (s: EngineSummary) => (s.capacityLowerBounds > 0 ? ` (${s.capacityLowerBounds} ≥)` : '');
  line('capacity clients', formatSpread(sqlite.capacity, 0) + bound(sqlite), formatSpread(postgres.capacity, 0) + bound(postgres), ratios.capacity);
  console.log('(lower is better for latency, higher for capacity; "n ≥": rounds whose capacity is a lower bound, ended by the generator or the last step)');
  console.log();
  console.log('beside them, in the windows of each engine (typing windows and capacity steps): median of the p50s and of the p99.9s, and the worst max, ms');
  for (const s of summary) {
    const cell = (x: EngineSummary['diskFlush']) => (x.p50Ms.rounds.length === 0 ? 'n/a' : `p50 ${f2(x.p50Ms.median)}, p99.9 ${f2(x.p999Ms.median)}, max ${f2(x.maxMs)}`);
    console.log(`  ${s.server.padEnd(16)} disk fdatasync ${cell(s.diskFlush).padEnd(38)} pg commit ${cell(s.pgCommit)}`);
  }
  return ratios;
}

async function main() {
  const started = new Date();
  const rounds_ = values.rounds;
  const common = ['--servers', SERVERS, '--rounds', rounds_, '--observers', values.observers, '--cps', values.cps];
  console.log(`engines: ${SERVERS} (Tandem on SQLite, and on PostgreSQL), typing then capacity, ${rounds_} interleaved round(s) each`);
  console.log();
  await runBench('typing.ts', [...common, '--clients', values.clients, '--seconds', values.seconds, '--out', sideFile('typing')]);
  console.log();
  await runBench('capacity.ts', [...common, '--steps', values.steps, '--seconds', values['step-seconds'], '--settle', values.settle, '--threshold-ms', values['threshold-ms'], '--out', sideFile('capacity')]);
  const typing = JSON.parse(await readFile(sideFile('typing'), 'utf8')) as { results: TypingResult[] };
  const capacity = JSON.parse(await readFile(sideFile('capacity'), 'utf8')) as { results: CapacityResult[] };
  const all = rounds(typing.results, capacity.results).sort((a, b) => a.round - b.round || ENGINES.findIndex((e) => e.server === a.server) - ENGINES.findIndex((e) => e.server === b.server));
  printRounds(all);
  const summary = summarize(all);
  const ratios = printSummary(summary, Number(rounds_));
  const minutes = (Date.now() - started.getTime()) / 60_000;
  console.log(`(${minutes.toFixed(1)} min)`);
  await writeFile(
    OUT,
    JSON.stringify(
      {
        date: started.toISOString(),
        minutes,
        options: values,
        files: { typing: path.basename(sideFile('typing')), capacity: path.basename(sideFile('capacity')) },
        summary,
        ratiosPostgresOverSqlite: ratios,
        rounds: all,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`results: ${path.relative(process.cwd(), OUT)} (and ${path.basename(sideFile('typing'))}, ${path.basename(sideFile('capacity'))} beside it)`);
}

await main();
