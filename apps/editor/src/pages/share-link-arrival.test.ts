import { describe, expect, it } from 'vitest';
import { carriesShareLink } from './share-link-arrival.js';

describe('carriesShareLink', () => {
  it('is true for a fragment with a share secret, wherever it stands', () => {
    expect(carriesShareLink('#share=eyJ.abc.def')).toBe(true);
    expect(carriesShareLink('#x=1&share=eyJ.abc.def')).toBe(true);
  });
  it('is false for other fragments and an empty secret', () => {
    expect(carriesShareLink('')).toBe(false);
    expect(carriesShareLink('#top')).toBe(false);
    expect(carriesShareLink('#share=')).toBe(false);
  });
});
