// undo-follows-neighbours.ts: text this person's Ctrl+Z (or Ctrl+Y) brings back goes after the copy of its left
// neighbour that someone else's move made since (found by a helper's review; each failed before). Both split
// one paragraph: Alice after "brown fox ", then Bob, having seen it, after "The quick ".
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { at, blocks, meetAll, page, type Page, send, withUndo } from './test-editors.js';

const settle = () => new Promise((r) => setTimeout(r, 0));


/** Alice splits "The quick brown fox jumps" at `alicesAt`, then Bob, having her split, at `bobs` (block, offset). */
async function splits(bobAbove: boolean, alicesAt: number, bobs: [number, number]) {
  const alice = page(['The quick brown fox jumps']);
  const bob = page(alice.ydoc);
  bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
  const ua = withUndo(alice);
  const ub = withUndo(bob);
  alice.edit((s) => s.tr.split(at(s.doc, 0, alicesAt)));
  ua.stopCapturing();
  await send(alice, bob);
  bob.edit((s) => s.tr.split(at(s.doc, bobs[0], bobs[1])));
  ub.stopCapturing();
  await send(bob, alice);
  expect(blocks(alice.ydoc)).toEqual(['The quick ', 'brown fox ', 'jumps']);
  return { alice, bob, ua, ub };
}

/** `um` presses `key`; then both pages get everything. */
async function press(x: { alice: Page; bob: Page }, um: Y.UndoManager, key: 'undo' | 'redo') {
  um[key]();
  await settle();
  return meetAll(x.alice, x.bob);
}


describe('Alice splits after "brown fox ", then Bob after "The quick "', () => {
  for (const bobAbove of [true, false]) {
    const ids = `Bob's id ${bobAbove ? 'above' : 'below'}`;
    // Gave ["The quick jumps", "brown fox "]: Yjs brings "jumps" back after the deleted originals of "brown fox ".
    it(`Alice's Ctrl+Z puts "jumps" back after "brown fox " (${ids})`, async () => {
      const x = await splits(bobAbove, 20, [0, 10]);
      expect(await press(x, x.ua, 'undo')).toEqual(['The quick ', 'brown fox jumps']);
      // Ctrl+Y splits it off again.
      expect(await press(x, x.ua, 'redo')).toEqual(['The quick ', 'brown fox ', 'jumps']);
      // And Ctrl+Z once more.
      expect(await press(x, x.ua, 'undo')).toEqual(['The quick ', 'brown fox jumps']);
    });

    // Gave ["The quick jumpsbrown fox "].
    it(`Alice Ctrl+Z, then Bob Ctrl+Z: the paragraph whole again, in order (${ids})`, async () => {
      const x = await splits(bobAbove, 20, [0, 10]);
      await press(x, x.ua, 'undo');
      expect(await press(x, x.ub, 'undo')).toEqual(['The quick brown fox jumps']);
    });

    // Gave ["", "The quick brown fox ", "jumps"].
    it(`Bob Ctrl+Z, Alice Ctrl+Z, Alice Ctrl+Y, Bob Ctrl+Y: both splits back (${ids})`, async () => {
      const x = await splits(bobAbove, 20, [0, 10]);
      expect(await press(x, x.ub, 'undo')).toEqual(['The quick brown fox ', 'jumps']);
      expect(await press(x, x.ua, 'undo')).toEqual(['The quick brown fox jumps']);
      expect(await press(x, x.ua, 'redo')).toEqual(['The quick brown fox ', 'jumps']);
      expect(await press(x, x.ub, 'redo')).toEqual(['The quick ', 'brown fox ', 'jumps']);
    });
  }
});

describe('Alice splits after "The quick ", then Bob after "brown fox "', () => {
  for (const bobAbove of [true, false]) {
    // Gave ["The quick ", "brown fox jumps", "jumps"]: Alice's Ctrl+Y brought back one item "brown fox jumps" whose
    // "jumps" was Bob's redo step's, and rescue-undo.ts looked only at its first character ("b") to follow it; so
    // his Ctrl+Y brought his line back and left hers. Following it, his Ctrl+Y then took "brown fox " along into
    // his line (["The quick ", "", "brown fox jumps"]): text at the start of a block counted as typed at the start
    // of the half his redo moved out, though that block (Alice's line) was not one his step had made.
    it(`Bob Ctrl+Z, Alice Ctrl+Z, Alice Ctrl+Y, Bob Ctrl+Y: both splits back, "jumps" once (Bob's id ${bobAbove ? 'above' : 'below'})`, async () => {
      const x = await splits(bobAbove, 10, [1, 10]);
      expect(await press(x, x.ub, 'undo')).toEqual(['The quick ', 'brown fox jumps']);
      expect(await press(x, x.ua, 'undo')).toEqual(['The quick brown fox jumps']);
      expect(await press(x, x.ua, 'redo')).toEqual(['The quick ', 'brown fox jumps']);
      expect(await press(x, x.ub, 'redo')).toEqual(['The quick ', 'brown fox ', 'jumps']);
    });
  }
});
