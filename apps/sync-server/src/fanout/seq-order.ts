// Committed updates of one document, from this instance and from others, handed on strictly in seq
// order, each once. What arrives early waits for what comes before it; a gap that does not fill
// within a moment (a message Redis lost, or one still on its way) is read from the log, where every
// seq below a committed one is already committed (the document row's lock orders commits).

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
}

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

  private schedule(ms: number): void {
    if (this.timer !== undefined || this.reading || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.fill();
    }, ms);
  }

  private async fill(): Promise<void> {
    if (this.stopped || this.reading) return;
    const upTo = Math.max(this.knownHead, this.waiting.size > 0 ? Math.min(...this.waiting.keys()) - 1 : 0);
    if (upTo <= this.last) {
      this.drain();
      return;
    }
    this.reading = true;
    try {
      const read = await this.options.read(this.last, upTo);
      if (this.stopped) return;
      const fresh = read.filter((u) => u.seq > this.last && !this.waiting.has(u.seq));
      this.options.onHealed?.(fresh.length);
      for (const u of fresh) this.waiting.set(u.seq, u);
    } catch (error) {
      this.options.onReadError?.(error);
      this.reading = false;
      this.schedule(500);
      return;
    }
    this.reading = false;
    // Compaction may have merged a missing seq away: the log then holds the merged update at a later
    // seq, and everything up to the first one it holds is covered.
    if (this.waiting.size > 0 && !this.waiting.has(this.last + 1)) {
      const first = Math.min(...this.waiting.keys());
      if (first <= upTo + 1) {
        this.options.onSkipped?.(this.last + 1, first - 1);
        this.last = first - 1;
      }
    }
    // Nothing between: the head was compacted into what was delivered already. Only a head this read
    // reached: one seen while it ran (updates delivered meanwhile moved `last` past what it read) is
    // read next, not stepped over.
    if (this.knownHead > this.last && this.knownHead <= upTo && this.waiting.size === 0) {
      this.options.onSkipped?.(this.last + 1, this.knownHead);
      this.last = this.knownHead;
    }
    this.drain();
  }
}
