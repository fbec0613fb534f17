// Send times of updates (reported by the typists' thread) joined with the times observers saw them
// arrive, into per-window latencies. Times are `wallNow()` milliseconds, comparable across threads.

/** Milliseconds since the epoch with sub-millisecond precision; the same clock in every thread of the process. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

// An update is named by its Yjs id (client, clock); both pack into one number, which a Map hashes
// much faster than the `${client}:${clock}` string. Client ids are 32-bit, so clocks get 21 bits.
const CLOCK_SPAN = 2 ** 21;

export function updateKey(client: number, clock: number): number {
  if (clock >= CLOCK_SPAN) throw new RangeError(`Clock ${clock} of client ${client} is past ${CLOCK_SPAN}; run shorter`);
  return client * CLOCK_SPAN + clock;
}

export interface WindowReport {
  /** Updates sent in the window. */
  readonly sent: number;
  /** (update, observer) pairs that arrived; each update is expected once at every observer. */
  readonly delivered: number;
  readonly expected: number;
  /** Typists (Yjs clients) with at least one update that did not arrive somewhere. */
  readonly clientsMissing: number;
  /** Latencies of the pairs, ascending; a pair that has not arrived counts as Infinity. */
  readonly latencies: readonly number[];
}

export class LatencyLedger {
  private readonly sentAt = new Map<number, number>();
  private readonly arrivals: Map<number, number>[];

  constructor(readonly observers: number) {
    this.arrivals = Array.from({ length: observers }, () => new Map());
  }

  /** Takes a batch from the typists: flat pairs of (key, send time). */
  recordSent(pairs: Float64Array): void {
    for (let i = 0; i < pairs.length; i += 2) this.sentAt.set(pairs[i]!, pairs[i + 1]!);
  }

  /**
   * Records that `observer` received, at `at`, the clocks [from, to) of each client (as
   * `Y.parseUpdateMeta` reports them). Only the first arrival of an update counts.
   */
  recordArrival(observer: number, from: ReadonlyMap<number, number>, to: ReadonlyMap<number, number>, at: number): void {
    const seen = this.arrivals[observer]!;
    for (const [client, start] of from) {
      const end = to.get(client) ?? start;
      for (let clock = start; clock < end; clock++) {
        const key = updateKey(client, clock);
        if (!seen.has(key)) seen.set(key, at);
      }
    }
  }

  /**
   * Latencies of the updates sent in [from, to), counting what has arrived by now; at the observers
   * in `only` (their indices), or at every one.
   */
  window(from: number, to: number, only?: readonly number[]): WindowReport {
    const arrivals = only === undefined ? this.arrivals : only.map((i) => this.arrivals[i]!);
    const latencies: number[] = [];
    let sent = 0;
    let delivered = 0;
    const clientsMissing = new Set<number>();
    for (const [key, t] of this.sentAt) {
      if (t < from || t >= to) continue;
      sent += 1;
      for (const seen of arrivals) {
        const at = seen.get(key);
        if (at === undefined) {
          latencies.push(Infinity);
          clientsMissing.add(Math.floor(key / CLOCK_SPAN));
        } else {
          delivered += 1;
          latencies.push(at - t);
        }
      }
    }
    latencies.sort((a, b) => a - b);
    return { sent, delivered, expected: sent * arrivals.length, clientsMissing: clientsMissing.size, latencies };
  }

  /**
   * Resolves once every update sent in [from, to) has arrived at every observer, or after `maxMs`
   * (an update that never arrives then counts as Infinity in `window`).
   */
  async settled(from: number, to: number, maxMs: number): Promise<void> {
    const deadline = wallNow() + maxMs;
    // Each poll checks only what had not arrived at the last one: the observers' thread timestamps
    // the very arrivals awaited here, and must not spend the drain re-counting the whole window.
    let pending: number[] = [];
    for (const [key, t] of this.sentAt) if (t >= from && t < to) pending.push(key);
    for (;;) {
      pending = pending.filter((key) => this.arrivals.some((seen) => !seen.has(key)));
      if (pending.length === 0 || wallNow() >= deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** (update, observer) arrivals in [from, to), whenever those updates were sent. */
  arrivalsBetween(from: number, to: number): number {
    let n = 0;
    for (const seen of this.arrivals) for (const at of seen.values()) if (at >= from && at < to) n += 1;
    return n;
  }

  /** Drops what was sent, and what arrived, before `before`: an arrival is never earlier than its send. */
  forget(before: number): void {
    for (const [key, t] of this.sentAt) if (t < before) this.sentAt.delete(key);
    for (const seen of this.arrivals) for (const [key, at] of seen) if (at < before) seen.delete(key);
  }
}

/** The `q` quantile of ascending `sorted` (NaN when empty). */
export function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}
