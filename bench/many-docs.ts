// Benchmark: many documents, closer to a real deployment than one crowded document. `docs` documents,
// each with `typists` typing `cps` characters a second and `readers` that apply everything, for
// Tandem, the peers and the floors in the same run, over interleaved rounds.
//   npm run bench:docs [-- --docs 500 --typists 3 --readers 1 --cps 5 --seconds 15 --rounds 5 --servers tandem,hocuspocus]
// Each round starts every server afresh (server order rotated by one per round), connects readers
// and typists a batch of documents at a time, starts the typing, lets it settle until the readers
// have caught up, then measures a window: latency from a typist's send (worker thread) to its
// reader's receipt (main thread), updates lost, the server's CPU time (utime + stime of the whole
// process, from /proc) over the window divided by the updates its readers received in that window,
// and its RSS at the end of the window. Typing goes on while the window's last updates drain, so the
// window is steady state at both ends. Rounds where the generator or the machine (other processes)
// may have set the figures are flagged.

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { percentile, wallNow } from './load/ledger.js';
import { type MachineReading, MachineMeter } from './load/machine.js';
import { measureWindow, ms } from './load/ramp.js';
import { generatorVerdict, type StepLoad } from './load/saturation.js';
import { startSession } from './load/session.js';
import { type Peer, SERVERS, selectServers } from './peers/servers.js';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '500' },
    typists: { type: 'string', default: '3' },
    readers: { type: 'string', default: '1' },
    cps: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '15' },
    settle: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
    'drain-ms': { type: 'string', default: '2000' },
    // Documents whose typists connect at once; readers connect in their own batches (load/session.ts).
    batch: { type: 'string', default: '20' },
    servers: { type: 'string', default: SERVERS.map((p) => p.name).join(',') },
    out: { type: 'string' },
  },
});
const DOCS = Number(values.docs);
const TYPISTS = Number(values.typists);
const READERS = Number(values.readers);
const CPS = Number(values.cps);
const SECONDS = Number(values.seconds);
const SETTLE_SECONDS = Number(values.settle);
const ROUNDS = Number(values.rounds);
const DRAIN_MS = Number(values['drain-ms']);
const BATCH = Number(values.batch);

// Ratios: CPU per update against the best of these, p99 against the durable floor when it runs.
const PEER_NAMES: readonly string[] = ['hocuspocus', 'y-websocket-server'];
const DURABLE_FLOOR = 'durable-relay';
const FLOORS: readonly string[] = ['relay', DURABLE_FLOOR];
// Above this share of all cores busy, the server and the generator wait for CPU.
const MACHINE_BUSY = 0.9;
const TARGET = { cpuVsBestPeer: 0.7, p99VsDurableFloor: 1.1 };

// How long, after the settling time, the server may take to deliver everything typed so far.
const CATCH_UP_MS = 10_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Measured {
  server: string;
  round: number;
  connectSeconds: number;
  /** How long after the settling time the readers took to receive everything typed so far. */
  catchUpSeconds: number;
  /** False when they had not within CATCH_UP_MS: the window starts with a backlog. */
  caughtUp: boolean;
  /**
   * Caught up, and nothing lost: the server kept pace with the typing. One that did not works
   * through a backlog in bigger batches, which lowers its CPU per update; compare those with care.
   */
  keptUp: boolean;
  /** Updates the typists sent in the window. */
  sent: number;
  sentPerSecond: number;
  /** (update, reader) pairs delivered within the window plus the drain. */
  delivered: number;
  /** (update, reader) pairs that had not arrived `drain-ms` after the window. */
  lost: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  serverCpuSeconds: number;
  serverCpuPercent: number;
  /**
   * (update, reader) arrivals during the window, whenever sent: the work the server's CPU in the
   * window did, even when it is behind and delivering updates sent before the window.
   */
  arrivals: number;
  /** Server CPU microseconds per arrival in the window (Infinity when nothing arrived). */
  cpuUsPerUpdate: number;
  rssMiB: number;
  generator: StepLoad & { cpuPercent: number; typistsReceivedMiBPerSecond: number };
  /** Why the generator may have set this figure (busy or late threads, updates it could not send). */
  generatorBound: string | undefined;
  /** The machine over the window; `otherCores` is what neither the server nor the generator used. */
  machine: MachineReading & { otherCores: number };
  /** When the machine had no CPU to spare: every figure of the window may be starved. */
  machineBound: string | undefined;
}

type RoundResult = Measured | { server: string; round: number; failure: string };

const failed = (r: RoundResult): r is Extract<RoundResult, { failure: string }> => 'failure' in r;

