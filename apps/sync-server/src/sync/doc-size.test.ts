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
      expect(size.admit(100)).toBe(true);
      size.applied(100);
      state = 50;
    }
    expect(measures).toBeGreaterThan(0);
    expect(measures).toBeLessThanOrEqual(100 / 9); // about once per cap's worth of edits
    // An update that would make the document itself larger is refused, and reserves nothing.
    expect(size.admit(2000)).toBe(false);
    expect(size.admit(900)).toBe(true);
  });

  it('never refuses on the estimate alone a document that measured small, however recently it was measured', () => {
    let measures = 0;
    const size = new DocSize(4096, 0, () => (measures++, 1500), () => 0); // the clock never moves
    size.observed(1500);
    // Typed, then deleted: the estimate grows, the document does not.
    for (let i = 0; i < 2; i++) expect(size.admit(100) ? (size.applied(100), true) : false).toBe(true);
    expect(size.admit(2500)).toBe(true); // 1500 + 2500 fits, though the estimate (4200) said no
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

  it('counts updates in flight until they are applied, and forgets released ones', () => {
    const size = new DocSize(1000, 0, () => 0);
    expect(size.admit(600)).toBe(true);
    expect(size.admit(600)).toBe(false); // the first is not in the document yet: a measurement cannot see it
    size.released(600);
    expect(size.admit(600)).toBe(true);
  });
});
