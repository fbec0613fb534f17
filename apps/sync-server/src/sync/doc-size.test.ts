import { describe, expect, it } from 'vitest';
import { DocSize } from './doc-size.js';

describe('DocSize', () => {
  it('measures the document again only when the estimate would pass the cap, and refuses past it', () => {
    let state = 0;
    let measures = 0;
    let now = 0;
    const size = new DocSize(1000, 0, () => (measures++, state), () => now);
    // 100-byte edits that leave the document at 50 bytes (typed, then deleted): never refused.
    for (let i = 0; i < 100; i++) {
      expect(size.admit(100)).not.toBe(false);
      size.applied(100);
      state = 50;
    }
    expect(measures).toBeGreaterThan(0);
    expect(measures).toBeLessThanOrEqual(100 / 9); // about once per cap's worth of edits
    // An update that would make the document itself larger is refused, and reserves nothing.
    expect(size.admit(2000)).toBe(false);
    expect(size.admit(900)).not.toBe(false);
  });

  it('never refuses on the estimate alone a document that measured small, however recently it was measured', () => {
    let measures = 0;
    const size = new DocSize(4096, 0, () => (measures++, 1500), () => 0); // the clock never moves
    size.observed(1500);
    // Typed, then deleted: the estimate grows, the document does not.
    for (let i = 0; i < 2; i++) expect(size.admit(100) ? (size.applied(100), true) : false).toBe(true);
    expect(size.admit(2500)).not.toBe(false); // 1500 + 2500 fits, though the estimate (4200) said no
    expect(measures).toBe(1);
  });

  it('near its cap, measures at most once a second or per sixteenth of the cap applied', () => {
    let measures = 0;
    let now = 0;
    const big = 990 * 1024;
    const size = new DocSize(1000 * 1024, 0, () => (measures++, big), () => now);
    size.observed(big);
    // Edits that do not grow the document (typed, then deleted) at 990 of 1000 KiB.
    const edit = () => (size.admit(5 * 1024) ? (size.applied(5 * 1024), true) : false);
    expect([edit(), edit()]).toEqual([true, true]);
    for (let i = 0; i < 100; i++) expect(edit()).toBe(false); // by the estimate; measuring each would cost the document's size
    expect(measures).toBe(0);
    now += 1000;
    expect(edit()).toBe(true); // measured again: there is room
    expect(measures).toBe(1);
  });

  it('counts what deleted ranges may add, and measures with the update applied when that would pass the cap', () => {
    const size = new DocSize(1000, 0, () => 200);
    size.observed(200);
    // 10 bytes deleting 100 ranges might add 3 200 bytes: past the cap on the estimate, so measured.
    expect(size.admit(10, 100)).toBe(false); // nothing to measure it with
    let after = 260; // ranges the document had deleted already: it hardly grows
    expect(size.admit(10, 100, () => after)).toBe(10);
    size.applied(10);
    after = 1_200; // or it would split past the cap
    expect(size.admit(10, 100, () => after)).toBe(false);
    // Far from the cap, the ranges are charged: released, the whole charge goes back.
    const roomy = new DocSize(100_000, 0, () => 0);
    const charged = roomy.admit(10, 100);
    expect(charged).toBe(3_210);
    expect(roomy.estimate).toBe(3_210);
    roomy.released(10, charged as number);
    expect(roomy.estimate).toBe(0);
  });

  it('counts updates in flight until they are applied, and forgets released ones', () => {
    const size = new DocSize(1000, 0, () => 0);
    expect(size.admit(600)).not.toBe(false);
    expect(size.admit(600)).toBe(false); // the first is not in the document yet: a measurement cannot see it
    size.released(600);
    expect(size.admit(600)).not.toBe(false);
  });
});
