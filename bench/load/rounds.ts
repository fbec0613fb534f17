// Interleaved rounds and what is printed from them: round r runs every server, in an order rotated by
// r, so that neither a slow minute of the shared machine nor going first decides a comparison; each
// server's figure is then the median of its rounds, with the min and max beside it, and compared
// with the floors (the durable relay, the bare relay) and the best peer. Targets are printed met or
// not met from the same medians.

import type { Peer } from '../peers/servers.js';

/** The servers in round `round`'s order: rotated by one each round. */
export function roundOrder<T>(servers: readonly T[], round: number): T[] {
  const k = servers.length === 0 ? 0 : round % servers.length;
  return [...servers.slice(k), ...servers.slice(0, k)];
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Every round's figure, in round order. */
  readonly rounds: readonly number[];
}

/** Median (of the middle two when even), min and max; NaN when empty. */
export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n === 0 ? NaN : n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { median, min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN, rounds: [...values] };
}

/** "median [min–max]". */
export function formatSpread(s: Spread, digits: number): string {
  if (!Number.isFinite(s.median) && s.rounds.length === 0) return 'n/a';
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(digits) : '∞');
  return `${f(s.median)} [${f(s.min)}–${f(s.max)}]`;
}

/** The references every figure is compared with, by name, when they were measured. */
export interface References {
  readonly durableRelay: string | undefined;
  readonly relay: string | undefined;
  /** The peer with the best median (lowest or highest, as asked), if any peer ran. */
  readonly bestPeer: string | undefined;
}

/** Picks the references among `servers`, given each server's median and whether lower is better. */
export function references(servers: readonly Peer[], median: (name: string) => number, lowerIsBetter: boolean): References {
  const peers = servers.filter((p) => p.kind === 'peer' && Number.isFinite(median(p.name)));
  const better = (a: Peer, b: Peer) => (lowerIsBetter ? median(a.name) <= median(b.name) : median(a.name) >= median(b.name));
  const best = peers.reduce<Peer | undefined>((acc, p) => (acc === undefined || better(p, acc) ? p : acc), undefined);
  const has = (name: string) => (servers.some((p) => p.name === name) ? name : undefined);
  return { durableRelay: has('durable-relay'), relay: has('relay'), bestPeer: best?.name };
}

/** `value ÷ reference` as "1.23×", or "-" when either is missing or not a number. */
export function ratio(value: number, reference: number | undefined): string {
  if (reference === undefined || !Number.isFinite(value) || !Number.isFinite(reference) || reference === 0) return '-';
  return `${(value / reference).toFixed(2)}×`;
}

export interface Target {
  /** What the target asks, e.g. "tandem typing p50 ≤ 1.1× durable-relay". */
  readonly goal: string;
  /** The figures behind the verdict, e.g. "1.84 vs 1.1 × 1.62 ms". */
  readonly figures: string;
  /** Undefined when a server it needs did not run. */
  readonly met: boolean | undefined;
}

export function printTargets(targets: readonly Target[], title = 'targets (issue #12; medians of the rounds):'): void {
  if (targets.length === 0) return;
  console.log();
  console.log(title);
  for (const t of targets) {
    const verdict = t.met === undefined ? 'n/a    ' : t.met ? 'met    ' : 'NOT MET';
    console.log(`  ${verdict} ${t.goal.padEnd(52)} ${t.figures}`);
  }
}

/** `a ≤ factor × b` as a target, with undefined when either figure is missing. */
export function atMost(goal: string, value: number | undefined, factor: number, reference: number | undefined, unit: string): Target {
  if (value === undefined || reference === undefined || !Number.isFinite(reference)) return { goal, figures: 'needs both servers in the run', met: undefined };
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '∞');
  return { goal, figures: `${f(value)} ${unit} vs ${factor === 1 ? '' : `${factor} × `}${f(reference)} ${unit} (${ratio(value, reference)})`, met: value <= factor * reference };
}

/** `a ≥ factor × b` as a target, with undefined when either figure is missing. */
export function atLeast(goal: string, value: number | undefined, factor: number, reference: number | undefined, unit: string): Target {
  if (value === undefined || reference === undefined || !Number.isFinite(reference)) return { goal, figures: 'needs both servers in the run', met: undefined };
  // Against nothing, anything is "at least": say so rather than claim the target.
  if (reference <= 0) return { goal, figures: `${value} ${unit} vs a reference of ${reference}: no comparison`, met: undefined };
  return { goal, figures: `${value} ${unit} vs ${factor} × ${reference} ${unit} (${ratio(value, reference)})`, met: value >= factor * reference };
}
