import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { caretBeforeInsertions } from './caret-before-insertions.js';

/** A paragraph's text node holding `text` on this page, and the other person's copy of it. */
function pages(text: string) {
  const mine = new Y.Doc();
  const node = new Y.XmlText(text);
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [node]);
  mine.getXmlFragment('prosemirror').insert(0, [paragraph]);
  const theirs = new Y.Doc();
  Y.applyUpdate(theirs, Y.encodeStateAsUpdate(mine));
  const theirNode = (theirs.getXmlFragment('prosemirror').get(0) as Y.XmlElement).get(0) as Y.XmlText;
  return { mine, node, theirNode, theirs };
}

/** Where `pos` stands in `node` after the other person's `change` reaches this page, kept as the editor keeps its caret. */
function caretAfter(text: string, index: number, change: (theirs: Y.XmlText) => void): number {
  const { mine, node, theirNode, theirs } = pages(text);
  const caret = Y.createRelativePositionFromTypeIndex(node, index); // as y-prosemirror keeps it: tied to the character after
  let kept = caret;
  mine.on('beforeObserverCalls', (tr: Y.Transaction) => (kept = caretBeforeInsertions(tr, kept)));
  change(theirNode);
  Y.applyUpdate(mine, Y.encodeStateAsUpdate(theirs, Y.encodeStateVector(mine)), 'remote');
  return Y.createAbsolutePositionFromRelativePosition(kept, mine)!.index;
}

describe("the caret and the other person's text inserted right at it", () => {
  it('stays before it, in a sentence and at the end of a line (y-prosemirror alone put it after)', () => {
    expect(caretAfter('The fox', 4, (t) => t.insert(4, 'red '))).toBe(4);
    expect(caretAfter('The fox', 7, (t) => t.insert(7, ' jumps'))).toBe(7);
    expect(caretAfter('The fox', 0, (t) => t.insert(0, 'See: '))).toBe(0);
  });

  it('moves with text inserted elsewhere, and is left alone when the character before it went', () => {
    expect(caretAfter('The fox', 4, (t) => t.insert(0, 'See: '))).toBe(9);
    expect(caretAfter('The fox', 4, (t) => t.insert(6, 'o'))).toBe(4);
    // The space before the caret deleted and text typed in its place: placed as y-prosemirror would.
    expect(caretAfter('The fox', 4, (t) => (t.delete(3, 1), t.insert(3, '_')))).toBe(4);
  });
});
