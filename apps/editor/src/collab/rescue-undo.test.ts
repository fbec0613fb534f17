import { EditorState, type Transaction } from 'prosemirror-state';
import { ySyncPluginKey } from 'y-prosemirror';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createUndoManager } from '../undo-steps.js';
import { lostInJoins, typeAgain } from './join-rescue.js';
import { childAt } from './relative-position.js';
import { undoableWithTheOriginal, undoFollowsMoves } from './rescue-undo.js';
import { moveStranded, strandedByMoves } from './split-rescue.js';
import { alice, at, blocks } from './test-editors.js';



/**
 * Bob types `text` into `block` at `offset` through his editor (an undo step), unseen by Alice, who then
 * does `edit`; Bob's editor types his text again as it does; then Bob presses Ctrl+Z.
 */
function bobUndoes(texts: string[], [block, offset, text]: [number, number, string], edit: (s: EditorState) => Transaction, undoable: boolean) {
  const a = alice(...texts);
  const bob = new Y.Doc();
  Y.applyUpdate(bob, Y.encodeStateAsUpdate(a.ydoc));
  const undo = createUndoManager(bob.getXmlFragment('prosemirror'));
  bob.transact(() => ((childAt(bob.getXmlFragment('prosemirror'), block) as Y.XmlElement).get(0) as Y.XmlText).insert(offset, text), ySyncPluginKey);
  a.edit(edit);
  const ownership = { own: (client: number) => client === bob.clientID, stored: () => 0 };
  let rescue = () => [] as ReturnType<typeof typeAgain>;
  bob.once('afterTransaction', (tr: Y.Transaction) => {
    const lost = lostInJoins(tr, ownership);
    const stranded = strandedByMoves(tr, ownership);
    rescue = () => [...(lost.length > 0 ? typeAgain(bob, lost) : []), ...(stranded.length > 0 ? moveStranded(bob, stranded) : [])];
  });
  Y.applyUpdate(bob, Y.encodeStateAsUpdate(a.ydoc, Y.encodeStateVector(bob)));
  const retyped = rescue();
  expect(retyped.length).toBeGreaterThan(0);
  const typed = blocks(bob);
  if (undoable) undoableWithTheOriginal(undo, retyped);
  undo.undo();
  return { typed, undone: blocks(bob) };
}

describe('Ctrl+Z takes back text the editor had to type again', () => {
  const split = (s: EditorState) => s.tr.split(at(s.doc, 0, 5));
  const join = (s: EditorState) => s.tr.join(at(s.doc, 1, -1));

  it('after Enter earlier in its paragraph moved it', () => {
    expect(bobUndoes(['Hello world'], [0, 8, 'X'], split, true)).toEqual({ typed: ['Hello', ' woXrld'], undone: ['Hello', ' world'] });
  });

  it('after a join moved it', () => {
    expect(bobUndoes(['Hello', 'world wide'], [1, 5, ' so'], join, true)).toEqual({ typed: ['Helloworld so wide'], undone: ['Helloworld wide'] });
  });

  it('after its paragraph was deleted whole (kept in a paragraph of its own, which goes with it)', () => {
    const deleteSecond = (s: EditorState) => s.tr.delete(at(s.doc, 1, -1), at(s.doc, 2, -1));
    expect(bobUndoes(['one', 'two', 'three'], [1, 1, 'X'], deleteSecond, true)).toEqual({ typed: ['one', 'X', 'three'], undone: ['one', 'three'] });
  });

  it('(without this, Ctrl+Z changed nothing)', () => {
    expect(bobUndoes(['Hello world'], [0, 8, 'X'], split, false).undone).toEqual(['Hello', ' woXrld']);
  });
});

/**
 * Bob types `text` into `block` at `offset` through his editor (an undo step), and Alice sees it before she
 * does `edit` (a join or split, written as copy and delete); then Bob presses Ctrl+Z.
 */