async function measure(peer: Peer, round: number): Promise<RoundResult> {
  const docs = Array.from({ length: DOCS }, (_, i) => `bench-docs-${i}`);
  const connectStarted = performance.now();
  const session = await startSession(peer, { scenario: 'many-docs', doc: docs[0]!, docs, observers: READERS });
  try {
    const { typists } = session;
    for (let first = 0; first < docs.length; first += BATCH) {
      await Promise.all(docs.slice(first, first + BATCH).map((doc) => typists.add(TYPISTS, doc)));
    }
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    await typists.setRate(CPS);
    await sleep(SETTLE_SECONDS * 1000);
    // The window starts once everything typed so far has reached the readers (or the wait gives up):
    // a server still working through the start of the typing would charge that backlog to the window.
    const catchUpStarted = wallNow();
    await session.ledger.settled(0, catchUpStarted, CATCH_UP_MS);
    const catchUpSeconds = (wallNow() - catchUpStarted) / 1000;
    let machine: MachineReading | undefined;
    let arrivals = 0;
    const m = await measureWindow(session, {
      during: async () => {
        const meter = new MachineMeter();
        const from = wallNow();
        await sleep(SECONDS * 1000);
        machine = meter.read();
        arrivals = session.ledger.arrivalsBetween(from, wallNow());
      },
      offeredPerSecond: DOCS * TYPISTS * CPS,
      drainMs: DRAIN_MS,
      latencyLimitMs: Infinity, // judged below, against the latency measured
    });
    if (m.broken !== undefined || m.server === 'crashed') return { server: peer.name, round, failure: m.broken ?? 'server crashed' };
    const { window } = m;
    const p99 = percentile(window.latencies, 0.99);
    const serverCpuSeconds = (m.server.cpuPercent / 100) * m.seconds;
    const otherCores = machine!.busyCores - m.server.cpuPercent / 100 - m.generator.cpuPercent / 100;
    return {
      server: peer.name,
      round,
      connectSeconds,
      catchUpSeconds,
      caughtUp: catchUpSeconds < CATCH_UP_MS / 1000,
      keptUp: catchUpSeconds < CATCH_UP_MS / 1000 && window.delivered === window.expected,
      sent: window.sent,
      sentPerSecond: m.sentPerSecond,
      delivered: window.delivered,
      lost: window.expected - window.delivered,
      latencyMs: { p50: m.latencyMs.p50, p95: percentile(window.latencies, 0.95), p99, max: m.latencyMs.max },
      serverCpuSeconds,
      serverCpuPercent: m.server.cpuPercent,
      arrivals,
      cpuUsPerUpdate: arrivals > 0 ? (serverCpuSeconds * 1e6) / arrivals : Infinity,
      rssMiB: m.server.rssMiB,
      generator: m.generator,
      // The observers' own lag lands in every latency: flagged once it is a fifth of the p99 measured.
      generatorBound: generatorVerdict(m.generator, Number.isFinite(p99) ? p99 : Infinity),
      machine: { ...machine!, otherCores },
      machineBound:
        machine!.busyCores > MACHINE_BUSY * machine!.cores
          ? `${machine!.busyCores.toFixed(1)} of ${machine!.cores} cores busy, ${Math.max(0, otherCores).toFixed(1)} by other processes`
          : undefined,
    };
  } catch (err) {
    return { server: peer.name, round, failure: (err as Error).message };
  } finally {
    await session.stop();
    await session.dispose();
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const spread = (xs: readonly number[]) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });
type Spread = ReturnType<typeof spread>;

/** Each server's figure divided by the best peer's (lowest) and by the durable floor's, from `value`. */
function ratios(results: readonly Measured[], value: (r: Measured) => number) {
  const peers = results.filter((r) => PEER_NAMES.includes(r.server)).map(value);
  const floor = results.find((r) => r.server === DURABLE_FLOOR);
  return { bestPeer: peers.length > 0 ? Math.min(...peers) : undefined, durableFloor: floor === undefined ? undefined : value(floor) };
}

const ratioText = (v: number, base: number | undefined) => (base === undefined || !(base > 0) ? '-' : `${fixed(v / base, 2)}×`);

const HEAD = ['server'.padEnd(20), 'upd/s'.padStart(6), 'p50 ms'.padStart(7), 'p95 ms'.padStart(7), 'p99 ms'.padStart(7), 'max ms'.padStart(7), 'lost'.padStart(6), 'srv cpu'.padStart(7), 'µs/upd'.padStart(7), 'srv MiB'.padStart(7), 'gen cpu'.padStart(7), 'wrk busy'.padStart(8), 'obs busy'.padStart(8), 'wrk lag'.padStart(7), 'obs lag'.padStart(7), 'cpu÷peer'.padStart(8), 'p99÷dur'.padStart(8), 'others'.padStart(6)];

