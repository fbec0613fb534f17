// Alice presses Enter in "abcd|ef" offline and reloads the page (this browser's copy keeps her change; the
// page has a new client id); Bob, not having seen it, presses Enter in "abc|def". Her move starts inside his,
// so hers gives way: her page takes out its copy of "ef". The reloaded page did not know the move for its own
// (its editor's record of its moves went with the page it closed), nobody gave way, and "ef" came twice.
import type { Node } from 'prosemirror-model';
import { joinBackward, splitBlock } from 'prosemirror-commands';
import type { EditorState, Transaction } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { type Meeting, meetAll, meetAs, meetings, p, reloaded, run, twoPages } from './test-editors.js';

const doc = (...texts: string[]): Node => schema.node('doc', null, texts.map(p));
const letters = (texts: readonly string[]) => [...texts.join('')].sort().join('');

interface Case {
  readonly name: string;
  readonly start: readonly string[];
  readonly alice: (s: EditorState) => Transaction;
  readonly bob: (s: EditorState) => Transaction;
}

const cases: Case[] = [
  { name: 'Alice splits "abcd|ef", Bob "abc|def" (hers gives way)', start: ['abcdef', 'xyz'], alice: run(splitBlock, 0, 4), bob: run(splitBlock, 0, 3) },
  { name: 'Alice splits "abc|def", Bob "abcd|ef" (his gives way)', start: ['abcdef', 'xyz'], alice: run(splitBlock, 0, 3), bob: run(splitBlock, 0, 4) },
  { name: 'both split "abc|def" (the higher id gives way)', start: ['abcdef', 'xyz'], alice: run(splitBlock, 0, 3), bob: run(splitBlock, 0, 3) },
  { name: 'Alice splits "de|f" while Bob joins "def" up', start: ['abc', 'def', 'xyz'], alice: run(splitBlock, 1, 2), bob: run(joinBackward, 1) },
  { name: 'both join "def" up (the higher id gives way)', start: ['abc', 'def', 'xyz'], alice: run(joinBackward, 1), bob: run(joinBackward, 1) },
];

/** Alice's and Bob's changes, made apart, meeting as `meeting` says; `reload` one page first, its new id on the same side of the other's as before or across it. */
async function meetAfter(c: Case, meeting: Meeting, reload?: { readonly who: 'Alice' | 'Bob'; readonly across: boolean }): Promise<string[]> {
  const pages = twoPages(doc(...c.start), meeting);
  pages.alice.edit(c.alice);
  pages.bob.edit(c.bob);
  let { alice, bob } = pages;
  if (reload !== undefined) {
    // Alice's id is below Bob's when his is above: her new one stays below (or goes above, `across`).
    const up = (reload.who === 'Alice') !== meeting.bobAbove;
    const step = (up ? 1 : -1) * (reload.across ? -3 : 3);
    if (reload.who === 'Alice') alice = reloaded(alice, alice.ydoc.clientID + step);
    else bob = reloaded(bob, bob.ydoc.clientID + step);
  }
  await meetAs(alice, bob, meeting);
  return meetAll(alice, bob);
}

describe('two moves of the same words, one page reloaded between its move and the meeting, end as without the reload', () => {
  for (const c of cases) {
    for (const meeting of meetings) {
      it(`${c.name}; ${meeting.name}`, async () => {
        const start = letters(c.start);
        const met = await meetAfter(c, meeting);
        expect(letters(met)).toBe(start);
        for (const who of ['Alice', 'Bob'] as const) {
          for (const across of [false, true]) expect(await meetAfter(c, meeting, { who, across }), `${who}'s page reloaded${across ? ', its new id across the other\'s' : ''}`).toEqual(met);
        }
      });
    }
  }
});
