import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStatusText, SAVED_SETTLE_MS, SAVED_TEXT, SAVING_TEXT } from './status-text.js';

describe('the status text', () => {
  let written: string[];
  beforeEach(() => {
    vi.useFakeTimers();
    written = [];
  });
  afterEach(() => vi.useRealTimers());

  it('stays "Saving…" while keystrokes are saved one after another, and says "Saved" once it has held', () => {
    const text = createStatusText((t) => written.push(t));
    text.show(SAVED_TEXT); // the page opens saved
    for (let key = 0; key < 20; key++) {
      text.show(SAVING_TEXT);
      vi.advanceTimersByTime(3); // the acknowledgement
      text.show(SAVED_TEXT);
      vi.advanceTimersByTime(150); // the next key
    }
    expect(written).toEqual([SAVED_TEXT, SAVING_TEXT]);
    vi.advanceTimersByTime(SAVED_SETTLE_MS);
    expect(written).toEqual([SAVED_TEXT, SAVING_TEXT, SAVED_TEXT]);
  });

  it('never says "Saved" while a change is unsaved, however the states interleave', () => {
    const text = createStatusText((t) => written.push(t));
    text.show(SAVING_TEXT);
    text.show(SAVED_TEXT);
    vi.advanceTimersByTime(SAVED_SETTLE_MS - 1);
    text.show(SAVING_TEXT); // a new key just before "Saved" would have shown
    vi.advanceTimersByTime(10 * SAVED_SETTLE_MS);
    expect(written).toEqual([SAVING_TEXT]);
  });

  it('shows every other state at once, and drops a pending "Saved" for it', () => {
    const text = createStatusText((t) => written.push(t));
    text.show(SAVING_TEXT);
    text.show(SAVED_TEXT);
    text.show('Offline · changes kept in this browser');
    vi.advanceTimersByTime(10 * SAVED_SETTLE_MS);
    expect(written).toEqual([SAVING_TEXT, 'Offline · changes kept in this browser']);
    text.show(SAVED_TEXT); // back online and saved: not after "Saving…", so at once
    expect(written.at(-1)).toBe(SAVED_TEXT);
  });
});
