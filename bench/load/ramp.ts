// What the ramped scenarios (capacity, burst) share: measuring one step's window on a load session,
// deciding what ended the ramp, and printing the summary with the ratio against the best peer.

import type { DiskSampler, FlushStats } from './disk-sampler.js';
import type { PgCommitSampler } from './pg-commit-sampler.js';
import { type WindowReport, percentile, wallNow } from './ledger.js';
import { GeneratorMeter, ServerMeter } from './meters.js';
import { generatorVerdict, type StepLoad } from './saturation.js';
import type { LoadSession } from './session.js';
import { scrapeStages, stageDelta, type StageTimings } from './stage-timings.js';

export interface WindowOptions {
  /** Runs the step's load; the window spans it. */
  readonly during: () => Promise<void>;
  /** Updates the typists were asked to send per second, all together. */
  readonly offeredPerSecond: number;
  /** How long in-flight updates may take to arrive after the window before they count as lost. */
  readonly drainMs: number;
  /** The step's latency limit, for judging whether the generator's own delays matter. */
  readonly latencyLimitMs: number;
  /** The disk's flush sampler, to report what the disk did during the window. */
  readonly disk?: DiskSampler;
  /** PostgreSQL's commit sampler, to report what the database did during the window. */
  readonly pgCommit?: PgCommitSampler;
}

export interface MeasuredWindow {
  readonly seconds: number;
  readonly window: WindowReport;
  readonly sentPerSecond: number;
  readonly latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** The disk's own flush latency during the window, when a sampler was given. */
  readonly disk: FlushStats | undefined;
  /** PostgreSQL's own commit latency during the window, when a sampler was given. */
  readonly pgCommit: FlushStats | undefined;
  /** Tandem's stage timings during the window (undefined for other servers, or without the metric). */
  readonly stages: StageTimings | undefined;
  readonly server: { cpuPercent: number; rssMiB: number } | 'crashed';
  readonly generator: StepLoad & { cpuPercent: number; typistsReceivedMiBPerSecond: number };
  /** Why the generator may have limited this step, if it did. */
  readonly generatorBound: string | undefined;
  /** The server crashed or closed connections: the step failed whatever its figures. */
  readonly broken: string | undefined;
}

/** Measures one step: server and generator meters, the typists' stats, and the latency window. */
export async function measureWindow(session: LoadSession, options: WindowOptions): Promise<MeasuredWindow> {
  const { server, ledger, typists } = session;
  const scrape = session.peer.kind === 'tandem';
  const stagesBefore = scrape ? await scrapeStages(server.url) : undefined;
  await typists.stats(); // the step's window starts here
  const generatorMeter = new GeneratorMeter();
  const serverMeter = new ServerMeter(server.pid);
  const from = wallNow();
  await options.during();
  const to = wallNow();
  const serverReading = serverMeter.read();
  const generatorReading = generatorMeter.read();
  const worker = await typists.stats();
  const stagesAfter = scrape ? await scrapeStages(server.url) : undefined;
  await ledger.settled(from, to, options.drainMs);
  const window = ledger.window(from, to);
  ledger.forget(to);
  await options.disk?.caughtUp(to);
  await options.pgCommit?.caughtUp(to);
  const seconds = (to - from) / 1000;
  const load: StepLoad = {
    offered: options.offeredPerSecond * seconds,
    sent: window.sent,
    missed: worker.missed,
    workerUtilization: worker.utilization,
    workerLagP99Ms: worker.lagP99Ms,
    mainUtilization: generatorReading.mainUtilization,
    mainLagP99Ms: generatorReading.mainLagP99Ms,
  };
  const dropped = worker.closed + session.droppedObservers();
  return {
    seconds,
    window,
    sentPerSecond: window.sent / seconds,
    latencyMs: { p50: percentile(window.latencies, 0.5), p95: percentile(window.latencies, 0.95), p99: percentile(window.latencies, 0.99), max: window.latencies.at(-1) ?? NaN },
    disk: options.disk?.window(from, to),
    pgCommit: options.pgCommit?.window(from, to),
    stages: stageDelta(stagesBefore, stagesAfter),
    server: serverReading ?? 'crashed',
    generator: { ...load, cpuPercent: generatorReading.cpuPercent, typistsReceivedMiBPerSecond: worker.receivedBytes / 2 ** 20 / seconds },
    generatorBound: generatorVerdict(load, options.latencyLimitMs),
    broken: serverReading === undefined ? 'server crashed' : dropped > 0 ? `${dropped} connections closed by the server` : undefined,
  };
}

