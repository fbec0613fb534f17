// Benchmark: one document on several instances (issue #15). Typing latency, what the whole setup
// spends per update, and what crossing instances adds.
//   npm run bench:instances [-- --rounds 5 --clients 51 --observers 3 --seconds 15 --cps 5 --setups tandem-pg-1,tandem-pg-3,hocuspocus-redis-3]
// Setups (bench/peers/setups.ts): one Tandem on PostgreSQL; three Tandem processes on one schema with
// Redis between them; three Hocuspocus instances with @hocuspocus/extension-redis and one shared
// SQLite file. Clients (typists and observers) are spread evenly over the instances (client i on
// instance i mod n). Observers (main thread) time every update from its send (typists' worker, one
// worker per instance) to its arrival; each update is also split by whether the observer is on the
// sender's instance or on another, so a cross-instance delivery can be compared with a same-instance one.
// CPU: utime+stime from /proc, before and after the window, of every server process, the setup's
// redis-server, and (for the setups on PostgreSQL) every `postgres` process on the machine; divided
// by the updates delivered (the window's deliveries ÷ observers: one update, to every client). The
// machine's 2 cores are shared by every process, so this cost, not a raw total, is what compares.
// Rounds are interleaved (round r runs every setup, order rotated by r); the summary gives each
// figure's median [min–max] over the rounds and the issue's targets.

import { writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LatencyLedger, percentile, wallNow } from './load/ledger.js';
import { GeneratorMeter } from './load/meters.js';
import { type Observer, openObserver } from './load/observers.js';
import { formatSpread, printTargets, ratio, roundOrder, spread, type Spread, type Target } from './load/rounds.js';
import { SetupCpuMeter } from './load/setup-cpu.js';
import { formatStages, medianStages, scrapeStages, stageDelta, type StageTimings } from './load/stage-timings.js';
import { Typists } from './load/typists.js';
import { benchDatabaseUrl } from './peers/bench-database.js';
import { FRAMINGS } from './peers/framing.js';
import { type Setup, type SetupName, SETUPS, selectSetups } from './peers/setups.js';

const here = path.dirname(fileURLToPath(import.meta.url));

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: path.join(here, 'results', 'instances.json') },
    rounds: { type: 'string', default: '5' },
    clients: { type: 'string', default: '51' },
    observers: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '15' },
    cps: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    setups: { type: 'string', default: SETUPS.map((s) => s.name).join(',') },
  },
});
const ROUNDS = Number(values.rounds);
const CLIENTS = Number(values.clients);
const OBSERVERS = Math.min(Number(values.observers), CLIENTS);
const SECONDS = Number(values.seconds);
const CPS = Number(values.cps);
/** Seconds of typing before each window, not measured: the servers' code is warm when it starts. */
const WARMUP = Number(values.warmup);
const DOC = 'bench/instances';
const DRAIN_MS = 1000;
const SELECTED = selectSetups(values.setups);
const POSTGRES_PORT = Number(new URL(benchDatabaseUrl()).port || 5432);

/** Instance of client `i` (observers first, then typists, each counted from 0): spread evenly. */
const instanceOf = (i: number, instances: number) => i % instances;

interface Result {
  setup: SetupName;
  round: number;
  position: number;
  instances: number;
  updatesSent: number;
  /** Updates delivered: (update, observer) arrivals ÷ observers. */
  updatesDelivered: number;
  /** (update, observer) pairs that never arrived. */
  missing: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** p50 at observers on the sender's instance, and on another (NaN with one instance). */
  sameInstanceP50Ms: number;
  crossInstanceP50Ms: number;
  /** CPU seconds in the window (bench/load/setup-cpu.ts); `totalSeconds` is what counts for the setup (PostgreSQL's share only when it uses it). */
  cpu: { serversSeconds: number; postgresSeconds: number; postgresAllSeconds: number; redisSeconds: number; ownBackends: number; postgresCounted: boolean; totalSeconds: number };
  /** CPU microseconds of the setup (servers + PostgreSQL when it uses it + Redis) per delivered update. */
  cpuPerUpdateUs: number;
  generatorCpuPercent: number;
  /** Tandem's stage timings (and fan-out lag) in the window, per instance. */
  stages: (StageTimings | undefined)[];
  /** Tandem with several instances: other instances' updates read from the log because Redis had not brought them in time, summed over the instances. */
  healedUpdates: number;
}

