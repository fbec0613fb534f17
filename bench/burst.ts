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
import { percentile, wallNow } from './load/ledger.js';
import { GeneratorMeter, ServerMeter } from './load/meters.js';
import { generatorVerdict, type StepLoad } from './load/saturation.js';
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
  limitedBy: 'server' | 'generator' | 'last step' | 'crash';
  ending: string | undefined;
  steps: Step[];
}

async function measure(peer: Peer): Promise<Result> {
  const session = await startSession(peer, { scenario: 'burst', doc: DOC, observers: OBSERVERS, apply: false });
  const { server, ledger, typists } = session;
  await typists.add(SENDERS);
  const steps: Step[] = [];
  let limitedBy: Result['limitedBy'] = 'last step';
  let ending: string | undefined;
  for (const rate of RATES) {
    await typists.stats(); // the step starts here
    const generatorMeter = new GeneratorMeter();
    const serverMeter = new ServerMeter(server.pid);
    const from = wallNow();
    await typists.setRate(rate / SENDERS);
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    await typists.setRate(0);
    const to = wallNow();
    const serverReading = serverMeter.read();
    const generatorReading = generatorMeter.read();
    const worker = await typists.stats();
    await ledger.settled(from, to, DRAIN_MS);
    const window = ledger.window(from, to);
    ledger.forget(to);
    const seconds = (to - from) / 1000;
    const offered = rate * seconds;
    const load: StepLoad = {
      offered,
      sent: window.sent,
      missed: worker.missed,
      workerUtilization: worker.utilization,
      workerLagP99Ms: worker.lagP99Ms,
      mainUtilization: generatorReading.mainUtilization,
      mainLagP99Ms: generatorReading.mainLagP99Ms,
    };
    const deliveredEach = window.delivered / OBSERVERS;
    const p99 = percentile(window.latencies, 0.99);
    const dropped = worker.closed + session.droppedObservers();
    const failure =
      serverReading === undefined
        ? 'server crashed'
        : dropped > 0
          ? `${dropped} connections closed by the server`
          : deliveredEach < KEEP_UP * offered
            ? `delivered ${((deliveredEach / offered) * 100).toFixed(0)}% of offered`
            : !(p99 < MAX_P99_MS)
              ? `p99 ${p99.toFixed(0)} ms ≥ ${MAX_P99_MS} ms`
              : undefined;
    const step: Step = {
      offeredPerSecond: rate,
      sentPerSecond: window.sent / seconds,
      deliveredPerSecond: deliveredEach / seconds,
      deliveredShare: deliveredEach / offered,
      latencyMs: { p50: percentile(window.latencies, 0.5), p99, max: window.latencies.at(-1) ?? NaN },
      ...(window.delivered < window.expected ? { missingFrom: { senders: window.clientsMissing, observersWaiting: session.waitingObservers() } } : {}),
      server: serverReading ?? 'crashed',
      generator: { ...load, cpuPercent: generatorReading.cpuPercent, typistsReceivedMiBPerSecond: worker.receivedBytes / 2 ** 20 / ((to - from) / 1000) },
      generatorBound: generatorVerdict(load, MAX_P99_MS),
      keptUp: failure === undefined,
      failure,
    };
    steps.push(step);
    printStep(peer.name, step);
    if (!step.keptUp) {
      limitedBy = serverReading === undefined ? 'crash' : step.generatorBound !== undefined ? 'generator' : 'server';
      ending = `${rate}/s: ${failure}${step.generatorBound !== undefined ? ` [generator: ${step.generatorBound}]` : ''}`;
      break;
    }
  }
  await session.stop();
  await session.dispose();
  const sustainedPerSecond = Math.max(0, ...steps.filter((s) => s.keptUp).map((s) => s.deliveredPerSecond));
  return { server: peer.name, sustainedPerSecond, limitedBy, ending, steps };
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '∞');

function printStep(server: string, s: Step): void {
  const srv = s.server === 'crashed' ? 'crashed' : `${s.server.cpuPercent.toFixed(0)}%`;
  console.log(
    [
      `  ${server.padEnd(20)}`,
      String(s.offeredPerSecond).padStart(7),
      s.sentPerSecond.toFixed(0).padStart(7),
      s.deliveredPerSecond.toFixed(0).padStart(9),
      ms(s.latencyMs.p50).padStart(8),
      ms(s.latencyMs.p99).padStart(8),
      srv.padStart(8),
      `${s.generator.cpuPercent.toFixed(0)}%`.padStart(8),
      `${(s.generator.workerUtilization * 100).toFixed(0)}%`.padStart(8),
      `${(s.generator.mainUtilization * 100).toFixed(0)}%`.padStart(8),
      s.generator.typistsReceivedMiBPerSecond.toFixed(1).padStart(9),
      `  ${s.keptUp ? 'keeps up' : `FAIL: ${s.failure}`}${s.generatorBound !== undefined ? ` [generator: ${s.generatorBound}]` : ''}`,
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

  const ours = results.find((r) => r.server === 'tandem');
  const others = results.filter((r) => r.server !== 'tandem');
  const best = Math.max(...others.map((r) => r.sustainedPerSecond));
  const ratio = ours !== undefined && others.length > 0 && best > 0 ? ours.sustainedPerSecond / best : undefined;
  console.log();
  console.log(['server'.padEnd(20), 'sustained upd/s'.padStart(18), 'p99 ms there'.padStart(13), 'ended by'.padStart(10), '  step that ended the ramp'].join(' '));
  for (const r of results) {
    const kept = r.steps.filter((s) => s.keptUp).at(-1);
    const bound = r.limitedBy === 'generator' || r.limitedBy === 'last step' ? '≥' : '';
    const sustained = `${bound}${r.sustainedPerSecond.toFixed(0)}` + (r === ours && ratio !== undefined ? ` (${ratio.toFixed(2)}×)` : '');
    console.log(
      [r.server.padEnd(20), sustained.padStart(18), (kept === undefined ? '-' : ms(kept.latencyMs.p99)).padStart(13), r.limitedBy.padStart(10), `  ${r.ending ?? '-'}`].join(' '),
    );
  }
  if (ratio !== undefined) console.log('(ratio: Tandem ÷ best peer; higher is better; ≥ marks a lower bound)');
  const file = values.out ?? path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'burst.json');
  await writeFile(
    file,
    JSON.stringify({ date: started.toISOString(), senders: SENDERS, observers: OBSERVERS, seconds: SECONDS, drainMs: DRAIN_MS, keepUp: KEEP_UP, maxP99Ms: MAX_P99_MS, rates: RATES, ratio, results }, null, 2) + '\n',
  );
  console.log(`results: ${path.relative(process.cwd(), file)}`);
}

await main();
