import type { EditorState } from 'prosemirror-state';
import { ySyncPluginKey } from 'y-prosemirror';
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { deleteRepeats, OwnMoves } from './double-move.js';
import { at, meet, type Person, person as editor } from './test-editors.js';

/** A person's editor on a copy of `from` (or a new document of `texts`), watching moves as the page does. */
const person = (from: Y.Doc | string[]) =>
  editor(from, (ydoc) => {
    const moves = new OwnMoves(ydoc);
    return (tr) => {
      if (tr.local && tr.origin === ySyncPluginKey) moves.record(tr);
      // As the page does (join-rescue.ts): by text, and by the moves the others noted (which decide for every
      // character a noted move copied).
      const repeats = [...moves.repeats(tr), ...moves.repeatsOfNoted(tr)];
      return repeats.length === 0 ? undefined : () => deleteRepeats(ydoc, repeats, 'rescue');
    };
  });

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
