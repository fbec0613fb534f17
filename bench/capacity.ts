// Benchmark: capacity. The largest number of clients typing on one document (`cps` characters a
// second each) for which the p99 latency, from a typist's send to an observer's receipt, stays under
// `threshold-ms` with nothing lost, for the floors, Tandem in each durability mode and the peer
// servers, in interleaved rounds.
//   npm run bench:capacity [-- --rounds 5 --steps 100,200,400 --seconds 10 --servers tandem,hocuspocus]
// One server process per server and round serves the whole ramp: clients are added between steps
// (the document keeps growing), each step settles for `settle` seconds and is then measured for
// `seconds` (10 by default, so that one disk stall cannot decide a step). The ramp stops at the first
// step whose p99 reaches the threshold, or which loses an update or a connection. A step where the
// generator itself was saturated (busy threads, lag, or keystrokes it could not send on time) is
// flagged: a capacity ended by it is a lower bound. Every step reports p50/p95/p99, the disk's own
// flush latency in the same window (and, when `tandem-postgres` runs, PostgreSQL's own commit latency)
// and, for Tandem, its stage timings (from /metrics). Round r runs
// every server, in an order rotated by r; the summary gives each server's median [min–max] capacity,
// ratios against the best peer and the floors, and the issue's targets.

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DiskSampler, type FlushStats, formatFlush } from './load/disk-sampler.js';
import { generatorCells, generatorNote, type LimitedBy, measureWindow, ms, rampEnding } from './load/ramp.js';
import { atLeast, formatSpread, printTargets, ratio, references, roundOrder, spread, type Spread } from './load/rounds.js';
import { PgCommitSampler } from './load/pg-commit-sampler.js';
import type { StepLoad } from './load/saturation.js';
import { startSession } from './load/session.js';
import { formatStages, type StageTimings } from './load/stage-timings.js';
import { onPostgres, type Peer, SERVERS, type ServerKind, selectServers } from './peers/servers.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    steps: { type: 'string', default: '100,200,400,600,800,1000,1200,1500,2000' },
    seconds: { type: 'string', default: '10' },
    settle: { type: 'string', default: '1' },
    observers: { type: 'string', default: '3' },
    cps: { type: 'string', default: '5' },
    'threshold-ms': { type: 'string', default: '50' },
    servers: { type: 'string', default: SERVERS.map((p) => p.name).join(',') },
    out: { type: 'string' },
  },
});
const ROUNDS = Number(values.rounds);
const STEPS = values.steps.split(',').map(Number);
const SECONDS = Number(values.seconds);
const SETTLE_SECONDS = Number(values.settle);
const OBSERVERS = Number(values.observers);
const CPS = Number(values.cps);
const THRESHOLD_MS = Number(values['threshold-ms']);
const DOC = 'bench/capacity';
// Updates of a step still in flight when it ends may take this long to arrive before they count as lost.
const DRAIN_MS = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Step {
  /** Typing clients (observers not counted). */
  clients: number;
  /** Seconds it took to connect this step's new clients. */
  connectSeconds: number;
  sentPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** The disk's own flush latency (300-byte append + fdatasync) during the step's window. */
  diskFlush: FlushStats | undefined;
  /** PostgreSQL's own commit latency (one 300-byte row) during the step's window, when it was sampled. */
  pgCommit: FlushStats | undefined;
  /** Tandem's stage timings in the step's window, when it exposes them. */
  stages: StageTimings | undefined;
  /** (update, observer) pairs that had not arrived a second after the step. */
  missing: number;
  /** When some are missing: how many typists they came from, and how many observers hold updates they cannot apply. */
  missingFrom?: { typists: number; observersWaiting: number };
  server: { cpuPercent: number; rssMiB: number } | 'crashed';
  generator: StepLoad & { cpuPercent: number; typistsReceivedMiBPerSecond: number };
  /** Why the generator may have limited this step, if it did. */
  generatorBound: string | undefined;
  passed: boolean;
  /** Why the step failed, if it did. */
  failure: string | undefined;
}

