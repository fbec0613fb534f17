// When the load generator, not the server, may have set a step's result: one of its threads was
// nearly always busy or late, or it could not send what the step offered. A capacity or rate ended
// by such a step is a lower bound for the server.

export interface StepLoad {
  /** Updates the step asked for. */
  readonly offered: number;
  /** Updates actually sent in the step. */
  readonly sent: number;
  /** Updates the typists skipped because they were too far behind. */
  readonly missed: number;
  readonly workerUtilization: number;
  readonly workerLagP99Ms: number;
  readonly mainUtilization: number;
  readonly mainLagP99Ms: number;
}

const BUSY = 0.9;
const SHORTFALL = 0.95;
// A late typists' thread sends in clumps rather than evenly; sending less is caught by SHORTFALL.
const WORKER_LAG_MS = 50;
// Observer lag lands directly in the measured latency: this share of the pass line already matters.
const MAIN_LAG_SHARE = 0.2;

/** Why the generator may have limited a step judged against `latencyLimitMs`, or undefined if it kept up. */
export function generatorVerdict(load: StepLoad, latencyLimitMs: number): string | undefined {
  const reasons: string[] = [];
  if (load.sent < SHORTFALL * load.offered || load.missed > 0) {
    reasons.push(`sent ${((load.sent / load.offered) * 100).toFixed(0)}% of offered`);
  }
  if (load.workerUtilization > BUSY) reasons.push(`typists' thread ${(load.workerUtilization * 100).toFixed(0)}% busy`);
  if (load.workerLagP99Ms > WORKER_LAG_MS) reasons.push(`typists' lag p99 ${load.workerLagP99Ms.toFixed(0)} ms`);
  if (load.mainUtilization > BUSY) reasons.push(`observers' thread ${(load.mainUtilization * 100).toFixed(0)}% busy`);
  if (load.mainLagP99Ms > MAIN_LAG_SHARE * latencyLimitMs) reasons.push(`observers' lag p99 ${load.mainLagP99Ms.toFixed(0)} ms`);
  return reasons.length > 0 ? reasons.join(', ') : undefined;
}
