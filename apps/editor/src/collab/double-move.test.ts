import type { Node } from 'prosemirror-model';
import { EditorState, type Transaction } from 'prosemirror-state';
import { updateYFragment, yXmlFragmentToProseMirrorRootNode, ySyncPluginKey } from 'y-prosemirror';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { schema } from '../schema.js';
import { deleteRepeats, OwnMoves } from './double-move.js';
import { updateChangedBlocks } from './narrow-sync.js';

const { nodes } = schema;
const p = (text: string) => nodes.paragraph!.create(null, text === '' ? [] : [schema.text(text)]);
const at = (doc: Node, block: number, offset: number) => doc.resolve(0).posAtIndex(block, 0) + 1 + offset;
const blocks = (doc: Y.Doc) => yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment('prosemirror'), schema).content.content.map((b) => b.textContent);

/** A person's editor on a copy of `from` (or a new document of `texts`), watching moves as the page does. */
function person(from: Y.Doc | string[]) {
  const ydoc = new Y.Doc();
  const type = ydoc.getXmlFragment('prosemirror');
  if (Array.isArray(from)) updateYFragment(ydoc, type, nodes.doc!.create(null, from.map(p)), { type, doc: ydoc, mapping: new Map(), isOMark: new Map() } as never);
  else Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(from));
  const moves = new OwnMoves(ydoc);
  let pending: ReturnType<OwnMoves['repeats']> = [];
  ydoc.on('afterTransaction', (tr: Y.Transaction) => {
    if (tr.local && tr.origin === ySyncPluginKey) moves.record(tr);
    pending = [...pending, ...moves.repeats(tr)];
  });
  return {
    ydoc,
    edit(change: (s: EditorState) => Transaction) {
      const binding = { type, doc: ydoc, mapping: new Map(), isOMark: new Map() };
      const state = EditorState.create({ schema, doc: yXmlFragmentToProseMirrorRootNode(type, schema) });
      updateYFragment(ydoc, type, state.doc, binding); // binds the mapping; changes nothing
      const next = state.apply(change(state));
      ydoc.transact(() => expect(updateChangedBlocks(binding, state.doc, next.doc)).toBe(true), ySyncPluginKey);
    },
    /** Gets what `other` has (its editor deleting what repeats its own moves, as the page does after the change). */
    receive(other: { ydoc: Y.Doc }) {
      Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(other.ydoc, Y.encodeStateVector(ydoc)));
      const repeats = pending;
      pending = [];
      if (repeats.length > 0) deleteRepeats(ydoc, repeats, 'rescue');
    },
  };
}

type Person = ReturnType<typeof person>;
/** Everyone gets everything, in the order given, until nothing changes; all hold the same. */
function meet(order: Array<[Person, Person]>): string[] {
  for (let round = 0; round < 3; round++) for (const [to, from] of order) to.receive(from);
  const result = blocks(order[0]![0].ydoc);
  for (const [to] of order) expect(blocks(to.ydoc)).toEqual(result);
  return result;
}

describe('two people moving the same text at once do not repeat it', () => {
  const enterAt = (offset: number) => (s: EditorState) => s.tr.split(at(s.doc, 0, offset));

  it.each([
    ['the earlier Enter arrives first', true],
    ['the later Enter arrives first', false],
  ])('two Enters in one paragraph (%s)', (_, aliceFirst) => {
    const alice = person(['one two three']);
    const bob = person(alice.ydoc);
    alice.edit(enterAt(3));
    bob.edit(enterAt(7));
    const order: Array<[Person, Person]> = aliceFirst ? [[bob, alice], [alice, bob]] : [[alice, bob], [bob, alice]];
    // The words stay where the earlier Enter put them; the later Enter's paragraph break is dropped.
    expect(meet(order)).toEqual(['one', ' two three']);
  });

  it('what the later Enter\'s person typed into their new paragraph stays', () => {
    const alice = person(['one two three']);
    const bob = person(alice.ydoc);
    alice.edit(enterAt(3));
    bob.edit(enterAt(7));
    bob.edit((s) => s.tr.insertText('!', at(s.doc, 1, 6)));
    // Bob's paragraph keeps the "!" (the two new paragraphs went to one place at once: either order).
    const result = meet([[bob, alice], [alice, bob]]);
    expect(result.filter((b) => b !== '!')).toEqual(['one', ' two three']);
    expect(result).toContain('!');
  });

  it('a join and an Enter in the joined paragraph', () => {
    const alice = person(['Hello', 'world wide']);
    const bob = person(alice.ydoc);
    alice.edit((s) => s.tr.join(at(s.doc, 1, -1)));
    bob.edit((s) => s.tr.split(at(s.doc, 1, 5)));
    expect(meet([[bob, alice], [alice, bob]])).toEqual(['Helloworld wide']);
  });

  it('someone who saw neither move first gets the same', () => {
    const alice = person(['one two three']);
    const bob = person(alice.ydoc);
    const carol = person(alice.ydoc);
    alice.edit(enterAt(3));
    bob.edit(enterAt(7));
    carol.receive(alice);
    carol.receive(bob);
    expect(meet([[bob, alice], [alice, bob], [carol, bob], [carol, alice], [alice, carol], [bob, carol]])).toEqual(['one', ' two three']);
  });

  it('text deleted before, brought back by someone else\'s move (a restore), stays', () => {
    const alice = person(['one two three']);
    const bob = person(alice.ydoc);
    bob.edit((s) => s.tr.delete(at(s.doc, 0, 7), at(s.doc, 0, 13))); // Bob deletes " three" (not a move)
    alice.edit((s) => s.tr.split(at(s.doc, 0, 3))); // Alice, not having seen it, moves " two three"
    expect(meet([[bob, alice], [alice, bob]])).toEqual(['one', ' two three']);
  });

  it('a move of text this page moved and others have seen since is left alone', () => {
    const alice = person(['one two three']);
    const bob = person(alice.ydoc);
    bob.edit(enterAt(7));
    alice.receive(bob);
    // Alice, having seen Bob's Enter, joins the paragraphs again: no repeat, nothing deleted.
    alice.edit((s) => s.tr.join(at(s.doc, 1, -1)));
    expect(meet([[bob, alice], [alice, bob]])).toEqual(['one two three']);
  });
});
