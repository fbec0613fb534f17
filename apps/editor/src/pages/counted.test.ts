import { describe, expect, it } from 'vitest';
import { counted } from './counted.js';

describe('counted', () => {
  it('says one thing in the singular, and others in the plural', () => {
    expect(counted(1, 'change')).toBe('1 change');
    expect(counted(0, 'change')).toBe('0 changes');
    expect(counted(1204, 'change')).toBe('1,204 changes');
    expect(counted(2, 'reply', 'replies')).toBe('2 replies');
  });
});
