import { describe, expect, it } from 'vitest';
import { LOCAL_PRINCIPAL } from '../auth/token.js';
import { StoreRate, storeRateKey } from './store-rate.js';

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

  it('says how long until a bucket holds what was refused (0 when it does now, or with no limit)', () => {
    let now = 0;
    const rate = new StoreRate(3_600_000, 1000, () => now); // 1000 bytes a second
    expect(rate.waitMs('k', 400)).toBe(0);
    expect(rate.take('k', 1000)).toBe(true);
    expect(rate.waitMs('k', 400)).toBe(400);
    now += 100;
    expect(rate.waitMs('k', 400)).toBe(300);
    expect(rate.waitMs('k', 5000)).toBe(900); // more than the burst: until the bucket is full
    expect(new StoreRate(0, 1000).waitMs('k', 1e12)).toBe(0);
  });

  it('keeps at most maxKeys buckets while keys rotate, forgetting the least recently used first', () => {
    let now = 0;
    const rate = new StoreRate(3_600, 1000, () => now, 100); // 1 byte a second: a spent bucket stays in debt
    expect(rate.take('victim', 1000)).toBe(true);
    for (let i = 0; i < 10_000; i++) {
      now += 1;
      expect(rate.take(`rotating-${i}`, 1000)).toBe(true);
      expect(rate.size).toBeLessThanOrEqual(100);
      // A key that keeps coming back is recently used, so it keeps its debt however many others pass.
      if (i % 50 === 0) expect(rate.take('victim', 500)).toBe(false);
    }
    expect(rate.size).toBe(100);
    expect(rate.take('rotating-9999', 1)).toBe(false); // recent: still in debt
    expect(rate.take('rotating-0', 1000)).toBe(true); // long gone: forgotten, a full bucket again
    expect(() => new StoreRate(3_600, 1000, () => now, 0)).toThrow(RangeError);
  });
});

describe('storeRateKey', () => {
  it('draws an address’s edits from its IPv6 /64 (or its IPv4 address, however it arrives)', () => {
    expect(storeRateKey(LOCAL_PRINCIPAL, '2001:db8:1:2::1')).toBe(storeRateKey(LOCAL_PRINCIPAL, '2001:db8:1:2:dead:beef:0:7'));
    expect(storeRateKey(LOCAL_PRINCIPAL, '2001:db8:1:2::1')).not.toBe(storeRateKey(LOCAL_PRINCIPAL, '2001:db8:1:3::1'));
    expect(storeRateKey(LOCAL_PRINCIPAL, '::ffff:192.0.2.7')).toBe(storeRateKey(LOCAL_PRINCIPAL, '192.0.2.7'));
  });
});