interface Result {
  server: string;
  kind: ServerKind;
  /** 1-based round, and this server's place in the round's order. */
  round: number;
  position: number;
  /** Largest passing client count (0 when the first step failed). */
  capacity: number;
  /** What ended the ramp: the server, the generator (capacity is a lower bound), or the last step. */
  limitedBy: LimitedBy;
  /** The step that ended the ramp and why, if one did. */
  ending: string | undefined;
  steps: Step[];
}

async function measure(peer: Peer, disk: DiskSampler, pgCommit: PgCommitSampler | undefined, round: number, position: number): Promise<Result> {
  const session = await startSession(peer, { scenario: 'capacity', doc: DOC, observers: OBSERVERS });
  const { server, typists } = session;
  await typists.setRate(CPS); // typists start typing as they connect
  const steps: Step[] = [];
  let limitedBy: Result['limitedBy'] = 'last step';
  let ending: string | undefined;
  let clients = 0;
  for (const target of STEPS) {
    const connectStarted = performance.now();
    try {
      clients = await typists.add(target - clients);
    } catch (err) {
      // A server too busy to accept clients has reached its capacity as surely as a slow one.
      limitedBy = server.alive ? 'server' : 'crash';
      ending = `${target}: could not connect (${(err as Error).message})`;
      console.log(`${String(round).padStart(5)} ${peer.name.padEnd(20)} ${String(target).padStart(6)}   FAIL: ${ending}`);
      break;
    }
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    await sleep(SETTLE_SECONDS * 1000);
    const m = await measureWindow(session, {
      during: async () => {
        await sleep(SECONDS * 1000);
      },
      offeredPerSecond: clients * CPS,
      drainMs: DRAIN_MS,
      latencyLimitMs: THRESHOLD_MS,
      disk,
      pgCommit,
    });
    const { window, latencyMs } = m;
    const failure =
      m.broken ??
      (!(latencyMs.p99 < THRESHOLD_MS)
        ? Number.isFinite(latencyMs.p99)
          ? `p99 ${latencyMs.p99.toFixed(1)} ms ≥ ${THRESHOLD_MS} ms`
          : `${(((window.expected - window.delivered) / window.expected) * 100).toFixed(1)}% of updates did not arrive within ${DRAIN_MS} ms (from ${window.clientsMissing} typists; ${session.waitingObservers()} observers hold updates they cannot apply)`
        : undefined);
    const step: Step = {
      clients,
      connectSeconds,
      sentPerSecond: m.sentPerSecond,
      latencyMs,
      diskFlush: m.disk,
      pgCommit: m.pgCommit,
      stages: m.stages,
      missing: window.expected - window.delivered,
      ...(window.delivered < window.expected ? { missingFrom: { typists: window.clientsMissing, observersWaiting: session.waitingObservers() } } : {}),
      server: m.server,
      generator: m.generator,
      generatorBound: m.generatorBound,
      passed: failure === undefined,
      failure,
    };
    steps.push(step);
    printStep(round, peer, step);
    if (failure !== undefined) {
      ({ limitedBy, ending } = rampEnding(String(clients), m, failure));
      break;
    }
  }
  await session.stop();
  await session.dispose();
  const capacity = steps.filter((s) => s.passed).at(-1)?.clients ?? 0;
  return { server: peer.name, kind: peer.kind, round, position, capacity, limitedBy, ending, steps };
}

