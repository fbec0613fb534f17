import { describe, expect, it } from 'vitest';
import { timeAgo } from './relative-time.js';

describe('timeAgo', () => {
  const now = Date.parse('2026-12-02T12:00:00Z');
  const ago = (ms: number) => timeAgo(new Date(now - ms).toISOString(), now);

  it('says how long ago in the largest whole unit, singular or plural', () => {
    expect(ago(20_000)).toBe('just now');
    expect(ago(60_000)).toBe('1 minute ago');
    expect(ago(5 * 60_000 + 59_000)).toBe('5 minutes ago');
    expect(ago(3 * 3_600_000)).toBe('3 hours ago');
    expect(ago(86_400_000)).toBe('1 day ago');
    expect(ago(45 * 86_400_000)).toBe('1 month ago');
    expect(ago(800 * 86_400_000)).toBe('2 years ago');
  });

  it('gives back what it cannot read, and a time ahead of the clock (a skewed server) is "just now"', () => {
    expect(timeAgo('not a time', now)).toBe('not a time');
    expect(ago(-90_000)).toBe('just now');
  });
});
