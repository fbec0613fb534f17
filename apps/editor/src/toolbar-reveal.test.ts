import { describe, expect, it } from 'vitest';
import { scrollToReveal } from './toolbar-reveal.js';

const bar = { left: 10, right: 380 };

describe('bringing toolbar buttons into view', () => {
  it('scrolls just far enough to show buttons past the end', () => {
    expect(scrollToReveal(bar, { left: 830, right: 920 }, 0)).toBe(540);
  });

  it('shows the start of buttons wider than the toolbar', () => {
    expect(scrollToReveal(bar, { left: 830, right: 1400 }, 0)).toBe(820);
  });

  it('scrolls back for buttons before the start', () => {
    expect(scrollToReveal(bar, { left: -90, right: 0 }, 300)).toBe(200);
  });

  it('stays where it is when they are in view', () => {
    expect(scrollToReveal(bar, { left: 100, right: 300 }, 40)).toBe(40);
  });
});