function printStep(round: number, peer: Peer, s: Step): void {
  console.log(
    [
      String(round).padStart(5),
      peer.name.padEnd(20),
      String(s.clients).padStart(6),
      s.sentPerSecond.toFixed(0).padStart(7),
      ms(s.latencyMs.p50).padStart(7),
      ms(s.latencyMs.p95).padStart(7),
      ms(s.latencyMs.p99).padStart(7),
      ...generatorCells(s),
      s.generator.workerLagP99Ms.toFixed(1).padStart(8),
      s.generator.mainLagP99Ms.toFixed(1).padStart(8),
      formatFlush(s.diskFlush).padStart(20),
      ...(s.pgCommit === undefined ? [] : [formatFlush(s.pgCommit).padStart(20)]),
      `  ${s.passed ? 'pass' : `FAIL: ${s.failure}`}${generatorNote(s.generatorBound)}`,
    ].join(' '),
  );
  const stages = formatStages(s.stages);
  if (stages !== undefined) console.log(`        ${stages}`);
  else if (peer.kind === 'tandem') console.log('        stages: n/a (no tandem_update_stage_seconds at /metrics)');
}

interface Summary {
  server: string;
  kind: ServerKind;
  capacity: Spread;
  /** Rounds whose capacity is only a lower bound (the generator, or the last step, ended the ramp). */
  lowerBounds: number;
  /** The disk's flush p99.9 and max over the server's measured steps: median of the rounds, and the worst. */
  diskFlushP999Ms: Spread;
  diskFlushMaxMs: Spread;
  /** PostgreSQL's commit p99.9 and max, likewise, when it was sampled. */
  pgCommitP999Ms: Spread;
  pgCommitMaxMs: Spread;
}

function summarize(servers: readonly Peer[], results: readonly Result[]): Summary[] {
  return servers.map((p) => {
    const mine = results.filter((r) => r.server === p.name);
    const sampled = (of: (s: Step) => FlushStats | undefined) => mine.map((r) => r.steps.map(of).filter((d): d is FlushStats => d !== undefined && d.samples > 0)).filter((f) => f.length > 0);
    const flushes = sampled((s) => s.diskFlush);
    const commits = sampled((s) => s.pgCommit);
    return {
      server: p.name,
      kind: p.kind,
      capacity: spread(mine.map((r) => r.capacity)),
      lowerBounds: mine.filter((r) => r.limitedBy === 'generator' || r.limitedBy === 'last step').length,
      diskFlushP999Ms: spread(flushes.map((f) => Math.max(...f.map((d) => d.p999Ms)))),
      diskFlushMaxMs: spread(flushes.map((f) => Math.max(...f.map((d) => d.maxMs)))),
      pgCommitP999Ms: spread(commits.map((f) => Math.max(...f.map((d) => d.p999Ms)))),
      pgCommitMaxMs: spread(commits.map((f) => Math.max(...f.map((d) => d.maxMs)))),
    };
  });
}

function printSummary(servers: readonly Peer[], summary: readonly Summary[]) {
  const pgColumns = servers.some(onPostgres);
  const by = (name: string | undefined) => summary.find((s) => s.server === name);
  const refs = references(servers, (n) => by(n)!.capacity.median, false);
  const vs = (s: Summary, name: string | undefined) => ratio(s.capacity.median, by(name)?.capacity.median);
  console.log();
  console.log(`summary over ${ROUNDS} round(s): median [min–max] capacity (typing clients); ratios of medians (higher is better)`);
  console.log(
    ['server'.padEnd(20), 'kind'.padEnd(6), 'capacity'.padStart(22), 'lower bounds'.padStart(13), '÷durable'.padStart(9), '÷relay'.padStart(7), '÷best peer'.padStart(11), 'disk p99.9 ms'.padStart(14), 'disk max ms'.padStart(12), ...(pgColumns ? ['pg p99.9 ms'.padStart(12), 'pg max ms'.padStart(10)] : [])].join(' '),
  );
  for (const s of summary) {
    console.log(
      [
        s.server.padEnd(20),
        s.kind.padEnd(6),
        formatSpread(s.capacity, 0).padStart(22),
        `${s.lowerBounds}/${s.capacity.rounds.length}`.padStart(13),
        vs(s, refs.durableRelay).padStart(9),
        vs(s, refs.relay).padStart(7),
        vs(s, refs.bestPeer).padStart(11),
        s.diskFlushP999Ms.median.toFixed(2).padStart(14),
        s.diskFlushMaxMs.max.toFixed(1).padStart(12),
        ...(pgColumns ? [s.pgCommitP999Ms.median.toFixed(2).padStart(12), s.pgCommitMaxMs.max.toFixed(1).padStart(10)] : []),
      ].join(' '),
    );
  }
  console.log(`(best peer: ${refs.bestPeer ?? '-'}; lower bounds: rounds ended by the generator or the last step, whose figure is ≥; disk${pgColumns ? ' and pg commit' : ''}: median of each round's worst step p99.9, and the worst max)`);
  const tandem = by('tandem');
  const best = by(refs.bestPeer)?.capacity.median;
  const targets = [
    atLeast(`tandem capacity median ≥ 3× best peer (${refs.bestPeer ?? '-'})`, tandem?.capacity.median, 3, best, 'clients'),
    atLeast(`tandem worst round ≥ 0.5× best peer median`, tandem?.capacity.min, 0.5, best, 'clients'),
  ];
  printTargets(targets);
  return { references: refs, targets };
}

