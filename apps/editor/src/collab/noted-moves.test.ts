// The notes of moves (noted-moves.ts) are written by any client into the shared document: a malformed one
// must throw nothing and cost nothing, on a page that is open and on one opening the document (found by a
// review: a run of length 0 threw from Y.applyUpdate, so a page could not open a document holding one; a
// run claiming 500 000 characters took 0.8 s to read, 20 million ran out of memory).
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { keepTextThroughJoins } from './join-rescue.js';
import { MOVED, notedMovesIn } from './noted-moves.js';
import { at, blocks, page, send } from './test-editors.js';

describe('a malformed note', () => {
  /** Bob writes `value` as a note, beside an edit; returns what Alice's page shows once it has it. */
  const written = async (value: (alice: number) => unknown) => {
    const alice = page(['one two three']);
    const bob = page(alice.ydoc);
    // Something of Alice's own for the handlers to compare notes with: a deletion, bold, a move.
    alice.edit((s) => s.tr.delete(at(s.doc, 0, 4), at(s.doc, 0, 7)));
    alice.edit((s) => s.tr.split(at(s.doc, 0, 2)));
    await send(alice, bob);
    const before = blocks(alice.ydoc);
    bob.ydoc.transact(() => {
      bob.ydoc.getMap(MOVED).set('x', value(alice.ydoc.clientID));
      bob.ydoc.getXmlFragment('prosemirror').insert(0, [new Y.XmlElement('paragraph')]);
    });
    const noted: unknown[] = [];
    alice.ydoc.on('afterTransaction', (tr: Y.Transaction) => noted.push(...notedMovesIn(tr)));
    await send(bob, alice);
    return { before, after: blocks(alice.ydoc), noted };
  };

  it.each([
    ['a run of length 0', () => ({ r: [1, 0, 1, 0, 0] })],
    ['a client the page never heard of', () => ({ r: [123456, 0, 123456, 5, 1] })],
    ['a clock beyond what the page holds of that client', (c: number) => ({ r: [c, 1_000_000, c, 1_000_001, 1], s: { [c]: 'x' } })],
    ['a run claiming 500 000 characters', (c: number) => ({ r: [c, 0, c, 0, 500_000] })],
    ['not numbers', () => ({ r: ['a', {}, null, -1, 1.5] })],
    ['not an object', () => 'hello'],
  ] as const)('%s: ignored, and nothing changes but the edit beside it', async (_, value) => {
    const { before, after, noted } = await written(value);
    expect(noted).toEqual([]);
    expect(after).toEqual(['', ...before]);
  });

  it('a page opening a document that holds one throws nothing', () => {
    const bob = page(['one two three']);
    bob.ydoc.getMap(MOVED).set('x', { r: [1, 0, 1, 0, 0] });
    const fresh = new Y.Doc();
    keepTextThroughJoins(fresh, { own: (c) => c === fresh.clientID, stored: () => 0, changes: { made: () => 0, stored: () => 0 } });
    expect(() => Y.applyUpdate(fresh, Y.encodeStateAsUpdate(bob.ydoc), 'remote')).not.toThrow();
    expect(blocks(fresh)).toEqual(['one two three']);
  });
});
