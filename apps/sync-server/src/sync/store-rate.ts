// How fast one user (or, with authentication off, one client address) may add to the store: a token
// bucket of bytes per hour with a burst, shared by all of that user's connections and documents, so
// nobody fills the disk by opening more of them. The bucket counts any unit: share-link redeems per
// address use it too (http/share-links.routes.ts), one unit a redeem.

import { isAnonymous, type Principal } from '../auth/token.js';
import { addressKey } from '../ip-address.js';

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets kept by default; past it the least recently used is forgotten (it refills as new). */
const MAX_KEYS = 10_000;

export class StoreRate {
  /** In least recently used order: a bucket is moved to the end whenever it is used. */
  private readonly buckets = new Map<string, Bucket>();
  /**
   * Walks `buckets` from the front, evicting as it goes. Every key behind it was evicted (a key used
   * again was moved to the end, ahead of it), so its next key is the oldest one; a fresh iterator
   * would instead step over every deleted entry still in the Map's table, each time.
   */
  private oldest: Iterator<string> = this.buckets.keys();
  private readonly perMs: number;

  /** `bytesPerHour` 0 turns the limit off. */
  constructor(
    readonly bytesPerHour: number,
    readonly burstBytes: number,
    private readonly now: () => number = () => performance.now(),
    /**
     * Keys remembered at most. Whoever rotates through more keys than this gets a full bucket per
     * new key anyway; the bound only keeps memory and each operation O(1).
     */
    private readonly maxKeys = MAX_KEYS,
  ) {
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new RangeError(`maxKeys must be a whole number of at least 1, not ${maxKeys}`);
    this.perMs = bytesPerHour / 3_600_000;
  }

  /** Buckets held now. */
  get size(): number {
    return this.buckets.size;
  }

  get enabled(): boolean {
    return this.bytesPerHour > 0;
  }

  /**
   * Takes `bytes` from `key`'s bucket; false (nothing taken) when it holds too few. An update larger
   * than the burst passes once the bucket is full, and leaves it in debt.
   */
  take(key: string, bytes: number): boolean {
    if (!this.enabled) return true;
    const bucket = this.refill(key);
    if (bucket.tokens < Math.min(bytes, this.burstBytes)) return false;
    bucket.tokens -= bytes;
    return true;
  }

  /** How long until `key`'s bucket holds `amount` (capped at the burst, as take needs): 0 when it does now. */
  waitMs(key: string, amount: number): number {
    if (!this.enabled) return 0;
    const short = Math.min(amount, this.burstBytes) - this.refill(key).tokens;
    return short <= 0 ? 0 : Math.ceil(short / this.perMs);
  }

  /** Gives back what an update that was then not stored took. */
  refund(key: string, bytes: number): void {
    if (!this.enabled) return;
    const bucket = this.refill(key);
    bucket.tokens = Math.min(this.burstBytes, bucket.tokens + bytes);
  }

  /** `key`'s bucket, refilled to now and moved to the end: the Map's order is least recently used first. */
  private refill(key: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxKeys) this.evictOldest();
      bucket = { tokens: this.burstBytes, at: now };
    } else {
      this.buckets.delete(key);
    }
    this.buckets.set(key, bucket);
    bucket.tokens = Math.min(this.burstBytes, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    return bucket;
  }

  private evictOldest(): void {
    let next = this.oldest.next();
    if (next.done === true) {
      // Not reached while the Map is not empty (see `oldest`); a new walk is always right.
      this.oldest = this.buckets.keys();
      next = this.oldest.next();
    }
    if (next.done !== true) this.buckets.delete(next.value);
  }
}

/**
 * What the log keeps for each update besides its bytes and its author: its seq and time, the row
 * itself and its entry in the time index. Measured at 46 bytes a row in SQLite (one-character edits
 * of 20 bytes with a 41-character author take 107 bytes a row); PostgreSQL's row header takes more.
 */
export const STORED_ROW_BYTES = 64;

/**
 * What storing `update` under `author` costs a budget: what it adds to the store, not only its bytes.
 * Charging the bytes alone let a flood of one-character edits fill five times the budget on disk.
 */
export function storedCost(update: Uint8Array, author: string): number {
  return update.byteLength + Buffer.byteLength(author) + STORED_ROW_BYTES;
}

/**
 * Whose bucket an edit draws from: the token's user, or with authentication off the client's address
 * (an IPv6 client's /64, see addressKey). A share link's guest is a new user at each redeem, so its
 * bucket is the link's from its address: redeeming again starts no new budget.
 */
export function storeRateKey(principal: Principal, ip: string): string {
  if (isAnonymous(principal)) return `address:${addressKey(ip)}`;
  return principal.linkId === undefined ? `user:${principal.userId}` : `link:${principal.linkId}:${addressKey(ip)}`;
}