/** Sum of a counter's series in `<url>/metrics` (0 when absent or unreachable). */
async function counter(url: string, name: string): Promise<number> {
  try {
    const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    let total = 0;
    for (const line of text.split('\n')) if (line.startsWith(name) && /^\S+(\{[^}]*\})?\s/.test(line) && line.split(/[\s{]/)[0] === name) total += Number(line.trim().split(/\s+/).at(-1));
    return total;
  } catch {
    return 0;
  }
}
const HEALED = 'tandem_fanout_healed_updates_total';
const healedOf = async (urls: readonly string[]): Promise<number> => (await Promise.all(urls.map((u) => counter(u, HEALED)))).reduce((a, b) => a + b, 0);

const merged = (parts: readonly (readonly number[])[]): number[] => parts.flat().sort((a, b) => a - b);

async function measure(setup: Setup, round: number, position: number): Promise<Result> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `bench-instances-${setup.name}-`));
  const running = await setup.start(dataDir);
  const n = running.servers.length;
  // One ledger per sender instance; every observer hands its arrivals to all of them.
  const ledgers = running.servers.map(() => new LatencyLedger(OBSERVERS));
  const tee = { recordArrival: (...args: Parameters<LatencyLedger['recordArrival']>) => ledgers.forEach((l) => l.recordArrival(...args)) };
  const observers: Observer[] = [];
  const typists: Typists[] = [];
  try {
    for (let i = 0; i < OBSERVERS; i++) {
      observers.push(await openObserver({ url: running.servers[instanceOf(i, n)]!.url, framing: FRAMINGS[setup.framing], doc: DOC, ledger: tee, index: i }));
    }
    const typistCount = CLIENTS - OBSERVERS;
    for (let k = 0; k < n; k++) {
      const t = await Typists.start({ peer: setup.framing, url: running.servers[k]!.url, doc: DOC }, (pairs) => ledgers[k]!.recordSent(pairs));
      typists.push(t);
      const mine = Array.from({ length: typistCount }, (_, i) => i).filter((i) => instanceOf(OBSERVERS + i, n) === k).length;
      if (mine > 0) await t.add(mine);
    }
    if (WARMUP > 0) {
      await Promise.all(typists.map((t) => t.setRate(CPS)));
      await new Promise((r) => setTimeout(r, WARMUP * 1000));
    }
    for (const t of typists) await t.stats();
    const generator = new GeneratorMeter();
    const tandem = setup.framing !== 'hocuspocus';
    const stagesBefore = tandem ? await Promise.all(running.servers.map((s) => scrapeStages(s.url))) : [];
    const healedBefore = tandem ? await healedOf(running.servers.map((s) => s.url)) : 0;
    const cpuMeter = new SetupCpuMeter(running.servers.map((s) => s.pid), running.redisPid, POSTGRES_PORT);
    const started = wallNow();
    await Promise.all(typists.map((t) => t.setRate(CPS)));
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    await Promise.all(typists.map((t) => t.setRate(0)));
    const ended = wallNow();
    for (const l of ledgers) await l.settled(started, ended, DRAIN_MS);
    // After the drain: the work of delivering the window's updates is all in.
    const cpu = cpuMeter.read();
    const generatorCpuPercent = generator.read().cpuPercent;
    const stagesAfter = tandem ? await Promise.all(running.servers.map((s) => scrapeStages(s.url))) : [];
    const stages = stagesAfter.map((after, k) => stageDelta(stagesBefore[k], after));
    const healedUpdates = tandem ? (await healedOf(running.servers.map((s) => s.url))) - healedBefore : 0;
    const all = ledgers.map((l) => l.window(started, ended));
    const on = (k: number) => observers.map((_, i) => i).filter((i) => instanceOf(i, n) === k);
    const off = (k: number) => observers.map((_, i) => i).filter((i) => instanceOf(i, n) !== k);
    const same = merged(ledgers.map((l, k) => l.window(started, ended, on(k)).latencies));
    const cross = n > 1 ? merged(ledgers.map((l, k) => l.window(started, ended, off(k)).latencies)) : [];
    const latencies = merged(all.map((w) => w.latencies));
    const sent = all.reduce((s, w) => s + w.sent, 0);
    const delivered = all.reduce((s, w) => s + w.delivered, 0) / OBSERVERS;
    const counted = cpu.serversSeconds + cpu.redisSeconds + (setup.usesPostgres ? cpu.postgresSeconds : 0);
    return {
      setup: setup.name,
      round,
      position,
      instances: n,
      updatesSent: sent,
      updatesDelivered: delivered,
      missing: all.reduce((s, w) => s + (w.expected - w.delivered), 0),
      latencyMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies.at(-1) ?? NaN },
      sameInstanceP50Ms: percentile(same, 0.5),
      crossInstanceP50Ms: percentile(cross, 0.5),
      cpu: { ...cpu, totalSeconds: counted, postgresCounted: setup.usesPostgres },
      cpuPerUpdateUs: (counted / Math.max(1, delivered)) * 1e6,
      generatorCpuPercent,
      stages,
      healedUpdates,
    };
  } finally {
    for (const t of typists) await t.close();
    for (const o of observers) o.close();
    await running.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : v === Infinity ? '∞' : '-');

