// join-rescue.ts noteWhatUndosSaw: a block an undo or redo deletes says what its editor had seen of its text,
// as an edit's deletion does. Both split one paragraph (Alice after "The quick ", then Bob, having seen it,
// after "brown fox "); Alice presses Ctrl+Z; then Bob's Ctrl+Z (which takes his line out) and Alice's Ctrl+Y
// (which brings "jumps" back into that line) cross. With Alice's stored first, "jumps" was lost for everyone:
// her page took her words for seen by Bob's undo, the server having acknowledged them (found by a helper's
// review).
import { describe, expect, it } from 'vitest';
import { at, blocks, cross, meetAll, orders, page, type Page, send, withUndo } from './test-editors.js';

const settle = () => new Promise((r) => setTimeout(r, 0));


const words = (lines: string[]) => lines.join(' ').split(' ').filter((w) => w !== '').sort();

describe('Bob\'s Ctrl+Z and Alice\'s Ctrl+Y cross after both split one paragraph', () => {
  for (const [bobAbove, alicesFirst] of orders) {
    it(`no word lost (Bob's id ${bobAbove ? 'above' : 'below'}, ${alicesFirst ? 'Alice' : 'Bob'}'s stored first)`, async () => {
      const alice = page(['The quick brown fox jumps']);
      const bob = page(alice.ydoc);
      bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
      const ua = withUndo(alice);
      const ub = withUndo(bob);
      alice.edit((s) => s.tr.split(at(s.doc, 0, 10)));
      ua.stopCapturing();
      await send(alice, bob);
      bob.edit((s) => s.tr.split(at(s.doc, 1, 10)));
      ub.stopCapturing();
      await send(bob, alice);
      expect(blocks(alice.ydoc)).toEqual(['The quick ', 'brown fox ', 'jumps']);
      ua.undo();
      await settle();
      await meetAll(alice, bob);
      ub.undo();
      ua.redo();
      await settle();
      await (alicesFirst ? cross(alice, bob) : cross(bob, alice));
      expect(words(await meetAll(alice, bob))).toEqual(words(['The quick brown fox jumps']));
    });
  }
});
