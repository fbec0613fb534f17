import { describe, expect, it } from 'vitest';
import { p, stateAt } from './formats/test-states.js';
import { inAddress } from './typing-in-addresses.js';

/** Whether the end of `text` (one paragraph) is inside an address. */
const atEnd = (text: string) => {
  const state = stateAt([p(text)], text);
  return inAddress(state, state.selection.from);
};

describe('inAddress', () => {
  it('is true in a URL, a mailto: or a www. address being typed, also after an opening bracket or quote', () => {
    for (const text of ['see https://example.com/foo', 'http://x', 'mailto:a@b', 'www.example.org/a', '(https://x.test/a', '“www.x.test']) expect(atEnd(text)).toBe(true);
  });
  it('is false in prose, after an address and a space, and inside a word', () => {
    for (const text of ['', 'wait', 'see https://example.com and', 'awww.x', 'xhttps://y']) expect(atEnd(text)).toBe(false);
  });
});
