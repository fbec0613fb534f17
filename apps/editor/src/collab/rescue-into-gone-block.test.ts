// Three people on "abcdefg", "hijk": Alice presses Enter in "abcd|efg"; Carol, not having seen it, joins
// "hijk" up (Backspace at its start) and types "Z"; Bob, having seen Alice's Enter, types "Y" and joins her new
// line "efg" back up. All three changes meet at once. Carol's page finds her "hijk" left behind Alice's Enter
// (it stood after "g", which moved to the new line) and moves it after "efg", in a microtask, after Bob's join
// had already arrived in the same turn and deleted that line: "hijk" typed into a deleted line and taken out
// of hers, lost for everyone (found by a three-page fuzz). A rescue now types nothing at a place gone
// meanwhile, and what it would have moved stays.
import { joinBackward, splitBlock } from 'prosemirror-commands';
import type { EditorState, Transaction } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { allAtOnce, inText, meetAll, p, page, run, send } from './test-editors.js';

const type = (text: string, n: number, offset: number) => (s: EditorState): Transaction => s.tr.insertText(text, inText(n, offset)(s));
const letters = (texts: readonly string[]) => [...texts.join('')].sort().join('');

describe('a rescue whose place another change deleted in the same turn', () => {
  // Client id orders (Alice, Bob, Carol) and whether the server had acknowledged the changes.
  for (const ids of [[2, 1, 0], [0, 1, 2], [1, 2, 0], [2, 0, 1]] as const) {
    for (const acknowledged of [false, true]) {
      it(`keeps every letter (ids ${ids.join('')}${acknowledged ? ', acknowledged' : ''})`, async () => {
        const alice = page(schema.node('doc', null, [p('abcdefg'), p('hijk'), p('lmn')]));
        const bob = page(alice.ydoc);
        const carol = page(alice.ydoc);
        const base = alice.ydoc.clientID;
        [alice, bob, carol].forEach((x, i) => (x.ydoc.clientID = base + 10 + ids[i]!));
        alice.edit(run(splitBlock, 0, 4));
        carol.edit(run(joinBackward, 1));
        await send(alice, bob);
        bob.edit(type('Y', 0, 2));
        bob.edit(run(joinBackward, 1));
        carol.edit(type('Z', 0, 2));
        await allAtOnce([alice, bob, carol], acknowledged);
        const met = await meetAll(alice, bob, carol);
        expect(letters(met)).toBe(letters(['abcdefghijklmn', 'YZ'])); // before: "hijk" lost
      });
    }
  }
});
