// The size cap of one document: what the document is (its merged state, as a new client would
// receive it), not how long its history is. Tracked cheaply: an estimate grows by each admitted
// update's size, and the true size is measured again only when the estimate would pass the cap.

/** Measures the document's merged state in bytes (`Y.encodeStateAsUpdate(doc).byteLength`). */
export type MeasureState = () => number;

/** Re-measuring costs time in the document's size, so at most this often while it sits near its cap… */
const MIN_REMEASURE_INTERVAL_MS = 1000;
/** …unless this fraction of the cap was admitted since the last measurement (amortised: ≤ 16 bytes encoded per byte admitted). */
const REMEASURE_FRACTION = 1 / 16;
/**
 * …and always while the document measured this small: its estimate is then mostly history churn
 * (typed, then deleted), and measuring costs well under a millisecond. Refusing an edit on the
 * estimate alone would close a client whose document is far below its cap.
 */
const CHEAP_STATE_BYTES = 256 * 1024;
/** What one deleted range may add to the merged state, at most about (see admit). */
const SPLIT_BYTES = 32;

export class DocSize {
  /** Merged state at the last measurement, updates applied since excluded. */
  private measured: number;
  /** Bytes admitted since the last measurement (an over-estimate of what they add). */
  private added: number;
  /** Bytes admitted but not yet applied to the document: a measurement does not see them. */
  private pending = 0;
  private measuredAt = -Infinity;

  constructor(
    readonly limit: number,
    /** An estimate at load (a checkpoint plus the tail after it); never a measurement. */
    estimate: number,
    private readonly measure: MeasureState,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.measured = 0;
    this.added = estimate;
  }

  /** The current estimate of the document's merged size, in bytes. */
  get estimate(): number {
    return this.measured + this.added;
  }

  /**
   * Reserves room for an update of `bytes` deleting `deletedRanges` ranges; false if the document
   * would then be larger than the cap (nothing reserved), else what was counted for it (for
   * `released`). An admitted update must later be `applied` or `released`.
   */
  admit(bytes: number, deletedRanges = 0, measureWith?: MeasureState): number | false {
    // A deleted range may split an item at both ends: two more items in the merged state (about 24
    // bytes measured: ids, origins, lengths), where the update spends about 4 bytes on the range.
    const charge = bytes + deletedRanges * SPLIT_BYTES;
    if (this.estimate + charge > this.limit && this.added > this.pending && this.mayRemeasure()) this.remeasure();
    if (this.estimate + charge <= this.limit) {
      this.added += charge;
      this.pending += bytes;
      return charge;
    }
    // The ranges may be ones the document deleted long ago (a reconnecting client sends its whole
    // delete set): measured exactly instead, with this update and those in flight applied.
    if (deletedRanges === 0 || measureWith === undefined || !this.mayRemeasure()) return false;
    const after = measureWith();
    if (after > this.limit) return false;
    // The updates in flight are in `after` and still counted as pending: an over-estimate until applied.
    this.measured = after;
    this.measuredAt = this.now();
    this.pending += bytes;
    this.added = this.pending;
    return bytes;
  }

  /**
   * Like admit, for an update whose result was measured exactly (`stateAfter`: the document's merged
   * size with the update applied), as a rare server edit can afford to.
   */
  admitMeasured(bytes: number, stateAfter: number): boolean {
    if (stateAfter + this.pending > this.limit) return false;
    // Counted once more as pending until applied: an over-estimate the next measurement removes.
    this.measured = stateAfter;
    this.measuredAt = this.now();
    this.pending += bytes;
    this.added = this.pending;
    return true;
  }

  /** An admitted update is now part of the document. */
  applied(bytes: number): void {
    this.pending -= bytes;
  }

  /** An update another instance stored (never admitted here) is now part of the document. */
  arrived(bytes: number): void {
    this.added += bytes;
  }

  /** An admitted update was not stored after all (`charged`: what admit counted for it). */
  released(bytes: number, charged = bytes): void {
    this.pending -= bytes;
    this.added = Math.max(0, this.added - charged);
  }

  /** The merged state was encoded anyway (a checkpoint): a free measurement. */
  observed(stateBytes: number): void {
    this.measured = stateBytes;
    this.added = this.pending;
    this.measuredAt = this.now();
  }

  private mayRemeasure(): boolean {
    return (
      this.measured <= CHEAP_STATE_BYTES ||
      this.now() - this.measuredAt >= MIN_REMEASURE_INTERVAL_MS ||
      this.added - this.pending >= this.limit * REMEASURE_FRACTION
    );
  }

  private remeasure(): void {
    this.observed(this.measure());
  }
}