function printRound(round: readonly RoundResult[]): void {
  const ok = round.filter((r): r is Measured => !failed(r));
  const cpu = ratios(ok, (r) => r.cpuUsPerUpdate);
  const p99 = ratios(ok, (r) => r.latencyMs.p99);
  for (const r of round) {
    if (failed(r)) {
      console.log(`  ${r.server.padEnd(20)} FAIL: ${r.failure}`);
      continue;
    }
    const g = r.generator;
    const compared = !PEER_NAMES.includes(r.server) && !FLOORS.includes(r.server);
    console.log(
      [
        `  ${r.server.padEnd(20)}`,
        r.sentPerSecond.toFixed(0).padStart(6),
        ms(r.latencyMs.p50).padStart(7),
        ms(r.latencyMs.p95).padStart(7),
        ms(r.latencyMs.p99).padStart(7),
        ms(r.latencyMs.max).padStart(7),
        String(r.lost).padStart(6),
        `${r.serverCpuPercent.toFixed(0)}%`.padStart(7),
        fixed(r.cpuUsPerUpdate, 0).padStart(7),
        r.rssMiB.toFixed(0).padStart(7),
        `${g.cpuPercent.toFixed(0)}%`.padStart(7),
        `${(g.workerUtilization * 100).toFixed(0)}%`.padStart(8),
        `${(g.mainUtilization * 100).toFixed(0)}%`.padStart(8),
        g.workerLagP99Ms.toFixed(1).padStart(7),
        g.mainLagP99Ms.toFixed(1).padStart(7),
        (compared ? ratioText(r.cpuUsPerUpdate, cpu.bestPeer) : '').padStart(8),
        (compared ? ratioText(r.latencyMs.p99, p99.durableFloor) : '').padStart(8),
        r.machine.otherCores.toFixed(1).padStart(6),
        r.generatorBound === undefined ? '' : `  [generator: ${r.generatorBound}]`,
        r.machineBound === undefined ? '' : `  [machine: ${r.machineBound}]`,
        r.caughtUp ? '' : `  [backlog: readers had not caught up ${CATCH_UP_MS / 1000} s after the settling time]`,
      ].join(' '),
    );
  }
}

interface Summary {
  server: string;
  rounds: number;
  failedRounds: number;
  latencyMs: { p50: Spread; p95: Spread; p99: Spread; max: Spread };
  cpuUsPerUpdate: Spread;
  rssMiB: Spread;
  lost: { total: number; worstRound: number };
  /** Rounds in which the server kept pace with the typing (see `Measured.keptUp`). */
  roundsKeptUp: number;
  roundsGeneratorBound: number;
  /** Rounds in which the machine had no CPU to spare. */
  roundsMachineBound: number;
  /** Median CPU per update ÷ the best peer's median; median p99 ÷ the durable floor's. */
  ratios?: { cpuVsBestPeer: number | undefined; p99VsDurableFloor: number | undefined };
}

function summarize(all: readonly RoundResult[], servers: readonly string[]): Summary[] {
  const summaries = servers.map((server): Summary => {
    const mine = all.filter((r) => r.server === server);
    const ok = mine.filter((r): r is Measured => !failed(r));
    return {
      server,
      rounds: mine.length,
      failedRounds: mine.length - ok.length,
      latencyMs: {
        p50: spread(ok.map((r) => r.latencyMs.p50)),
        p95: spread(ok.map((r) => r.latencyMs.p95)),
        p99: spread(ok.map((r) => r.latencyMs.p99)),
        max: spread(ok.map((r) => r.latencyMs.max)),
      },
      cpuUsPerUpdate: spread(ok.map((r) => r.cpuUsPerUpdate)),
      rssMiB: spread(ok.map((r) => r.rssMiB)),
      lost: { total: ok.reduce((n, r) => n + r.lost, 0), worstRound: Math.max(0, ...ok.map((r) => r.lost)) },
      roundsKeptUp: ok.filter((r) => r.keptUp).length,
      roundsGeneratorBound: ok.filter((r) => r.generatorBound !== undefined).length,
      roundsMachineBound: ok.filter((r) => r.machineBound !== undefined).length,
    };
  });
  const peers = summaries.filter((s) => PEER_NAMES.includes(s.server) && s.rounds > s.failedRounds);
  const bestPeerCpu = peers.length > 0 ? Math.min(...peers.map((s) => s.cpuUsPerUpdate.median)) : undefined;
  const floor = summaries.find((s) => s.server === DURABLE_FLOOR && s.rounds > s.failedRounds);
  for (const s of summaries) {
    if (PEER_NAMES.includes(s.server) || FLOORS.includes(s.server)) continue;
    s.ratios = {
      cpuVsBestPeer: bestPeerCpu === undefined ? undefined : s.cpuUsPerUpdate.median / bestPeerCpu,
      p99VsDurableFloor: floor === undefined ? undefined : s.latencyMs.p99.median / floor.latencyMs.p99.median,
    };
  }
  return summaries;
}

