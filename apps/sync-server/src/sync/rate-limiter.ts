// A token bucket: `rate` units per second, bursts up to `burstSeconds` worth.

export class RateLimiter {
  private tokens: number;
  private last = performance.now();
  private readonly capacity: number;

  constructor(
    private readonly rate: number,
    burstSeconds = 2,
  ) {
    this.capacity = rate * burstSeconds;
    this.tokens = this.capacity;
  }

  /** Takes `amount` units; false when the bucket does not hold that many. */
  take(amount = 1): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < amount) return false;
    this.tokens -= amount;
    return true;
  }
}