function printRound(r: Result): void {
  const pg = r.cpu.postgresCounted ? f2(r.cpu.postgresSeconds) : '-';
  console.log(
    [
      String(r.round).padStart(5),
      r.setup.padEnd(19),
      String(r.updatesSent).padStart(6),
      String(r.missing).padStart(7),
      f2(r.latencyMs.p50).padStart(7),
      f2(r.latencyMs.p99).padStart(7),
      f2(r.sameInstanceP50Ms).padStart(8),
      f2(r.crossInstanceP50Ms).padStart(9),
      f2(r.cpu.serversSeconds).padStart(8),
      pg.padStart(6),
      f2(r.cpu.postgresAllSeconds).padStart(8),
      f2(r.cpu.redisSeconds).padStart(7),
      r.cpuPerUpdateUs.toFixed(0).padStart(9),
      r.generatorCpuPercent.toFixed(0).padStart(6),
    ].join(' '),
  );
  const first = formatStages(r.stages[0]);
  if (first !== undefined) console.log(`${' '.repeat(12)}instance 1 ${first}${r.instances > 1 ? `; healed from the log (all instances): ${r.healedUpdates}` : ''}`);
}

interface Summary {
  setup: SetupName;
  p50Ms: Spread;
  p99Ms: Spread;
  sameP50Ms: Spread;
  crossP50Ms: Spread;
  /** Per round: cross p50 − same p50. */
  crossMinusSameMs: Spread;
  cpuPerUpdateUs: Spread;
  missing: number;
  /** Instance 1's stage timings, median of the rounds (Tandem only). */
  stages: StageTimings | undefined;
}

function summarize(results: readonly Result[]): Summary[] {
  return SELECTED.map((s) => {
    const mine = results.filter((r) => r.setup === s.name);
    return {
      setup: s.name,
      p50Ms: spread(mine.map((r) => r.latencyMs.p50)),
      p99Ms: spread(mine.map((r) => r.latencyMs.p99)),
      sameP50Ms: spread(mine.map((r) => r.sameInstanceP50Ms)),
      crossP50Ms: spread(mine.map((r) => r.crossInstanceP50Ms)),
      crossMinusSameMs: spread(mine.map((r) => r.crossInstanceP50Ms - r.sameInstanceP50Ms)),
      cpuPerUpdateUs: spread(mine.map((r) => r.cpuPerUpdateUs)),
      missing: mine.reduce((m, r) => m + r.missing, 0),
      stages: medianStages(mine.map((r) => r.stages[0])),
    };
  });
}

function targets(summary: readonly Summary[]): Target[] {
  const of = (name: SetupName) => summary.find((s) => s.setup === name);
  const tandem3 = of('tandem-pg-3');
  const hocus3 = of('hocuspocus-redis-3');
  const cpu: Target =
    tandem3 === undefined || hocus3 === undefined
      ? { goal: 'CPU per update: tandem-pg-3 ≤ 0.7 × hocuspocus-redis-3', figures: 'needs both setups in the run', met: undefined }
      : {
          goal: 'CPU per update: tandem-pg-3 ≤ 0.7 × hocuspocus-redis-3',
          figures: `${tandem3.cpuPerUpdateUs.median.toFixed(0)} µs vs 0.7 × ${hocus3.cpuPerUpdateUs.median.toFixed(0)} µs (${ratio(tandem3.cpuPerUpdateUs.median, hocus3.cpuPerUpdateUs.median)})`,
          met: tandem3.cpuPerUpdateUs.median <= 0.7 * hocus3.cpuPerUpdateUs.median,
        };
  const cross: Target =
    tandem3 === undefined
      ? { goal: 'tandem-pg-3: cross-instance p50 ≤ same-instance p50 + 1 ms', figures: 'needs tandem-pg-3 in the run', met: undefined }
      : {
          goal: 'tandem-pg-3: cross-instance p50 ≤ same-instance p50 + 1 ms',
          figures: `${f2(tandem3.crossP50Ms.median)} vs ${f2(tandem3.sameP50Ms.median)} ms: +${f2(tandem3.crossMinusSameMs.median)} ms (median of the rounds' differences)`,
          met: tandem3.crossMinusSameMs.median <= 1,
        };
  return [cpu, cross];
}

