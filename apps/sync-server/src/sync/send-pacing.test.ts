import { describe, expect, it } from 'vitest';
import { SPACING_PER_CLIENT_MS, SendPacing, spacingPerClientMs } from './send-pacing.js';

describe('send pacing', () => {
  it('spaces broadcasts 10 µs per client while the event loop has room, rising to 40 µs as it saturates', () => {
    expect(spacingPerClientMs(0)).toBe(SPACING_PER_CLIENT_MS.idle);
    expect(spacingPerClientMs(0.5)).toBe(SPACING_PER_CLIENT_MS.idle);
    expect(spacingPerClientMs(0.7)).toBeCloseTo((SPACING_PER_CLIENT_MS.idle + SPACING_PER_CLIENT_MS.busy) / 2);
    expect(spacingPerClientMs(0.9)).toBe(SPACING_PER_CLIENT_MS.busy);
    expect(spacingPerClientMs(1)).toBe(SPACING_PER_CLIENT_MS.busy);
  });

  it('follows the event loop: a loop kept busy spaces more than an idle one', async () => {
    const pacing = new SendPacing(20);
    try {
      await new Promise((r) => setTimeout(r, 60)); // idle
      expect(pacing.perClientMs).toBe(SPACING_PER_CLIENT_MS.idle);
      const until = performance.now() + 300;
      // Busy: short synchronous work with barely a pause between, as a saturated server's loop.
      while (performance.now() < until) {
        const spin = performance.now() + 15;
        while (performance.now() < spin);
        await new Promise((r) => setImmediate(r));
      }
      expect(pacing.perClientMs).toBeGreaterThan(SPACING_PER_CLIENT_MS.idle);
    } finally {
      pacing.stop();
    }
  });
});