/** What ended a ramp: the server, the generator (the result is a lower bound), a crash, or the last step. */
export type LimitedBy = 'server' | 'generator' | 'last step' | 'crash';

export const ms = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : '∞');

/** ` [generator: …]` when the generator may have limited a step. */
export const generatorNote = (bound: string | undefined): string => (bound === undefined ? '' : ` [generator: ${bound}]`);

/** The ramp's end at a failed step labelled `label` (a client count, a rate). */
export function rampEnding(label: string, m: MeasuredWindow, failure: string): { limitedBy: LimitedBy; ending: string } {
  return {
    limitedBy: m.server === 'crashed' ? 'crash' : m.generatorBound !== undefined ? 'generator' : 'server',
    ending: `${label}: ${failure}${generatorNote(m.generatorBound)}`,
  };
}

/** The generator's columns of a step row: CPU, both threads' busy share, and what the typists received. */
export function generatorCells(m: Pick<MeasuredWindow, 'server' | 'generator'>): string[] {
  return [
    (m.server === 'crashed' ? 'crashed' : `${m.server.cpuPercent.toFixed(0)}%`).padStart(8),
    `${m.generator.cpuPercent.toFixed(0)}%`.padStart(8),
    `${(m.generator.workerUtilization * 100).toFixed(0)}%`.padStart(8),
    `${(m.generator.mainUtilization * 100).toFixed(0)}%`.padStart(8),
    m.generator.typistsReceivedMiBPerSecond.toFixed(1).padStart(9),
  ];
}

export interface RampResult<S> {
  readonly server: string;
  readonly limitedBy: LimitedBy;
  readonly ending: string | undefined;
  readonly steps: S[];
}

/**
 * Prints one summary row per server, with Tandem's ratio against the best peer (higher is better);
 * returns that ratio, if there is one.
 */
export function printRampSummary<R extends RampResult<{ latencyMs: { p99: number } }>>(
  results: readonly R[],
  column: {
    readonly title: string;
    readonly width: number;
    readonly value: (r: R) => number;
    readonly format: (v: number) => string;
    readonly passed: (step: R['steps'][number]) => boolean;
  },
): number | undefined {
  const ours = results.find((r) => r.server === 'tandem');
  const others = results.filter((r) => r.server !== 'tandem');
  const best = Math.max(...others.map(column.value));
  const ratio = ours !== undefined && others.length > 0 && best > 0 ? column.value(ours) / best : undefined;
  console.log();
  console.log(['server'.padEnd(20), column.title.padStart(column.width), 'p99 ms there'.padStart(13), 'ended by'.padStart(10), '  step that ended the ramp'].join(' '));
  for (const r of results) {
    const last = r.steps.filter(column.passed).at(-1);
    // A ramp that ran out of steps, or that the generator ended, only shows a lower bound.
    const bound = r.limitedBy === 'generator' || r.limitedBy === 'last step' ? '≥' : '';
    const figure = `${bound}${column.format(column.value(r))}` + (r === ours && ratio !== undefined ? ` (${ratio.toFixed(2)}×)` : '');
    console.log(
      [r.server.padEnd(20), figure.padStart(column.width), (last === undefined ? '-' : ms(last.latencyMs.p99)).padStart(13), r.limitedBy.padStart(10), `  ${r.ending ?? '-'}`].join(' '),
    );
  }
  if (ratio !== undefined) console.log('(ratio: Tandem ÷ best peer; higher is better; ≥ marks a lower bound)');
  return ratio;
}
