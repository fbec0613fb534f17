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
    // Idle, until one 20 ms sample finds the loop mostly waiting. On a loaded machine (CI runs many
    // test processes on 2 cores) a single window can count as busy: a process kept off the CPU while
    // it runs anything (a GC, the test runner's own messages) is "active" for all of that time.
    const idleBy = async (ms: number): Promise<boolean> => {
      const until = performance.now() + ms;
      while (performance.now() < until) {
        await new Promise((r) => setTimeout(r, 25));
        if (pacing.perClientMs === SPACING_PER_CLIENT_MS.idle) return true;
      }
      return false;
    };
    try {
      expect(await idleBy(3000)).toBe(true);
      const until = performance.now() + 300;
      // Busy: short synchronous work with barely a pause between, as a saturated server's loop.
      while (performance.now() < until) {
        const spin = performance.now() + 15;
        while (performance.now() < spin);
        await new Promise((r) => setImmediate(r));
      }
      expect(pacing.perClientMs).toBeGreaterThan(SPACING_PER_CLIENT_MS.idle);
      expect(await idleBy(3000)).toBe(true); // and back once the loop has room again
    } finally {
      pacing.stop();
    }
  });
});