function bobUndoesAfterSeenMove(texts: string[], [block, offset, text]: [number, number, string], edit: (s: EditorState) => Transaction, follow: boolean) {
  const bob = new Y.Doc();
  const a = alice(...texts);
  Y.applyUpdate(bob, Y.encodeStateAsUpdate(a.ydoc));
  const undo = createUndoManager(bob.getXmlFragment('prosemirror'));
  const stop = follow ? undoFollowsMoves(bob, undo) : () => {};
  bob.transact(() => ((childAt(bob.getXmlFragment('prosemirror'), block) as Y.XmlElement).get(0) as Y.XmlText).insert(offset, text), ySyncPluginKey);
  Y.applyUpdate(a.ydoc, Y.encodeStateAsUpdate(bob, Y.encodeStateVector(a.ydoc)));
  a.resync();
  a.edit(edit);
  Y.applyUpdate(bob, Y.encodeStateAsUpdate(a.ydoc, Y.encodeStateVector(bob)));
  const moved = blocks(bob);
  undo.undo();
  stop();
  return { moved, undone: blocks(bob) };
}

describe('Ctrl+Z takes back text someone else moved after seeing it (undoFollowsMoves)', () => {
  const split = (s: EditorState) => s.tr.split(at(s.doc, 0, 5));
  const join = (s: EditorState) => s.tr.join(at(s.doc, 1, -1));

  it('after their join', () => {
    expect(bobUndoesAfterSeenMove(['Hello', 'world'], [1, 5, ' wide'], join, true)).toEqual({ moved: ['Helloworld wide'], undone: ['Helloworld'] });
  });

  it('after their Enter in the middle of it', () => {
    expect(bobUndoesAfterSeenMove(['Hello'], [0, 5, ' big world'], split, true)).toEqual({ moved: ['Hello', ' big world'], undone: ['Hello', ''] });
  });

  it('(without it, Ctrl+Z changed nothing)', () => {
    expect(bobUndoesAfterSeenMove(['Hello', 'world'], [1, 5, ' wide'], join, false).undone).toEqual(['Helloworld wide']);
  });
});

describe('undoFollowsMoves, with more than one step of mine in the moved text', () => {
  it('takes back only my last step after their heading moved both', () => {
    const a = alice('Plan');
    const bob = new Y.Doc();
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(a.ydoc));
    const undo = createUndoManager(bob.getXmlFragment('prosemirror'));
    const stop = undoFollowsMoves(bob, undo);
    const text = () => (childAt(bob.getXmlFragment('prosemirror'), 0) as Y.XmlElement).get(0) as Y.XmlText;
    bob.transact(() => text().insert(4, ' for'), ySyncPluginKey);
    undo.stopCapturing();
    bob.transact(() => text().insert(8, ' May'), ySyncPluginKey);
    Y.applyUpdate(a.ydoc, Y.encodeStateAsUpdate(bob, Y.encodeStateVector(a.ydoc)));
    a.resync();
    a.edit((s) => s.tr.setBlockType(at(s.doc, 0, 0), at(s.doc, 0, 0), s.schema.nodes.heading!, { level: 2 }));
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(a.ydoc, Y.encodeStateVector(bob)));
    expect(blocks(bob)).toEqual(['Plan for May']);
    undo.undo();
    expect(blocks(bob)).toEqual(['Plan for']);
    undo.undo();
    expect(blocks(bob)).toEqual(['Plan']);
    stop();
  });
});

describe('undoableWithTheOriginal, with words of two steps typed again together', () => {
  it('takes back only my last step after a join I had not seen', () => {
    const a = alice('Hello', 'world');
    const bob = new Y.Doc();
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(a.ydoc));
    const undo = createUndoManager(bob.getXmlFragment('prosemirror'));
    const text = () => (childAt(bob.getXmlFragment('prosemirror'), 1) as Y.XmlElement).get(0) as Y.XmlText;
    bob.transact(() => text().insert(5, ' for'), ySyncPluginKey);
    undo.stopCapturing();
    bob.transact(() => text().insert(9, ' May'), ySyncPluginKey);
    a.edit((s) => s.tr.join(at(s.doc, 1, -1)));
    const ownership = { own: (client: number) => client === bob.clientID, stored: () => 0 };
    let rescue = () => [] as ReturnType<typeof typeAgain>;
    bob.once('afterTransaction', (tr: Y.Transaction) => {
      const lost = lostInJoins(tr, ownership);
      rescue = () => (lost.length > 0 ? typeAgain(bob, lost) : []);
    });
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(a.ydoc, Y.encodeStateVector(bob)));
    const retyped = rescue();
    expect(blocks(bob)).toEqual(['Helloworld for May']);
    undoableWithTheOriginal(undo, retyped);
    undo.undo();
    expect(blocks(bob)).toEqual(['Helloworld for']);
    undo.undo();
    expect(blocks(bob)).toEqual(['Helloworld']);
  });
});
