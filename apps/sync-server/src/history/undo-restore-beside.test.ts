// "Undo restore" puts the text back where the restored text was, beside what others typed since: typed at
// the start of the restored text, it used to come out inside the text brought back ("Brand new textA-prefix .").
import { FRAGMENT, schema } from '@tandem/schema';
import type { Node } from 'prosemirror-model';
import { describe, expect, it } from 'vitest';
import { updateYFragment, yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import * as Y from 'yjs';
import { restoreUpdate, undoRestoreUpdate } from './restore.js';

const editTo = (ydoc: Y.Doc, node: Node) => ydoc.transact(() => updateYFragment(ydoc, ydoc.getXmlFragment(FRAGMENT), node, { mapping: new Map(), isOMark: new Map() }));
const para = (...parts: Array<string | [string, 'strong']>) =>
  schema.node('paragraph', null, parts.filter((x) => x !== '').map((x) => (typeof x === 'string' ? schema.text(x) : schema.text(x[0], [schema.marks[x[1]]!.create()]))));
const doc = (...paras: Node[]) => schema.node('doc', null, paras);
const read = (ydoc: Y.Doc) => {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(ydoc));
  return yXmlFragmentToProseMirrorRootNode(copy.getXmlFragment(FRAGMENT), schema);
};

/**
 * A document written `first`, then `replaced` (as the editor writes a Select all and typing), then restored
 * to `first`; someone edits it to `since`; then the restore is undone. Returns the document after the undo.
 */
function undoAfter(first: Node, replaced: Node[], since: Node | Node[] | ((live: Y.Doc) => void)): Node {
  const live = new Y.Doc();
  editTo(live, first);
  const version = new Y.Doc();
  Y.applyUpdate(version, Y.encodeStateAsUpdate(live));
  for (const step of replaced) editTo(live, step);
  const beforeState = Y.encodeStateAsUpdate(live);
  const update = restoreUpdate(beforeState, version);
  Y.applyUpdate(live, update);
  expect(read(live).eq(first)).toBe(true);
  if (typeof since === 'function') since(live);
  else for (const step of Array.isArray(since) ? since : [since]) editTo(live, step);
  const before = new Y.Doc({ gc: false });
  Y.applyUpdate(before, beforeState);
  Y.applyUpdate(live, undoRestoreUpdate(before, update, Y.encodeStateAsUpdate(live)));
  return read(live);
}

describe('undo of a restore, with text typed since', () => {
  const old = doc(para('Old paragraph one.'));
  const replaced = [doc(para('B')), doc(para('Brand new text.'))];

  it('typed at the start of the restored text: the text brought back goes after it', () => {
    expect(undoAfter(old, replaced, doc(para('A-prefix Old paragraph one.'))).textContent).toBe('A-prefix Brand new text.');
  });

  it('typed at the end, or in a paragraph of its own: as before', () => {
    expect(undoAfter(old, replaced, doc(para('Old paragraph one. A-suffix'))).textContent).toBe('Brand new text. A-suffix');
    const r = undoAfter(old, replaced, doc(para('Old paragraph one.'), para('A new paragraph.')));
    expect(r.childCount).toBe(2);
    expect(r.child(0).textContent).toBe('Brand new text.');
    expect(r.child(1).textContent).toBe('A new paragraph.');
  });

  it('typed at the start and at the end of the restored text: the text brought back between them', () => {
    // Typed as an editor types it: the start, then the end ("!" in place of the full stop).
    expect(undoAfter(old, replaced, [doc(para('A-prefix Old paragraph one.')), doc(para('A-prefix Old paragraph one!'))]).textContent).toBe('A-prefix Brand new text!');
  });

  it('typed over the first word of the restored text: the text brought back goes after the typing', () => {
    // As the editor types over a selection: "Old " deleted, "A-prefix " inserted at its place (from a review).
    const typedOver = (live: Y.Doc) => {
      const text = (live.getXmlFragment(FRAGMENT).get(0) as Y.XmlElement).get(0) as Y.XmlText;
      live.transact(() => {
        text.delete(0, 4);
        text.insert(0, 'A-prefix ');
      });
    };
    expect(undoAfter(old, replaced, typedOver).textContent).toBe('A-prefix Brand new text.');
  });

  it('the text brought back keeps its formatting', () => {
    const r = undoAfter(old, [doc(para('B')), doc(para('Brand ', ['new', 'strong'], ' text.'))], doc(para('A-prefix Old paragraph one.')));
    expect(r.eq(doc(para('A-prefix Brand ', ['new', 'strong'], ' text.')))).toBe(true);
  });

  it('in the second of two paragraphs, the first untouched', () => {
    const r = undoAfter(doc(para('Keep.'), para('Old two.')), [doc(para('Keep.'), para('N')), doc(para('Keep.'), para('New two.'))], doc(para('Keep.'), para('Hey Old two.')));
    expect(r.eq(doc(para('Keep.'), para('Hey New two.')))).toBe(true);
  });
});
