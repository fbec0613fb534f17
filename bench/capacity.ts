// Benchmark: capacity. The largest number of clients typing on one document (`cps` characters a
// second each) for which the p99 latency, from a typist's send to an observer's receipt, stays under
// `threshold-ms`, for Tandem and the peer servers in the same run.
//   npm run bench:capacity [-- --steps 50,100,200 --seconds 3 --servers tandem,hocuspocus]
// One server process per peer serves the whole ramp: clients are added between steps (the
// document keeps growing), each step settles for `settle` seconds and is then measured for
// `seconds`. The ramp stops at the first step whose p99 reaches the threshold, or which loses an
// update or a connection. A step where the generator itself was saturated (busy threads, lag, or
// keystrokes it could not send on time) is flagged: a capacity ended by it is a lower bound.

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generatorCells, generatorNote, type LimitedBy, measureWindow, ms, printRampSummary, rampEnding } from './load/ramp.js';
import type { StepLoad } from './load/saturation.js';
import { startSession } from './load/session.js';
import { PEERS, type Peer } from './peers/servers.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '50,100,200,300,400,500,600,700,800,1000,1200,1400,1600,2000' },
    seconds: { type: 'string', default: '2.5' },
    settle: { type: 'string', default: '1' },
    observers: { type: 'string', default: '3' },
    cps: { type: 'string', default: '5' },
    'threshold-ms': { type: 'string', default: '50' },
    servers: { type: 'string', default: PEERS.map((p) => p.name).join(',') },
    out: { type: 'string' },
  },
});
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
  latencyMs: { p50: number; p99: number; max: number };
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
  /** Largest passing client count (0 when the first step failed). */
  capacity: number;
  /** What ended the ramp: the server, the generator (capacity is a lower bound), or the last step. */
  limitedBy: LimitedBy;
  /** The step that ended the ramp and why, if one did. */
  ending: string | undefined;
  steps: Step[];
}

async function measure(peer: Peer): Promise<Result> {
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
      console.log(`  ${peer.name.padEnd(20)} ${String(target).padStart(6)}   FAIL: ${ending}`);
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
      missing: window.expected - window.delivered,
      ...(window.delivered < window.expected ? { missingFrom: { typists: window.clientsMissing, observersWaiting: session.waitingObservers() } } : {}),
      server: m.server,
      generator: m.generator,
      generatorBound: m.generatorBound,
      passed: failure === undefined,
      failure,
    };
    steps.push(step);
    printStep(peer.name, step);
    if (failure !== undefined) {
      ({ limitedBy, ending } = rampEnding(String(clients), m, failure));
      break;
    }
  }
  await session.stop();
  await session.dispose();
  const capacity = steps.filter((s) => s.passed).at(-1)?.clients ?? 0;
  return { server: peer.name, capacity, limitedBy, ending, steps };
}

function printStep(server: string, s: Step): void {
  console.log(
    [
      `  ${server.padEnd(20)}`,
      String(s.clients).padStart(6),
      s.sentPerSecond.toFixed(0).padStart(7),
      ms(s.latencyMs.p50).padStart(8),
      ms(s.latencyMs.p99).padStart(8),
      ...generatorCells(s),
      s.generator.workerLagP99Ms.toFixed(1).padStart(8),
      s.generator.mainLagP99Ms.toFixed(1).padStart(8),
      `  ${s.passed ? 'pass' : `FAIL: ${s.failure}`}${generatorNote(s.generatorBound)}`,
    ].join(' '),
  );
}

async function main() {
  const wanted = values.servers.split(',');
  const peers = PEERS.filter((p) => wanted.includes(p.name));
  console.log(`capacity: clients typing ${CPS} chars/s each on one document, ${OBSERVERS} observers; pass while p99 < ${THRESHOLD_MS} ms`);
  console.log(`  ramp ${STEPS.join(', ')}; ${SETTLE_SECONDS} s settle + ${SECONDS} s measured per step, one server process per peer`);
  console.log(
    [`  ${'server'.padEnd(20)}`, 'typing'.padStart(6), 'upd/s'.padStart(7), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), 'srv cpu'.padStart(8), 'gen cpu'.padStart(8), 'wrk busy'.padStart(8), 'obs busy'.padStart(8), 'rcv MiB/s'.padStart(9), 'wrk lag'.padStart(8), 'obs lag'.padStart(8)].join(' '),
  );
  const started = new Date();
  const results: Result[] = [];
  for (const peer of peers) results.push(await measure(peer));

  const ratio = printRampSummary(results, {
    title: 'capacity',
    width: 10,
    value: (r) => r.capacity,
    format: String,
    passed: (s) => s.passed,
  });
  const file = values.out ?? path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'capacity.json');
  await writeFile(
    file,
    JSON.stringify({ date: started.toISOString(), cps: CPS, observers: OBSERVERS, seconds: SECONDS, settleSeconds: SETTLE_SECONDS, thresholdMs: THRESHOLD_MS, steps: STEPS, ratio, results }, null, 2) + '\n',
  );
  console.log(`results: ${path.relative(process.cwd(), file)}`);
}

await main();
