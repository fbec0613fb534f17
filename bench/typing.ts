// Benchmark: typing latency on one document, for the floors, Tandem in each durability mode and the
// peer servers, in interleaved rounds.
//   npm run bench:typing [-- --rounds 5 --clients 50 --observers 3 --seconds 15 --cps 5 --servers tandem,hocuspocus]
// Starts each server as a child process with a fresh data directory and its on-disk persistence
// (Tandem: DURABILITY unset = flushed before broadcast, `tandem-ack` = flush-before-ack, `tandem-none`
// = none; the floors: a bare relay, and a relay that fdatasyncs every turn's updates before relaying),
// connects `clients` y-websocket protocol clients, each with its own Y.Doc and socket. Typists send
// real Yjs updates at `cps` characters per second from a worker thread, without reading what they
// receive (so the generator is not the bottleneck); observers on the main thread connect first, apply
// everything and time each update from its send (in the worker) to its arrival. Each round runs every
// server (order rotated per round) and prints p50/p99/max, server CPU and memory (from /proc), the
// generator's own CPU and event-loop lag, the disk's own flush latency in the same window (and, when
// `tandem-postgres` runs, PostgreSQL's own commit latency), and Tandem's stage timings (from /metrics). The summary gives each server's median [min–max] over the
// rounds, ratios against the durable relay, the bare relay and the best peer, and the targets.

import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DiskSampler, type FlushStats, formatFlush } from './load/disk-sampler.js';
import { percentile, wallNow } from './load/ledger.js';
import { GeneratorMeter, ServerMeter } from './load/meters.js';
import { PgCommitSampler } from './load/pg-commit-sampler.js';
import { atMost, formatSpread, printTargets, ratio, references, roundOrder, spread, type Spread } from './load/rounds.js';
import { startSession } from './load/session.js';
import { formatStages, medianStages, scrapeStages, stageDelta, type StageTimings } from './load/stage-timings.js';
import { onPostgres, type Peer, SERVERS, type ServerKind, selectServers } from './peers/servers.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    clients: { type: 'string', default: '50' },
    observers: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '15' },
    cps: { type: 'string', default: '5' },
    servers: { type: 'string', default: SERVERS.map((p) => p.name).join(',') },
  },
});
const ROUNDS = Number(values.rounds);
const CLIENTS = Number(values.clients);
const OBSERVERS = Math.min(Number(values.observers), CLIENTS);
const SECONDS = Number(values.seconds);
const CPS = Number(values.cps);
const DOC = 'bench/typing';
// After the typists stop, how long updates still in flight may take to arrive before they count as lost.
const DRAIN_MS = 1000;

interface Result {
  server: string;
  kind: ServerKind;
  /** 1-based round, and this server's place in the round's order. */
  round: number;
  position: number;
  updatesSent: number;
  samples: number;
  /** (update, observer) pairs that never arrived. */
  missing: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  server_: { cpuPercent: number; rssMiB: number };
  /** Bytes in the server's data directory (and its database schema) after it stopped, per update sent. */
  diskBytesPerUpdate: number;
  /** The disk's own flush latency (300-byte append + fdatasync) during the window. */
  diskFlush: FlushStats;
  /** PostgreSQL's own commit latency (one 300-byte row) during the window, when it was sampled. */
  pgCommit: FlushStats | undefined;
  /** Tandem's stage timings in the window, when it exposes them. */
  stages: StageTimings | undefined;
  generator: {
    cpuPercent: number;
    /** Main thread (observers). */
    eventLoopLagP99Ms: number;
    mainUtilization: number;
    workerLagP99Ms: number;
    workerUtilization: number;
    /** Typists' clock minus the observers' clock, from the fastest round trip. */
    clockOffsetMs: number;
  };
}

