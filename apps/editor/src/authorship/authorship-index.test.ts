import { describe, expect, it } from 'vitest';
import { hueDistance, hueOf, MIN_HUE_APART } from '../collab/presence-colors.js';
import { AuthorshipIndex } from './authorship-index.js';

const BLUE = '#2563eb';
const answer = (authors: Record<string, string>) => ({
  seq: 2,
  authors: Object.fromEntries(Object.entries(authors).map(([id, color]) => [id, { name: id, color, verified: true }])),
  ranges: Object.keys(authors).map((id, i) => [100 + i, 0, 10, id, 0] as const),
});

describe('the colours authors are shown in', () => {
  it('tells apart two authors of one colour, and keeps a colour once shown', () => {
    const index = new AuthorshipIndex();
    index.load(answer({ ada: BLUE, bob: BLUE }));
    const ada = index.describe('ada')!.color;
    const bob = index.describe('bob')!.color;
    expect(ada).toBe(BLUE);
    expect(hueDistance(hueOf(ada), hueOf(bob))).toBeGreaterThanOrEqual(MIN_HUE_APART);
    // A third author of that colour comes: the first two stay as they were.
    index.load(answer({ ada: BLUE, bob: BLUE, cy: BLUE }));
    expect(index.describe('ada')!.color).toBe(ada);
    expect(index.describe('bob')!.color).toBe(bob);
    const cy = index.describe('cy')!.color;
    for (const other of [ada, bob]) expect(hueDistance(hueOf(cy), hueOf(other))).toBeGreaterThanOrEqual(MIN_HUE_APART);
    expect(index.authors().map(([id, info]) => [id, info.color])).toEqual([['ada', ada], ['bob', bob], ['cy', cy]]);
  });

  it("shows a present author in their page's colour, and keeps it once they leave", () => {
    const index = new AuthorshipIndex();
    index.enabled = true;
    index.load(answer({ ada: BLUE, bob: BLUE }));
    index.bind({ bindings: [[7, 'bob']], authors: {} });
    let present: number[] = [7];
    index.usePresence({ present: () => present, authorOf: () => undefined, colorOf: (client) => (client === 7 ? '#b91c1c' : BLUE) });
    let repaints = 0;
    index.listeners.add(() => (repaints += 1));
    index.presenceChanged();
    expect(index.describe('bob')!.color).toBe('#b91c1c');
    expect(index.describe('ada')!.color).toBe(BLUE);
    present = [];
    index.presenceChanged();
    expect(index.describe('bob')!.color).toBe('#b91c1c');
    expect(repaints).toBe(0); // no colour changed
  });

  it("shows this page's person in its page's colour before the server has bound the page's id, before another tab of theirs", () => {
    const index = new AuthorshipIndex();
    index.load(answer({ ada: BLUE, bob: '#7c3aed' }));
    index.bind({ bindings: [[8, 'ada']], authors: {} }); // another tab of Ada's, which has written
    index.usePresence({ present: () => [8, 9], authorOf: (client) => (client === 9 ? 'ada' : undefined), colorOf: (client) => (client === 9 ? '#0f766e' : '#b91c1c') });
    expect(index.describe('ada')!.color).toBe('#0f766e');
  });
});
