// Whether a server kept answering while some work ran: /healthz asked again and again until the work settles.

import { expect } from 'vitest';

/** What /healthz did while some work ran. */
export interface HealthWhile<T> {
  readonly result: T;
  /** Answers (200) that came while the work ran. */
  readonly answers: number;
  /** The slowest of them, ms. */
  readonly worst: number;
  /** How long the work took, ms. */
  readonly ms: number;
}

/**
 * Asks `${url}/healthz` one request at a time (10 ms apart) until `work` settles. Work that holds the
 * server's thread lets one answer through at most, late; work off it leaves /healthz answering throughout.
 */
export async function healthWhile<T>(url: string, work: Promise<T>): Promise<HealthWhile<T>> {
  const started = performance.now();
  let done = false;
  const settled = work.finally(() => (done = true));
  let worst = 0;
  let answers = 0;
  while (!done) {
    const t0 = performance.now();
    const res = await fetch(`${url}/healthz`);
    if (res.status !== 200) throw new Error(`/healthz answered ${res.status} while the work ran`);
    if (!done) answers += 1;
    worst = Math.max(worst, performance.now() - t0);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const result = await settled;
  return { result, answers, worst, ms: performance.now() - started };
}

/**
 * The server kept answering: at least 5 answers came while the work ran (work on its thread lets one
 * through at most), none held `worstMs` or longer. The count tells the two apart whatever else the machine
 * runs; a bound on the worst wait alone does not (on a shared machine a garbage collection or a busy
 * neighbour has delayed one answer by 0.5 s, and by 1.8 s where the test process holds megabyte updates).
 */
export function expectKeptAnswering(health: HealthWhile<unknown>, worstMs = 2_000): void {
  expect(health.answers, `answers to /healthz in the ${Math.round(health.ms)} ms the work ran`).toBeGreaterThanOrEqual(5);
  expect(health.worst, 'the slowest answer to /healthz, ms').toBeLessThan(worstMs);
}