interface Summary {
  server: string;
  kind: ServerKind;
  p50Ms: Spread;
  p99Ms: Spread;
  /** The disk's flush p99.9 and max over the server's windows: median of the rounds, and the worst. */
  diskFlushP999Ms: Spread;
  diskFlushMaxMs: Spread;
  /** PostgreSQL's commit p99.9 and max, likewise, when it was sampled. */
  pgCommitP999Ms: Spread;
  pgCommitMaxMs: Spread;
  missing: number;
  /** Tandem's stage timings, median of the rounds' windows, when it exposes them. */
  stages: StageTimings | undefined;
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

async function measure(peer: Peer, disk: DiskSampler, pgCommit: PgCommitSampler | undefined, round: number, position: number): Promise<Result> {
  const session = await startSession(peer, { scenario: 'typing', doc: DOC, observers: OBSERVERS });
  const { server, ledger, typists } = session;
  await typists.add(CLIENTS - OBSERVERS);
  const clockOffsetMs = await typists.clockOffsetMs();
  const stagesBefore = peer.kind === 'tandem' ? await scrapeStages(server.url) : undefined;
  await typists.stats(); // from here on
  const generatorMeter = new GeneratorMeter();
  const serverMeter = new ServerMeter(server.pid);
  const started = wallNow();
  await typists.setRate(CPS);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  await typists.setRate(0);
  const ended = wallNow();
  const serverReading = serverMeter.read() ?? { cpuPercent: NaN, rssMiB: NaN };
  const generator = generatorMeter.read();
  const worker = await typists.stats();
  await ledger.settled(started, ended, DRAIN_MS);
  const stagesAfter = peer.kind === 'tandem' ? await scrapeStages(server.url) : undefined;
  const window = ledger.window(started, ended);
  await session.stop();
  const diskBytes = (await dirBytes(session.dataDir)) + (server.databaseBytes ?? 0);
  await session.dispose();
  await disk.caughtUp(ended);
  await pgCommit?.caughtUp(ended);
  const sorted = window.latencies.filter(Number.isFinite);
  return {
    server: peer.name,
    kind: peer.kind,
    round,
    position,
    updatesSent: window.sent,
    samples: sorted.length,
    missing: window.expected - window.delivered,
    latencyMs: { p50: percentile(window.latencies, 0.5), p95: percentile(window.latencies, 0.95), p99: percentile(window.latencies, 0.99), max: window.latencies.at(-1) ?? NaN },
    diskBytesPerUpdate: diskBytes / Math.max(1, window.sent),
    diskFlush: disk.window(started, ended),
    pgCommit: pgCommit?.window(started, ended),
    stages: stageDelta(stagesBefore, stagesAfter),
    server_: serverReading,
    generator: {
      cpuPercent: generator.cpuPercent,
      eventLoopLagP99Ms: generator.mainLagP99Ms,
      mainUtilization: generator.mainUtilization,
      workerLagP99Ms: worker.lagP99Ms,
      workerUtilization: worker.utilization,
      clockOffsetMs,
    },
  };
}

const COLUMNS = [
  ['round', 5],
  ['server', -20],
  ['sent', 6],
  ['samples', 8],
  ['p50 ms', 8],
  ['p99 ms', 8],
  ['max ms', 8],
  ['srv cpu', 8],
  ['srv MiB', 8],
  ['gen cpu', 8],
  ['gen lag', 8],
  ['wrk lag', 8],
  ['disk B/upd', 10],
  ['disk fdatasync p50/p99/p99.9/max ms', -36],
  ['pg commit p50/p99/p99.9/max ms', 0],
] as const;
const cell = (text: string, width: number) => (width < 0 ? text.padEnd(-width) : text.padStart(width));
const row = (cells: string[]) => cells.map((c, i) => cell(c, COLUMNS[i]![1])).join(' ');

function printRound(r: Result): void {
  console.log(
    row([
      String(r.round),
      r.server,
      String(r.updatesSent),
      String(r.samples),
      r.latencyMs.p50.toFixed(2),
      r.latencyMs.p99.toFixed(2),
      r.latencyMs.max.toFixed(1),
      `${r.server_.cpuPercent.toFixed(0)}%`,
      r.server_.rssMiB.toFixed(0),
      `${r.generator.cpuPercent.toFixed(0)}%`,
      r.generator.eventLoopLagP99Ms.toFixed(1),
      r.generator.workerLagP99Ms.toFixed(1),
      r.diskBytesPerUpdate.toFixed(0),
      formatFlush(r.diskFlush),
      ...(r.pgCommit === undefined ? [] : [formatFlush(r.pgCommit)]),
    ]),
  );
  const stages = formatStages(r.stages);
  if (stages !== undefined) console.log(`        ${stages}`);
  else if (r.kind === 'tandem') console.log('        stages: n/a (no tandem_update_stage_seconds at /metrics)');
  if (r.generator.eventLoopLagP99Ms > 20) console.log(`  warning: the observers' thread lagged during ${r.server}; its latencies include that delay`);
  if (r.generator.workerLagP99Ms > 50) console.log(`  warning: the typists' thread lagged during ${r.server}; it typed less evenly than asked`);
  if (r.missing > 0) console.log(`  warning: ${r.missing} (update, observer) pairs never arrived at ${r.server}; counted as infinite latency`);
}

function summarize(servers: readonly Peer[], results: readonly Result[]): Summary[] {
  return servers.map((p) => {
    const mine = results.filter((r) => r.server === p.name);
    return {
      server: p.name,
      kind: p.kind,
      p50Ms: spread(mine.map((r) => r.latencyMs.p50)),
      p99Ms: spread(mine.map((r) => r.latencyMs.p99)),
      diskFlushP999Ms: spread(mine.map((r) => r.diskFlush.p999Ms)),
      diskFlushMaxMs: spread(mine.map((r) => r.diskFlush.maxMs)),
      pgCommitP999Ms: spread(mine.flatMap((r) => (r.pgCommit?.samples ? [r.pgCommit.p999Ms] : []))),
      pgCommitMaxMs: spread(mine.flatMap((r) => (r.pgCommit?.samples ? [r.pgCommit.maxMs] : []))),
      missing: mine.reduce((sum, r) => sum + r.missing, 0),
      stages: medianStages(mine.map((r) => r.stages)),
    };
  });
}

function printSummary(servers: readonly Peer[], summary: readonly Summary[]) {
  const pgColumns = servers.some(onPostgres);
  const by = (name: string | undefined) => summary.find((s) => s.server === name);
  const ref50 = references(servers, (n) => by(n)!.p50Ms.median, true);
  const ref99 = references(servers, (n) => by(n)!.p99Ms.median, true);
  const vs = (s: Summary, key: 'p50Ms' | 'p99Ms', name: string | undefined) => ratio(s[key].median, by(name)?.[key].median);
  console.log();
  console.log(`summary over ${ROUNDS} round(s): median [min–max] of each round's figure; ratios of medians (lower is better)`);
  console.log(
    ['server'.padEnd(20), 'kind'.padEnd(6), 'p50 ms'.padStart(22), 'p99 ms'.padStart(22), '÷durable p50/p99'.padStart(17), '÷relay p50/p99'.padStart(15), '÷best peer p50/p99'.padStart(19), 'disk p99.9 ms'.padStart(14), 'disk max ms'.padStart(12), ...(pgColumns ? ['pg p99.9 ms'.padStart(12), 'pg max ms'.padStart(10)] : [])].join(' '),
  );
  for (const s of summary) {
    console.log(
      [
        s.server.padEnd(20),
        s.kind.padEnd(6),
        formatSpread(s.p50Ms, 2).padStart(22),
        formatSpread(s.p99Ms, 2).padStart(22),
        `${vs(s, 'p50Ms', ref50.durableRelay)}/${vs(s, 'p99Ms', ref99.durableRelay)}`.padStart(17),
        `${vs(s, 'p50Ms', ref50.relay)}/${vs(s, 'p99Ms', ref99.relay)}`.padStart(15),
        `${vs(s, 'p50Ms', ref50.bestPeer)}/${vs(s, 'p99Ms', ref99.bestPeer)}`.padStart(19),
        s.diskFlushP999Ms.median.toFixed(2).padStart(14),
        s.diskFlushMaxMs.max.toFixed(1).padStart(12),
        ...(pgColumns ? [s.pgCommitP999Ms.median.toFixed(2).padStart(12), s.pgCommitMaxMs.max.toFixed(1).padStart(10)] : []),
      ].join(' '),
    );
  }
  console.log(`(best peer: p50 ${ref50.bestPeer ?? '-'}, p99 ${ref99.bestPeer ?? '-'}; disk${pgColumns ? ' and pg commit' : ''}: median of the rounds' p99.9, and the worst max)`);
  for (const s of summary.filter((s) => s.kind === 'tandem')) console.log(`${s.server.padEnd(20)} ${formatStages(s.stages) ?? 'stages: n/a'} (medians of the rounds)`);
  const tandem = by('tandem');
  const durable = by(ref50.durableRelay);
  const targets = [
    atMost('tandem typing p50 ≤ 1.1× durable-relay', tandem?.p50Ms.median, 1.1, durable?.p50Ms.median, 'ms'),
    atMost('tandem typing p99 ≤ 1.1× durable-relay', tandem?.p99Ms.median, 1.1, durable?.p99Ms.median, 'ms'),
  ];
  for (const mode of ['tandem-ack', 'tandem-none']) {
    targets.push(atMost(`${mode} typing p50 ≤ best peer (${ref50.bestPeer ?? '-'})`, by(mode)?.p50Ms.median, 1, by(ref50.bestPeer)?.p50Ms.median, 'ms'));
    targets.push(atMost(`${mode} typing p99 ≤ best peer (${ref99.bestPeer ?? '-'})`, by(mode)?.p99Ms.median, 1, by(ref99.bestPeer)?.p99Ms.median, 'ms'));
  }
  printTargets(targets);
  return { references: { p50: ref50, p99: ref99 }, targets };
}

async function main() {
  const servers = selectServers(values.servers);
  console.log(`typing: ${CLIENTS} clients (${OBSERVERS} observers apply everything), ${CPS} chars/s each, ${SECONDS} s, one document, ${ROUNDS} interleaved round(s)`);
  // PostgreSQL's commit latency is sampled through the whole run, beside every server, when one is on it.
  const pgCommit = servers.some(onPostgres) ? await PgCommitSampler.start() : undefined;
  const disk = await DiskSampler.start();
  const results: Result[] = [];
  const started = new Date();
  try {
    console.log(row(COLUMNS.slice(0, pgCommit === undefined ? -1 : undefined).map(([title]) => title)));
    for (let round = 1; round <= ROUNDS; round++) {
      const order = roundOrder(servers, round - 1);
      for (const [i, peer] of order.entries()) {
        const r = await measure(peer, disk, pgCommit, round, i + 1);
        results.push(r);
        printRound(r);
      }
    }
  } finally {
    await disk.stop();
    await pgCommit?.stop();
  }
  const summary = summarize(servers, results);
  const { references: refs, targets } = printSummary(servers, summary);
  const file = values.out ?? path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'typing.json');
  await writeFile(file, JSON.stringify({ date: started.toISOString(), clients: CLIENTS, observers: OBSERVERS, seconds: SECONDS, cps: CPS, rounds: ROUNDS, summary, references: refs, targets, results }, null, 2) + '\n');
  console.log(`results: ${path.relative(process.cwd(), file)}`);
}

await main();
