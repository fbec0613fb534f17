// Where Tandem's time goes, from its own Prometheus histogram `tandem_update_stage_seconds{stage}`
// (GET /metrics): each stage (checked, committed, flushed, applied, sent) is the time since the
// previous one, `total` from received to sent. Scraped before and after a measured window; the
// window's figures come from the bucket deltas. A server without the metric reports nothing.

export const STAGES = ['checked', 'committed', 'flushed', 'applied', 'sent', 'total'] as const;

const METRIC = 'tandem_update_stage_seconds';
/**
 * Other histograms scraped beside the stages, for the stalls they explain: garbage collection pauses
 * by kind, the event loop's part of each document checkpoint, WAL checkpoints (on their own thread),
 * and with several instances, how long a published update took to reach this one.
 */
const EXTRAS: Readonly<Record<string, (labels: Record<string, string>) => string>> = {
  tandem_process_nodejs_gc_duration_seconds: (l) => `gc.${l.kind ?? 'all'}`,
  tandem_document_checkpoint_seconds: () => 'doc-checkpoint',
  tandem_wal_checkpoint_duration_seconds: () => 'wal-checkpoint',
  // Several instances (REDIS_URL): from another instance's publish to its arrival here.
  tandem_fanout_delivery_lag_seconds: (l) => `fanout-lag${l.kind === undefined ? '' : `.${l.kind}`}`,
};
const LINE = new RegExp(`^(${[METRIC, ...Object.keys(EXTRAS)].join('|')})_(bucket|sum|count)(?:\\{([^}]*)\\})?\\s+(\\S+)`);
const LABEL = /(\w+)="([^"]*)"/g;

interface Histogram {
  /** Cumulative counts by upper bound (seconds), ascending; the last is +Inf. */
  buckets: [number, number][];
  sum: number;
  count: number;
}

/** One scrape: each stage's histogram. */
export type StageSnapshot = ReadonlyMap<string, Histogram>;

export interface StageFigures {
  /** Updates that passed the stage in the window. */
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
}

/** A window's figures per stage, in pipeline order. */
export type StageTimings = Readonly<Record<string, StageFigures>>;

/**
 * Parses the histogram out of a Prometheus text exposition; empty when it is absent (prom-client
 * prints no series for a labelled histogram before its first observation).
 */
export function parseStages(text: string): StageSnapshot {
  const stages = new Map<string, Histogram>();
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (m === null) continue;
    const labels = Object.fromEntries([...(m[3] ?? '').matchAll(LABEL)].map((l) => [l[1]!, l[2]!]));
    const stage = m[1] === METRIC ? labels.stage : EXTRAS[m[1]!]!(labels);
    if (stage === undefined) continue;
    let h = stages.get(stage);
    if (h === undefined) stages.set(stage, (h = { buckets: [], sum: 0, count: 0 }));
    const value = Number(m[4]);
    if (m[2] === 'bucket') h.buckets.push([labels.le === '+Inf' ? Infinity : Number(labels.le), value]);
    else if (m[2] === 'sum') h.sum = value;
    else h.count = value;
  }
  for (const h of stages.values()) h.buckets.sort((a, b) => a[0] - b[0]);
  return stages;
}

/** Scrapes `<url>/metrics`; undefined when the server has no such endpoint. */
export async function scrapeStages(url: string): Promise<StageSnapshot | undefined> {
  try {
    const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) return undefined;
    return parseStages(await response.text());
  } catch {
    return undefined;
  }
}

/**
 * The `q` quantile of a histogram, interpolated linearly inside its bucket as Prometheus'
 * `histogram_quantile` does; in the +Inf bucket it is the largest finite bound.
 */
export function histogramQuantile(buckets: readonly [number, number][], q: number): number {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [bound, count] of buckets) {
    if (count >= rank) {
      if (bound === Infinity) return lowerBound;
      return count === lowerCount ? bound : lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / (count - lowerCount);
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return lowerBound;
}

/** What happened between two scrapes, per stage; undefined when a scrape failed or the histogram is absent. */
export function stageDelta(before: StageSnapshot | undefined, after: StageSnapshot | undefined): StageTimings | undefined {
  if (before === undefined || after === undefined || after.size === 0) return undefined;
  const out: Record<string, StageFigures> = {};
  const names = [...STAGES.filter((s) => after.has(s)), ...[...after.keys()].filter((s) => !(STAGES as readonly string[]).includes(s))];
  for (const stage of names) {
    const a = after.get(stage)!;
    const b = before.get(stage);
    const buckets = a.buckets.map(([bound, count]): [number, number] => [bound, count - (b?.buckets.find(([x]) => x === bound)?.[1] ?? 0)]);
    const count = a.count - (b?.count ?? 0);
    const sum = a.sum - (b?.sum ?? 0);
    out[stage] = { count, p50Ms: histogramQuantile(buckets, 0.5) * 1000, p99Ms: histogramQuantile(buckets, 0.99) * 1000, meanMs: count > 0 ? (sum / count) * 1000 : NaN };
  }
  return out;
}

/** "stage p50/p99/mean ms" for each stage, or undefined when there is nothing to print. */
export function formatStages(t: StageTimings | undefined): string | undefined {
  if (t === undefined) return undefined;
  const f = (v: number) => (!Number.isFinite(v) ? '-' : v < 1 ? v.toFixed(3) : v.toFixed(1));
  // Pipeline stages: p50/p99/mean. The stalls beside them (GC, checkpoints): how many, and p99/mean.
  const cells = Object.entries(t).map(([stage, s]) =>
    (STAGES as readonly string[]).includes(stage) ? `${stage} ${f(s.p50Ms)}/${f(s.p99Ms)}/${f(s.meanMs)}` : `${stage} ×${Math.round(s.count)} p99 ${f(s.p99Ms)} mean ${f(s.meanMs)}`,
  );
  return cells.length > 0 ? `stages p50/p99/mean ms: ${cells.join(', ')}` : undefined;
}

/** Per stage, the median over windows of each figure (windows without the histogram are skipped). */
export function medianStages(windows: readonly (StageTimings | undefined)[]): StageTimings | undefined {
  const present = windows.filter((w): w is StageTimings => w !== undefined);
  if (present.length === 0) return undefined;
  const median = (xs: number[]) => {
    const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
    return s.length === 0 ? NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const out: Record<string, StageFigures> = {};
  for (const stage of Object.keys(present[0]!)) {
    const figures = present.map((w) => w[stage]).filter((f): f is StageFigures => f !== undefined);
    out[stage] = { count: median(figures.map((f) => f.count)), p50Ms: median(figures.map((f) => f.p50Ms)), p99Ms: median(figures.map((f) => f.p99Ms)), meanMs: median(figures.map((f) => f.meanMs)) };
  }
  return out;
}