const fixed = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : Number.isNaN(v) ? '-' : '∞');
const spreadText = (s: Spread, digits: number) => `${fixed(s.median, digits)} (${fixed(s.min, digits)}–${fixed(s.max, digits)})`;

function printSummary(summaries: readonly Summary[]): void {
  console.log();
  console.log(`medians over ${ROUNDS} rounds (min–max):`);
  console.log(['server'.padEnd(20), 'p50 ms'.padStart(18), 'p95 ms'.padStart(18), 'p99 ms'.padStart(18), 'max ms'.padStart(18), 'µs/upd'.padStart(16), 'srv MiB'.padStart(14), 'lost'.padStart(8), 'kept up'.padStart(7), 'cpu÷best peer'.padStart(14), 'p99÷durable'.padStart(12)].join(' '));
  for (const s of summaries) {
    const mark = (v: number | undefined, target: number) => (v === undefined ? '-' : `${v.toFixed(2)}× ${v <= target ? '✓' : '✗'}`);
    console.log(
      [
        s.server.padEnd(20),
        spreadText(s.latencyMs.p50, 2).padStart(18),
        spreadText(s.latencyMs.p95, 2).padStart(18),
        spreadText(s.latencyMs.p99, 1).padStart(18),
        spreadText(s.latencyMs.max, 0).padStart(18),
        spreadText(s.cpuUsPerUpdate, 0).padStart(16),
        spreadText(s.rssMiB, 0).padStart(14),
        String(s.lost.total).padStart(8),
        `${s.roundsKeptUp}/${s.rounds}`.padStart(7),
        (s.ratios === undefined ? '' : mark(s.ratios.cpuVsBestPeer, TARGET.cpuVsBestPeer)).padStart(14),
        (s.ratios === undefined ? '' : mark(s.ratios.p99VsDurableFloor, TARGET.p99VsDurableFloor)).padStart(12),
        s.failedRounds > 0 ? `  ${s.failedRounds} rounds failed` : '',
        s.roundsGeneratorBound > 0 ? `  ${s.roundsGeneratorBound} rounds generator-bound` : '',
        s.roundsMachineBound > 0 ? `  ${s.roundsMachineBound} rounds machine-bound` : '',
      ].join(' '),
    );
  }
  const floor = summaries.some((s) => s.server === DURABLE_FLOOR) ? DURABLE_FLOOR : `${DURABLE_FLOOR} (not run: no p99 ratio)`;
  console.log(`(cpu÷best peer: median server CPU µs per update a reader received ÷ the lower of ${PEER_NAMES.join(', ')}, target ≤ ${TARGET.cpuVsBestPeer}; p99÷durable: median p99 ÷ ${floor}'s, target ≤ ${TARGET.p99VsDurableFloor})`);
  console.log('(kept up: rounds with no backlog and nothing lost; a server behind batches more, so its CPU per update reads lower than at pace)');
}

async function main() {
  const peers = selectServers(values.servers);
  const clients = DOCS * (TYPISTS + READERS);
  console.log(`many documents: ${DOCS} documents × (${TYPISTS} typists at ${CPS} chars/s + ${READERS} readers applying everything) = ${clients} connections, ${DOCS * TYPISTS * CPS} updates/s offered`);
  console.log(`  ${ROUNDS} rounds, server order rotated each round; per server: fresh process, connect ${BATCH} documents at a time, ${SETTLE_SECONDS} s typing to settle, ${SECONDS} s measured`);
  console.log(`  µs/upd: server CPU (user + system, whole process, /proc) in the window ÷ updates readers received in it; others: cores busy with other processes`);
  const started = new Date();
  const all: RoundResult[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const order = peers.map((_, i) => peers[(i + round - 1) % peers.length]!);
    console.log(`round ${round}/${ROUNDS}: ${order.map((p) => p.name).join(', ')}`);
    console.log(HEAD.join(' ').replace(/^/, '  '));
    const results: RoundResult[] = [];
    for (const peer of order) results.push(await measure(peer, round));
    printRound(results);
    all.push(...results);
  }
  const summaries = summarize(all, peers.map((p) => p.name));
  printSummary(summaries);
  const file = values.out ?? path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'many-docs.json');
  await writeFile(
    file,
    JSON.stringify(
      { date: started.toISOString(), docs: DOCS, typists: TYPISTS, readers: READERS, cps: CPS, seconds: SECONDS, settleSeconds: SETTLE_SECONDS, rounds: ROUNDS, targets: TARGET, summaries, results: all },
      null,
      2,
    ) + '\n',
  );
  console.log(`results: ${path.relative(process.cwd(), file)}`);
}

await main();
