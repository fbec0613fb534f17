// Ctrl+Z of a paste of paragraphs, after the other person typed a letter into the line the paste ended in (found
// by a helper's review; each failed before split-rescue.ts looked past what the undo deletes): Alice pastes
// "One", "Two", "Three" into "Hello |world" ("Hello One", "Two", "Threeworld"), Bob types X in the last line,
// Alice presses Ctrl+Z. His X was left in a paragraph of its own ("Hello world", "X"): the undo deletes the
// pasted "Three" on its left, and only a letter whose left neighbour moved (or that stood first) went along.
import { Fragment, Slice } from 'prosemirror-model';
import { describe, expect, it } from 'vitest';
import { at, blocks, cross, meetAll, orders, p, page, type Page, send, withUndo } from './test-editors.js';

const settle = () => new Promise((r) => setTimeout(r, 0));


/** Paragraphs as a paste brings them (open at both ends: the first joins the line, the last takes its rest). */
const pasted = (...texts: string[]) => new Slice(Fragment.from(texts.map(p)), 1, 1);

function pasteIntoHelloWorld(bobAbove: boolean) {
  const alice = page(['Hello world', 'end']);
  const bob = page(alice.ydoc);
  bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
  const ua = withUndo(alice);
  alice.edit((s) => s.tr.replace(at(s.doc, 0, 6), at(s.doc, 0, 6), pasted('One', 'Two', 'Three')));
  ua.stopCapturing();
  return { alice, bob, ua };
}

describe('Ctrl+Z of a paste of paragraphs keeps the letter Bob typed in the line the paste ended in', () => {
  for (const bobAbove of [true, false]) {
    const ids = `Bob's id ${bobAbove ? 'above' : 'below'}`;
    for (const [where, offset, expected] of [
      ['at the start of the line\'s rest ("Three|world")', 5, 'Hello Xworld'],
      ['after its first letter ("Threew|orld")', 6, 'Hello wXorld'],
      ['inside the pasted "Three" ("Th|reeworld")', 2, 'Hello Xworld'],
    ] as const) {
      it(`X typed ${where}: it stays with "world" (${ids})`, async () => {
        const { alice, bob, ua } = pasteIntoHelloWorld(bobAbove);
        await send(alice, bob);
        expect(blocks(bob.ydoc)).toEqual(['Hello One', 'Two', 'Threeworld', 'end']);
        bob.edit((s) => s.tr.insertText('X', at(s.doc, 2, offset)));
        await send(bob, alice);
        ua.undo();
        await settle();
        expect(await meetAll(alice, bob)).toEqual([expected, 'end']);
        // And Ctrl+Y puts the paste back around it.
        ua.redo();
        await settle();
        const after = await meetAll(alice, bob);
        expect(after.join('|').replace('X', '')).toBe('Hello One|Two|Threeworld|end');
      });
    }
  }

  // Bob offline: his X typed in "w|orld" before the paste reached him; his page types it again in the moved
  // "world" once the paste arrives.
  for (const [bobAbove, bobStoredFirst] of orders) {
    it(`Bob offline types "w|orld" (Bob's id ${bobAbove ? 'above' : 'below'}, ${bobStoredFirst ? 'Bob' : 'Alice'} stored first): Ctrl+Z keeps "wXorld"`, async () => {
      const { alice, bob, ua } = pasteIntoHelloWorld(bobAbove);
      bob.edit((s) => s.tr.insertText('X', at(s.doc, 0, 7)));
      await (bobStoredFirst ? cross(bob, alice) : cross(alice, bob));
      expect(await meetAll(alice, bob)).toEqual(['Hello One', 'Two', 'ThreewXorld', 'end']);
      ua.undo();
      await settle();
      expect(await meetAll(alice, bob)).toEqual(['Hello wXorld', 'end']);
    });
  }
});

// Bob's letter typed into the pasted text of the first line ("On|e", or after it, "Hello One|"): Alice's Ctrl+Z
// left it after the "world" it brought back ("Hello worldX"); it goes where the paste was.
describe('Ctrl+Z of a paste of paragraphs keeps the letter Bob typed into the first line\'s pasted text where the paste was', () => {
  for (const bobAbove of [true, false]) {
    for (const [where, offset] of [
      ['inside it ("On|e")', 8],
      ['at its end ("Hello One|")', 9],
    ] as const) {
      it(`X typed ${where} (Bob's id ${bobAbove ? 'above' : 'below'})`, async () => {
        const { alice, bob, ua } = pasteIntoHelloWorld(bobAbove);
        await send(alice, bob);
        bob.edit((s) => s.tr.insertText('X', at(s.doc, 0, offset)));
        await send(bob, alice);
        ua.undo();
        await settle();
        expect(await meetAll(alice, bob)).toEqual(['Hello Xworld', 'end']);
      });
    }
  }
});
