import { type Transaction } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { schema } from '../schema.js';
import { followMove } from './moved-text.js';
import { childAt } from './relative-position.js';
import { alice, at } from './test-editors.js';

const { nodes } = schema;


/** Bob's copy of Alice's document; `caret` is a position in text node `block` at `offset`. */
function bob(a: ReturnType<typeof alice>, [block, offset]: [number, number]) {
  const ydoc = new Y.Doc();
  Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(a.ydoc));
  const text = (childAt(ydoc.getXmlFragment('prosemirror'), block) as Y.XmlElement).get(0) as Y.XmlText;
  const caret = Y.createRelativePositionFromTypeIndex(text, offset);
  return {
    ydoc,
    /** Applies what Alice did since; returns where the caret is after it, followed and not: [block, offset]. */
    receive(): { followed: [number, number]; unfollowed: [number, number] } {
      let followed: Y.RelativePosition | undefined;
      ydoc.once('beforeObserverCalls', (tr: Y.Transaction) => (followed = followMove(tr, caret)));
      Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(a.ydoc, Y.encodeStateVector(ydoc)));
      return { followed: place(followed!), unfollowed: place(caret) };
    },
  };
  function place(pos: Y.RelativePosition): [number, number] {
    const abs = Y.createAbsolutePositionFromRelativePosition(pos, ydoc);
    if (abs === null) return [-1, -1]; // in a deleted paragraph
    const fragment = ydoc.getXmlFragment('prosemirror');
    for (let i = 0; i < fragment.length; i++) if ((fragment.get(i) as Y.XmlElement).get(0) === abs.type) return [i, abs.index];
    return [-1, abs.index];
  }
}

describe('followMove: a caret before text someone else moved goes with it', () => {
  it('Enter earlier in the paragraph: the caret goes to the new paragraph, before the same character', () => {
    const a = alice('Hello world');
    const b = bob(a, [0, 8]); // Hello wo|rld
    a.edit((s) => s.tr.split(at(s.doc, 0, 5)));
    expect(b.receive()).toEqual({ followed: [1, 3], unfollowed: [0, 5] });
  });

  it('Enter earlier in the paragraph, the caret at its end: the end of the new paragraph', () => {
    const a = alice('Hello world');
    const b = bob(a, [0, 11]);
    a.edit((s) => s.tr.split(at(s.doc, 0, 5)));
    expect(b.receive()).toEqual({ followed: [1, 6], unfollowed: [0, 5] });
  });

  it('Enter later in the paragraph: the caret stays', () => {
    const a = alice('Hello world');
    const b = bob(a, [0, 3]);
    a.edit((s) => s.tr.split(at(s.doc, 0, 5)));
    expect(b.receive()).toEqual({ followed: [0, 3], unfollowed: [0, 3] });
  });

  it('a join: the caret in the second paragraph goes into the joined one', () => {
    const a = alice('Hello', 'world wide');
    const b = bob(a, [1, 6]); // world |wide
    a.edit((s) => s.tr.join(at(s.doc, 1, -1)));
    expect(b.receive()).toEqual({ followed: [0, 11], unfollowed: [-1, -1] });
  });

  it('a join, the caret at the second paragraph\'s end: the joined paragraph\'s end', () => {
    const a = alice('Hello', 'world');
    const b = bob(a, [1, 5]);
    a.edit((s) => s.tr.join(at(s.doc, 1, -1)));
    expect(b.receive().followed).toEqual([0, 10]);
  });

  it('a paragraph made a heading: the caret goes into the heading', () => {
    const a = alice('one', 'Title here');
    const b = bob(a, [1, 5]);
    a.edit((s) => s.tr.setBlockType(at(s.doc, 1, 0), at(s.doc, 1, 0), nodes.heading!, { level: 1 }));
    expect(b.receive().followed).toEqual([1, 5]);
  });

  it('text deleted, not moved: the caret is left alone', () => {
    const a = alice('Hello world');
    const b = bob(a, [0, 8]);
    a.edit((s) => s.tr.delete(at(s.doc, 0, 5), at(s.doc, 0, 11)));
    expect(b.receive()).toEqual({ followed: [0, 5], unfollowed: [0, 5] });
  });
});
