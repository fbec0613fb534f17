import { describe, expect, it } from 'vitest';
import { StoreRate } from './store-rate.js';

describe('StoreRate', () => {
  it('refills at its hourly rate up to the burst, lets one update larger than the burst through a full bucket, and refunds', () => {
    let now = 0;
    const rate = new StoreRate(3_600_000, 1000, () => now); // 1000 bytes a second
    expect(rate.take('k', 800)).toBe(true);
    expect(rate.take('k', 300)).toBe(false);
    rate.refund('k', 800);
    expect(rate.take('k', 1000)).toBe(true);
    now += 500;
    expect(rate.take('k', 600)).toBe(false);
    expect(rate.take('k', 500)).toBe(true);
    now += 10_000;
    expect(rate.take('k', 5000)).toBe(true); // a paste larger than the burst, once the bucket is full…
    now += 1000;
    expect(rate.take('k', 1)).toBe(false); // …leaves the bucket in debt
    expect(rate.take('other', 1000)).toBe(true);
    expect(new StoreRate(0, 1000).take('k', 1e12)).toBe(true); // 0: no limit
  });
});
