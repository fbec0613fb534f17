import { describe, expect, it } from 'vitest';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import {
  contrastOnWhite, hueDistance, hueOf, MIN_CONTRAST_ON_WHITE, MIN_HUE_APART, PALETTE, presenceColors, readable, spreadColors,
} from './presence-colors.js';

const minApart = (shown: Iterable<{ color: string }>) => {
  const hues = [...shown].map((s) => hueOf(s.color));
  let min = 180;
  for (let i = 0; i < hues.length; i++) for (let j = i + 1; j < hues.length; j++) min = Math.min(min, hueDistance(hues[i]!, hues[j]!));
  return min;
};

describe('presence colours', () => {
  it('has a palette of twelve hues 30° apart, each readable under white text', () => {
    expect(PALETTE).toHaveLength(12);
    expect(minApart(PALETTE.map((color) => ({ color })))).toBeGreaterThanOrEqual(MIN_HUE_APART - 1);
    for (const c of PALETTE) expect(contrastOnWhite(c)).toBeGreaterThanOrEqual(MIN_CONTRAST_ON_WHITE);
  });

  it('darkens a colour too light for white text, keeping its hue', () => {
    expect(contrastOnWhite('#16a34a')).toBeLessThan(MIN_CONTRAST_ON_WHITE);
    const dark = readable('#16a34a');
    expect(contrastOnWhite(dark)).toBeGreaterThanOrEqual(MIN_CONTRAST_ON_WHITE);
    expect(hueDistance(hueOf(dark), hueOf('#16a34a'))).toBeLessThan(2);
    expect(readable('#2563eb')).toBe('#2563eb');
  });

  it('keeps colours already far apart as they are', () => {
    const shown = spreadColors([
      { clientId: 1, color: '#e11d48', isSelf: true },
      { clientId: 2, color: '#2563eb', isSelf: false },
    ]);
    expect([...shown.values()].map((s) => s.color)).toEqual(['#e11d48', '#2563eb']);
  });

  it('moves a newcomer whose colour is near someone present to a free slot; the person of this browser never moves', () => {
    const people = [
      { clientId: 9, color: '#2563eb', isSelf: true },
      { clientId: 3, color: '#1d4ed8', isSelf: false },
      { clientId: 5, color: '#2563eb', isSelf: false },
      { clientId: 7, color: '#3b82f6', isSelf: false },
    ];
    const shown = spreadColors(people);
    expect(shown.get(9)?.color).toBe('#2563eb');
    expect(minApart(shown.values())).toBeGreaterThanOrEqual(MIN_HUE_APART - 1);
    for (const { color } of shown.values()) expect(contrastOnWhite(color)).toBeGreaterThanOrEqual(MIN_CONTRAST_ON_WHITE);
    // A later newcomer moves; those shown before keep their colours.
    const later = spreadColors([...people, { clientId: 1, color: shown.get(3)!.color, isSelf: false }], shown);
    for (const id of [9, 3, 5, 7]) expect(later.get(id)).toEqual(shown.get(id));
    expect(minApart(later.values())).toBeGreaterThanOrEqual(MIN_HUE_APART - 1);
    // Someone whose own colour changed is placed again (here: their new colour is free, so theirs).
    const changed = spreadColors(people.map((p) => (p.clientId === 5 ? { ...p, color: '#7c3aed' } : p)), shown);
    expect(changed.get(5)?.color).toBe('#7c3aed');
  });

  it('gives twelve people sharing one colour twelve hues 30° apart', () => {
    const people = Array.from({ length: 12 }, (_, i) => ({ clientId: i, color: '#e11d48', isSelf: i === 0 }));
    expect(minApart(spreadColors(people).values())).toBeGreaterThanOrEqual(MIN_HUE_APART - 1);
  });

  it('shows a person in the same colour wherever asked, from the live awareness states', () => {
    const ours = new Awareness(new Y.Doc());
    const theirs = new Awareness(new Y.Doc());
    ours.setLocalStateField('user', { name: 'Ada', color: '#2563eb' });
    theirs.setLocalStateField('user', { name: 'Bob', color: '#2563eb' });
    applyAwarenessUpdate(ours, encodeAwarenessUpdate(theirs, [theirs.clientID]), 'remote');
    const colors = presenceColors(ours);
    expect(presenceColors(ours)).toBe(colors);
    expect(colors.colorOf(ours.clientID, '#2563eb')).toBe('#2563eb');
    const bob = colors.colorOf(theirs.clientID, '#2563eb');
    expect(hueDistance(hueOf(bob), hueOf('#2563eb'))).toBeGreaterThanOrEqual(MIN_HUE_APART);
    expect(colors.colorOf(theirs.clientID, '#2563eb')).toBe(bob);
  });
});