async function main(): Promise<void> {
  const started = new Date();
  console.log(`instances: ${SELECTED.map((s) => s.name).join(', ')}; one document, ${CLIENTS} clients (${OBSERVERS} observers) spread evenly over the instances, ${CPS} updates/s per typist, ${SECONDS} s windows after ${WARMUP} s of warm-up, ${ROUNDS} interleaved round(s)`);
  console.log();
  const head = ['round'.padStart(5), 'setup'.padEnd(19), 'sent'.padStart(6), 'missing'.padStart(7), 'p50'.padStart(7), 'p99'.padStart(7), 'same p50'.padStart(8), 'cross p50'.padStart(9), 'cpu srv s'.padStart(8), 'pg s'.padStart(6), 'pg all s'.padStart(8), 'redis s'.padStart(7), 'µs/update'.padStart(9), 'gen %'.padStart(6)];
  console.log(head.join(' '));
  const results: Result[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = roundOrder(SELECTED, round);
    for (const [position, setup] of order.entries()) {
      const r = await measure(setup, round + 1, position + 1);
      results.push(r);
      printRound(r);
    }
  }
  console.log("(latency ms; same/cross: p50 at observers on the sender's instance, and on another; cpu: seconds in the window: servers; pg: PostgreSQL's backends of the setup's own connections and its shared processes (WAL writer, checkpointer...), counted for the setups on PostgreSQL; pg all: every postgres process, whoever it served (the machine's PostgreSQL is shared), not counted; redis: the setup's redis-server; µs/update: counted CPU ÷ updates delivered; gen %: the load generator's own CPU)");
  const summary = summarize(results);
  console.log();
  console.log(`instances, summary over ${ROUNDS} round(s): median [min–max] of the rounds`);
  const cols = ['setup'.padEnd(19), 'typing p50 ms'.padStart(20), 'typing p99 ms'.padStart(22), 'same p50 ms'.padStart(20), 'cross p50 ms'.padStart(20), 'cross − same ms'.padStart(22), 'CPU µs/update'.padStart(18)];
  console.log(cols.join(' '));
  for (const s of summary) {
    console.log(
      [
        s.setup.padEnd(19),
        formatSpread(s.p50Ms, 2).padStart(20),
        formatSpread(s.p99Ms, 2).padStart(22),
        formatSpread(s.sameP50Ms, 2).padStart(20),
        (s.crossP50Ms.rounds.every(Number.isNaN) ? 'n/a' : formatSpread(s.crossP50Ms, 2)).padStart(20),
        (s.crossMinusSameMs.rounds.every(Number.isNaN) ? 'n/a' : formatSpread(s.crossMinusSameMs, 2)).padStart(22),
        formatSpread(s.cpuPerUpdateUs, 0).padStart(18),
      ].join(' '),
    );
  }
  for (const s of summary) {
    const stages = formatStages(s.stages);
    if (stages !== undefined) console.log(`  ${s.setup}, instance 1, median of the rounds: ${stages}`);
  }
  const t3 = summary.find((s) => s.setup === 'tandem-pg-3');
  const h3 = summary.find((s) => s.setup === 'hocuspocus-redis-3');
  const cpuRatio = t3 !== undefined && h3 !== undefined ? ratio(t3.cpuPerUpdateUs.median, h3.cpuPerUpdateUs.median) : '-';
  console.log(`CPU per update, tandem-pg-3 ÷ hocuspocus-redis-3: ${cpuRatio} (target ≤ 0.70×)`);
  const verdicts = targets(summary);
  printTargets(verdicts, 'targets (issue #15; medians of the rounds):');
  const minutes = (Date.now() - started.getTime()) / 60_000;
  console.log(`(${minutes.toFixed(1)} min)`);
  await writeFile(values.out, JSON.stringify({ date: started.toISOString(), minutes, options: values, summary, cpuRatioTandem3OverHocuspocus3: cpuRatio, targets: verdicts, results }, null, 2) + '\n');
  console.log(`results: ${path.relative(process.cwd(), values.out)}`);
}

await main();
