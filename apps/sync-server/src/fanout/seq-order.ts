// Committed updates of one document, from this instance and from others, handed on strictly in seq
// order, each once. What arrives early waits for what comes before it; a gap that does not fill
// within a moment (a message Redis lost, or one still on its way) is read from the log, where every
// seq below a committed one is already committed (the document row's lock orders commits).
//
// Only the log and this instance's own commits are trusted: what Redis brought is a hint. Whenever the
// log is read, it decides for the seqs it covers: its updates replace what Redis brought for them, and
// what Redis brought that the log does not hold (a garbled or forged message) is dropped. Seqs are only
// ever stepped over (merged away by compaction) below an update the log holds.

export interface Sequenced {
  readonly seq: number;
}

export interface SeqOrderOptions<T extends Sequenced> {
  /** The last seq already handed on (the loaded document's). */
  readonly after: number;
  readonly deliver: (item: T) => void;
  /** Reads the log's updates with `afterSeq < seq <= toSeq` (toSeq undefined: to its end). */
  readonly read: (afterSeq: number, toSeq: number | undefined) => Promise<T[]>;
  /** How long a gap may stay before it is read from the log. Default 5 ms. */
  readonly graceMs?: number;
  /** A read of the log failed (it is retried). */
  readonly onReadError?: (error: unknown) => void;
  /** Updates read from the log to fill gaps. */
  readonly onHealed?: (count: number) => void;
  /** Seqs `from..to` stepped over: not in the log, below one that is (compaction merged them away). */
  readonly onSkipped?: (from: number, to: number) => void;
  /** Whether an item is known to be in the log (read from it, or committed here); default: all are. */
  readonly trusted?: (item: T) => boolean;
  /** Items that arrived for seqs the log, once read, did not hold: dropped. */
  readonly onRejected?: (count: number) => void;
}

/**
 * Updates kept waiting behind a gap, at most: past it, an update is not kept but remembered as a head to
 * read from the log (a gap that long means this instance cannot read the log; memory must not grow
 * with the others' typing meanwhile).
 */
export const MAX_WAITING = 10_000;

export class SeqOrder<T extends Sequenced> {
  private last: number;
  private readonly waiting = new Map<number, T>();
  private timer: NodeJS.Timeout | undefined;
  private reading = false;
  private stopped = false;
  /** The highest seq known to exist (a head seen in the log), to read up to even with nothing waiting. */
  private knownHead = 0;

  constructor(private readonly options: SeqOrderOptions<T>) {
    this.last = options.after;
  }

  /** The last seq handed on. */
  get delivered(): number {
    return this.last;
  }

  /** Updates that arrived ahead of a gap. */
  get pending(): number {
    return this.waiting.size;
  }

  offer(item: T): void {
    if (this.stopped || item.seq <= this.last || this.waiting.has(item.seq)) return;
    if (this.waiting.size >= MAX_WAITING && item.seq !== this.last + 1) {
      this.headAt(item.seq);
      return;
    }
    this.waiting.set(item.seq, item);
    this.drain();
  }

  /** The log is known to reach `head`: read what is missing up to it. */
  headAt(head: number): void {
    if (head <= this.last) return;
    this.knownHead = Math.max(this.knownHead, head);
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.waiting.clear();
  }

  private drain(): void {
    for (let next = this.waiting.get(this.last + 1); next !== undefined; next = this.waiting.get(this.last + 1)) {
      this.waiting.delete(next.seq);
      this.last = next.seq;
      this.options.deliver(next);
    }
    if (this.waiting.size > 0 || this.knownHead > this.last) this.schedule(this.options.graceMs ?? 5);
  }

  /** The lowest seq waiting, 0 if none (a loop: spreading thousands of keys into Math.min overflows the stack). */
  private lowestWaiting(): number {
    let lowest = Number.POSITIVE_INFINITY;
    for (const seq of this.waiting.keys()) if (seq < lowest) lowest = seq;
    return lowest === Number.POSITIVE_INFINITY ? 0 : lowest;
  }

  private schedule(ms: number): void {
    if (this.timer !== undefined || this.reading || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.fill();
    }, ms);
  }

  private async fill(): Promise<void> {
    if (this.stopped || this.reading) return;
    // Up to the first update waiting (included: the log's copy of it decides), or to a head the log showed.
    const upTo = Math.max(this.knownHead, this.lowestWaiting());
    if (upTo <= this.last) {
      this.drain();
      return;
    }
    this.reading = true;
    let read: T[];
    try {
      read = await this.options.read(this.last, upTo);
    } catch (error) {
      this.options.onReadError?.(error);
      this.reading = false;
      this.schedule(500);
      return;
    }
    this.reading = false;
    if (this.stopped) return;
    const trusted = this.options.trusted ?? (() => true);
    const inLog = new Set(read.map((u) => u.seq));
    let rejected = 0;
    for (const [seq, item] of this.waiting) {
      if (seq <= upTo && !inLog.has(seq) && !trusted(item)) {
        this.waiting.delete(seq);
        rejected += 1;
      }
    }
    if (rejected > 0) this.options.onRejected?.(rejected);
    let healed = 0;
    for (const u of read) {
      if (u.seq <= this.last) continue;
      const waiting = this.waiting.get(u.seq);
      if (waiting !== undefined && trusted(waiting)) continue; // committed here: the same update, with its sender's bookkeeping
      if (waiting === undefined) healed += 1;
      this.waiting.set(u.seq, u);
    }
    this.options.onHealed?.(healed);
    // Compaction may have merged seqs away: the log then holds the merged update at a later seq, and
    // everything before the first update it holds after `last` is covered by it. Only an update the log
    // holds is stepped to; a head seen while this read ran (`last` moved meanwhile) is read next.
    const first = read.find((u) => u.seq > this.last)?.seq;
    if (first !== undefined && first > this.last + 1) {
      this.options.onSkipped?.(this.last + 1, first - 1);
      this.last = first - 1;
    }
    // A head the log no longer holds anything up to (nothing read): nothing to wait for.
    if (first === undefined && this.knownHead <= upTo) this.knownHead = 0;
    this.drain();
  }
}
