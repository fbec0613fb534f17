// The notes of moves (noted-moves.ts) are written by any client into the shared document: a malformed one
// must throw nothing and cost nothing, on a page that is open and on one opening the document (found by a
// review: a run of length 0 threw from Y.applyUpdate, so a page could not open a document holding one; a
// run claiming 500 000 characters took 0.8 s to read, 20 million ran out of memory).
import { joinBackward } from 'prosemirror-commands';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { schema } from '../schema.js';
import { keepTextThroughJoins } from './join-rescue.js';
import { MOVED, notedMovesIn } from './noted-moves.js';
import { at, blocks, inText, li, meetAll, page, run, send, shape } from './test-editors.js';

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

/** The id of the first character of `text` as `client` wrote it in `ydoc`. */
function idOf(ydoc: Y.Doc, client: number, text: string): Y.ID {
  for (const struct of ydoc.store.clients.get(client) ?? []) {
    if (struct instanceof Y.Item && struct.content instanceof Y.ContentString && struct.content.str.includes(text)) return Y.createID(client, struct.id.clock + struct.content.str.indexOf(text));
  }
  throw new Error(`no "${text}" of ${client}`);
}

// Found by a review: a note naming someone else's characters as its copies made a page that had deleted the
// "source" delete them, and (with `b`, the copy's line made for it) their line too. A mover's copies are its
// own characters: such a note is not one.
it("a note naming another person's characters as its copies is ignored: Carol's item stays", async () => {
  const alice = page(schema.node('doc', null, [schema.node('bullet_list', null, [li('one'), li('two'), li('three')])]));
  const carol = page(alice.ydoc);
  carol.edit((s) => s.tr.split(inText(2, 5)(s), 2));
  carol.edit((s) => s.tr.insertText('carol', inText(3, 0)(s)));
  await meetAll(alice, carol);
  const two = idOf(alice.ydoc, alice.ydoc.clientID, 'two');
  const carols = idOf(alice.ydoc, carol.ydoc.clientID, 'carol');
  // Alice deletes item "two": its text, then its line.
  alice.edit((s) => s.tr.delete(inText(1, 0)(s), inText(1, 3)(s)));
  alice.edit(run(joinBackward, 1));
  alice.edit(run(joinBackward, 1));
  const mallory = new Y.Doc();
  Y.applyUpdate(mallory, Y.encodeStateAsUpdate(alice.ydoc));
  mallory.getMap(MOVED).set('x', { r: [two.client, two.clock, carols.client, carols.clock, 3, two.client, two.clock, carols.client, carols.clock + 3, 2], b: 1 });
  Y.applyUpdate(alice.ydoc, Y.encodeStateAsUpdate(mallory, Y.encodeStateVector(alice.ydoc)), 'remote');
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect(shape(alice.ydoc)).toEqual(['>one', '>three', '>carol']);
});
