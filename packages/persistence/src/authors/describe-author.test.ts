import { describe, expect, it } from 'vitest';
import { authorColor, colorForId, contrastOnWhite, MIN_CONTRAST_ON_WHITE, parseHex } from './author-palette.js';
import { describeAuthor } from './describe-author.js';

const hue = (hex: string) => {
  const [r, g, b] = parseHex(hex).map((v) => v / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
};
const hueDistance = (a: string, b: string) => {
  const d = Math.abs(hue(a) - hue(b));
  return Math.min(d, 360 - d);
};

describe('author colours', () => {
  it('gives authors recorded one after another clearly different hues', () => {
    const colors = Array.from({ length: 12 }, (_, n) => authorColor(n));
    expect(new Set(colors).size).toBe(12);
    for (let n = 1; n < colors.length; n++) expect(hueDistance(colors[n]!, colors[n - 1]!)).toBeGreaterThan(60);
    // The first five are at least 40° apart from each other, all pairs.
    for (let a = 0; a < 5; a++) for (let b = a + 1; b < 5; b++) expect(hueDistance(colors[a]!, colors[b]!)).toBeGreaterThan(40);
  });

  it('keeps every colour readable as text on white', () => {
    for (let n = 0; n < 500; n++) {
      const color = authorColor(n);
      expect(color).toMatch(/^#[0-9a-f]{6}$/);
      expect(contrastOnWhite(parseHex(color))).toBeGreaterThanOrEqual(MIN_CONTRAST_ON_WHITE);
    }
  });
});

describe('describeAuthor', () => {
  it('shows a record as recorded', () => {
    const record = { id: 'guest:abc', name: 'Ada', color: '#123456', verified: false, firstSeen: 1, lastSeen: 2 };
    expect(describeAuthor('guest:abc', record)).toEqual({ name: 'Ada', color: '#123456', verified: false });
  });

  it('names an id without a record from the id, with a colour that is the same every time', () => {
    const conn = describeAuthor('conn-4bdf2a91-0c3e-4f7a-9b2d-1e2f3a4b5c6d');
    expect(conn).toEqual({ name: 'Guest 4bdf2a', color: colorForId('conn-4bdf2a91-0c3e-4f7a-9b2d-1e2f3a4b5c6d'), verified: false });
    expect(describeAuthor('conn-4bdf2a91-0c3e-4f7a-9b2d-1e2f3a4b5c6d')).toEqual(conn);
    expect(describeAuthor('user-17')).toEqual({ name: 'user-17', color: colorForId('user-17'), verified: true });
    expect(describeAuthor('guest:Zx9_abcdefghijklmnop')).toMatchObject({ name: 'Guest Zx9_ab', verified: false });
    expect(describeAuthor('restore')).toMatchObject({ name: 'restore', verified: false });
    expect(colorForId('user-17')).not.toBe(colorForId('user-18'));
  });
});
