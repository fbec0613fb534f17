// Benchmark: burst. How many updates a second one document accepts and delivers before the server
// falls behind, for Tandem and the peer servers in the same run.
//   npm run bench:burst [-- --rates 1000,2000,4000 --senders 20 --seconds 3 --servers tandem,hocuspocus]
// `senders` connections (in the typists' worker) push real one-character Yjs updates at an offered
// rate, ramped step by step; observers on the main thread record every update they receive (they
// do not apply them: at these rates that would saturate the observers' thread, not the server). A
// step keeps up when each observer received at least `keep-up` of the offered updates within the
// step plus `drain-ms`, and the delivery latency p99 stayed under `max-p99-ms`. The ramp stops at
// the first step that does not. One server process per peer serves the whole ramp; senders pause
// and the server drains between steps.

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generatorCells, generatorNote, type LimitedBy, measureWindow, ms, printRampSummary, rampEnding } from './load/ramp.js';
import type { StepLoad } from './load/saturation.js';
import { startSession } from './load/session.js';
import { PEERS, type Peer } from './peers/servers.js';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '1000,2000,4000,8000,12000,16000,24000,32000,48000,64000,96000' },
    senders: { type: 'string', default: '20' },
    observers: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '3' },
    'drain-ms': { type: 'string', default: '1000' },
    'keep-up': { type: 'string', default: '0.95' },
    'max-p99-ms': { type: 'string', default: '1000' },
    servers: { type: 'string', default: PEERS.map((p) => p.name).join(',') },
    out: { type: 'string' },
  },
});
const RATES = values.rates.split(',').map(Number);
const SENDERS = Number(values.senders);
const OBSERVERS = Number(values.observers);
const SECONDS = Number(values.seconds);
const DRAIN_MS = Number(values['drain-ms']);
const KEEP_UP = Number(values['keep-up']);
const MAX_P99_MS = Number(values['max-p99-ms']);
const DOC = 'bench/burst';

interface Step {
  /** Offered updates per second, all senders together. */
  offeredPerSecond: number;
  sentPerSecond: number;
  /** Updates per second each observer received (on average), counting arrivals within the drain. */
  deliveredPerSecond: number;
  /** Delivered ÷ offered. */
  deliveredShare: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** When some did not arrive: how many senders they came from, and how many observers hold updates they cannot apply. */
  missingFrom?: { senders: number; observersWaiting: number };
  server: { cpuPercent: number; rssMiB: number } | 'crashed';
  generator: StepLoad & { cpuPercent: number; typistsReceivedMiBPerSecond: number };
  generatorBound: string | undefined;
  keptUp: boolean;
  failure: string | undefined;
}

interface Result {
  server: string;
  /** Delivered updates per second at the highest offered rate the server kept up with (0 if none). */
  sustainedPerSecond: number;
  /** What ended the ramp: the server, the generator (a lower bound), or the last rate. */
  limitedBy: LimitedBy;
  ending: string | undefined;
  steps: Step[];
}

async function measure(peer: Peer): Promise<Result> {
  const session = await startSession(peer, { scenario: 'burst', doc: DOC, observers: OBSERVERS, apply: false });
  const { typists } = session;
  await typists.add(SENDERS);
  const steps: Step[] = [];
  let limitedBy: Result['limitedBy'] = 'last step';
  let ending: string | undefined;
  for (const rate of RATES) {
    const m = await measureWindow(session, {
      during: async () => {
        await typists.setRate(rate / SENDERS);
        await new Promise((r) => setTimeout(r, SECONDS * 1000));
        await typists.setRate(0);
      },
      offeredPerSecond: rate,
      drainMs: DRAIN_MS,
      latencyLimitMs: MAX_P99_MS,
    });
    const { window, latencyMs } = m;
    const offered = rate * m.seconds;
    const deliveredEach = window.delivered / OBSERVERS;
    const failure =
      m.broken ??
      (deliveredEach < KEEP_UP * offered
        ? `delivered ${((deliveredEach / offered) * 100).toFixed(0)}% of offered`
        : !(latencyMs.p99 < MAX_P99_MS)
          ? `p99 ${latencyMs.p99.toFixed(0)} ms ≥ ${MAX_P99_MS} ms`
          : undefined);
    const step: Step = {
      offeredPerSecond: rate,
      sentPerSecond: m.sentPerSecond,
      deliveredPerSecond: deliveredEach / m.seconds,
      deliveredShare: deliveredEach / offered,
      latencyMs,
      ...(window.delivered < window.expected ? { missingFrom: { senders: window.clientsMissing, observersWaiting: session.waitingObservers() } } : {}),
      server: m.server,
      generator: m.generator,
      generatorBound: m.generatorBound,
      keptUp: failure === undefined,
      failure,
    };
    steps.push(step);
    printStep(peer.name, step);
    if (failure !== undefined) {
      ({ limitedBy, ending } = rampEnding(`${rate}/s`, m, failure));
      break;
    }
  }
  await session.stop();
  await session.dispose();
  const sustainedPerSecond = Math.max(0, ...steps.filter((s) => s.keptUp).map((s) => s.deliveredPerSecond));
  return { server: peer.name, sustainedPerSecond, limitedBy, ending, steps };
}

function printStep(server: string, s: Step): void {
  console.log(
    [
      `  ${server.padEnd(20)}`,
      String(s.offeredPerSecond).padStart(7),
      s.sentPerSecond.toFixed(0).padStart(7),
      s.deliveredPerSecond.toFixed(0).padStart(9),
      ms(s.latencyMs.p50).padStart(8),
      ms(s.latencyMs.p99).padStart(8),
      ...generatorCells(s),
      `  ${s.keptUp ? 'keeps up' : `FAIL: ${s.failure}`}${generatorNote(s.generatorBound)}`,
    ].join(' '),
  );
}

async function main() {
  const wanted = values.servers.split(',');
  const peers = PEERS.filter((p) => wanted.includes(p.name));
  console.log(`burst: ${SENDERS} senders pushing one-character updates into one document, ${OBSERVERS} observers counting`);
  console.log(
    `  offered ${RATES.join(', ')} updates/s, ${SECONDS} s each; keeps up while each observer receives ≥ ${KEEP_UP * 100}% within ${DRAIN_MS} ms after the step and p99 < ${MAX_P99_MS} ms`,
  );
  console.log(
    [`  ${'server'.padEnd(20)}`, 'offered'.padStart(7), 'sent/s'.padStart(7), 'deliv/s'.padStart(9), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), 'srv cpu'.padStart(8), 'gen cpu'.padStart(8), 'wrk busy'.padStart(8), 'obs busy'.padStart(8), 'rcv MiB/s'.padStart(9)].join(' '),
  );
  const started = new Date();
  const results: Result[] = [];
  for (const peer of peers) results.push(await measure(peer));

  const ratio = printRampSummary(results, {
    title: 'sustained upd/s',
    width: 18,
    value: (r) => r.sustainedPerSecond,
    format: (v) => v.toFixed(0),
    passed: (s) => s.keptUp,
  });
  const file = values.out ?? path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'burst.json');
  await writeFile(
    file,
    JSON.stringify({ date: started.toISOString(), senders: SENDERS, observers: OBSERVERS, seconds: SECONDS, drainMs: DRAIN_MS, keepUp: KEEP_UP, maxP99Ms: MAX_P99_MS, rates: RATES, ratio, results }, null, 2) + '\n',
  );
  console.log(`results: ${path.relative(process.cwd(), file)}`);
}

await main();