async function main() {
  const servers = selectServers(values.servers);
  const pgColumns = servers.some(onPostgres);
  console.log(`capacity: clients typing ${CPS} chars/s each on one document, ${OBSERVERS} observers; pass while p99 < ${THRESHOLD_MS} ms and nothing is lost`);
  console.log(`  ramp ${STEPS.join(', ')}; ${SETTLE_SECONDS} s settle + ${SECONDS} s measured per step, one server process per server and round, ${ROUNDS} interleaved round(s)`);
  console.log(
    ['round'.padStart(5), 'server'.padEnd(20), 'typing'.padStart(6), 'upd/s'.padStart(7), 'p50 ms'.padStart(7), 'p95 ms'.padStart(7), 'p99 ms'.padStart(7), 'srv cpu'.padStart(8), 'gen cpu'.padStart(8), 'wrk busy'.padStart(8), 'obs busy'.padStart(8), 'rcv MiB/s'.padStart(9), 'wrk lag'.padStart(8), 'obs lag'.padStart(8), 'fdatasync ms 50/99/99.9/max'.padStart(20), ...(pgColumns ? ['pg commit 50/99/99.9/max'.padStart(20)] : [])].join(' '),
  );
  const started = new Date();
  // PostgreSQL's commit latency is sampled through the whole run, beside every server, when one is on it.
  const pgCommit = pgColumns ? await PgCommitSampler.start() : undefined;
  const disk = await DiskSampler.start();
  const results: Result[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [i, peer] of roundOrder(servers, round - 1).entries()) {
        const r = await measure(peer, disk, pgCommit, round, i + 1);
        results.push(r);
        console.log(`${String(round).padStart(5)} ${peer.name.padEnd(20)} capacity ${r.limitedBy === 'generator' || r.limitedBy === 'last step' ? '≥' : ''}${r.capacity} (ended by ${r.limitedBy}${r.ending === undefined ? '' : `: ${r.ending}`})`);
      }
    }
  } finally {
    await disk.stop();
    await pgCommit?.stop();
  }
  const summary = summarize(servers, results);
  const { references: refs, targets } = printSummary(servers, summary);
  const file = values.out ?? path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'capacity.json');
  await writeFile(
    file,
    JSON.stringify({ date: started.toISOString(), cps: CPS, observers: OBSERVERS, seconds: SECONDS, settleSeconds: SETTLE_SECONDS, thresholdMs: THRESHOLD_MS, steps: STEPS, rounds: ROUNDS, summary, references: refs, targets, results }, null, 2) + '\n',
  );
  console.log(`results: ${path.relative(process.cwd(), file)}`);
}

await main();
