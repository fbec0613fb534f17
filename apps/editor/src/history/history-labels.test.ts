import { describe, expect, it } from 'vitest';
import type { EditSession } from '../api/client.js';
import { authorInfo, authorNames, authorNamesInProse, pointLabel, sessionAt, whenLabel } from './history-labels.js';

const at = (y: number, mo: number, d: number, h: number, mi: number) => new Date(y, mo - 1, d, h, mi);
const hm = (d: Date) => d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
const session = (fromSeq: number, toSeq: number, start: Date, end: Date, ids: string[]): EditSession => ({
  fromSeq,
  toSeq,
  startedAt: start.toISOString(),
  endedAt: end.toISOString(),
  updates: toSeq - fromSeq + 1,
  added: 0,
  removed: 0,
  authors: ids.map((id) => ({ id, updates: 1, added: 0, removed: 0 })),
});
const lookup = { 'guest:abc': { name: 'Ada', color: '#112233', verified: false }, bob: { name: 'Bob', color: '#445566', verified: true } };

describe('history labels', () => {
  const now = at(2026, 12, 2, 15, 0);

  it('says Today and Yesterday, else the date (with the year only when it is not this one)', () => {
    expect(whenLabel(at(2026, 12, 2, 14, 5), now)).toBe(`Today ${hm(at(2026, 12, 2, 14, 5))}`);
    expect(whenLabel(at(2026, 12, 1, 9, 12), now)).toBe(`Yesterday ${hm(at(2026, 12, 1, 9, 12))}`);
    expect(whenLabel(at(2026, 11, 28, 9, 12), now)).not.toMatch(/Today|Yesterday|2026/);
    expect(whenLabel(at(2025, 11, 28, 9, 12), now)).toMatch(/2025/);
  });

  it('labels a point by time and authors, never by a version number', () => {
    const s = session(5, 9, at(2026, 12, 2, 14, 5), at(2026, 12, 2, 14, 32), ['guest:abc', 'bob']);
    expect(pointLabel(9, s, lookup, now)).toBe(`Today ${hm(at(2026, 12, 2, 14, 32))} · Ada, Bob`);
    expect(pointLabel(6, s, lookup, now)).toBe(`Today ${hm(at(2026, 12, 2, 14, 5))}–${hm(at(2026, 12, 2, 14, 32))} · Ada, Bob`);
    expect(pointLabel(0, undefined, lookup, now)).not.toMatch(/Version/);
  });

  it('finds the session of a point, names authors the server did not describe, and refuses a colour that is not one', () => {
    const sessions = [session(1, 4, now, now, ['bob']), session(5, 9, now, now, ['bob']), session(10, 10, now, now, ['bob'])];
    expect([1, 4, 5, 9, 10, 11].map((seq) => sessionAt(sessions, seq)?.fromSeq)).toEqual([1, 1, 5, 5, 10, 10]);
    expect(sessionAt(sessions, 0)).toBeUndefined();
    expect(authorInfo('conn-0f1e2d3c-aaaa', {}).name).toBe('Guest 0f1e2d');
    expect(authorInfo('x', { x: { name: 'X', color: 'red;background:url(//evil)', verified: false } })).toMatchObject({ name: 'X', color: expect.stringMatching(/^#[0-9a-f]{6}$/) });
    expect(authorNames(['a', 'b', 'c', 'd'], {})).toBe('a, b and 2 others');
  });
});

describe('authorNamesInProse', () => {
  it('joins names as a sentence does', () => {
    expect(authorNamesInProse(['a'], {})).toBe('a');
    expect(authorNamesInProse(['a', 'b'], {})).toBe('a and b');
    expect(authorNamesInProse(['a', 'b', 'c'], {})).toBe('a, b and c');
    expect(authorNamesInProse(['a', 'b', 'c', 'd'], {})).toBe('a, b and 2 others');
  });
});
