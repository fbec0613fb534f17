import { COMMENTS, newCommentFields, quoteAnchors, readComments } from '@tandem/schema/comments';
import { FRAGMENT, schema } from '@tandem/schema/schema';
import type { Node } from 'prosemirror-model';
import { describe, expect, it } from 'vitest';
import { updateYFragment } from 'y-prosemirror';
import * as Y from 'yjs';
import { keepAnchorsThroughMoves } from './anchors-after-undo.js';

const p = (text: string) => schema.node('paragraph', null, [schema.text(text)]);
const page = (...blocks: Node[]) => schema.node('doc', null, blocks);
const EDITOR = Symbol('editor');
const edit = (ydoc: Y.Doc, doc: Node) =>
  ydoc.transact(() => updateYFragment(ydoc, ydoc.getXmlFragment(FRAGMENT), doc, { mapping: new Map(), isOMark: new Map() }), EDITOR);
const textOf = (ydoc: Y.Doc, i: number) => (ydoc.getXmlFragment(FRAGMENT).get(i) as Y.XmlElement).get(0) as Y.XmlText;
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** "Hello there" / "world wide", a comment on "wide" (its end at the end of the paragraph). */
function commented() {
  const doc = new Y.Doc();
  edit(doc, page(p('Hello there'), p('world wide')));
  const text = textOf(doc, 1);
  // As the editor makes them: the end goes with the character before it.
  const anchor = { start: Y.createRelativePositionFromTypeIndex(text, 6), end: Y.createRelativePositionFromTypeIndex(text, 10, -1) };
  const map = new Y.Map<unknown>();
  for (const [k, v] of Object.entries(newCommentFields({ body: 'note', anchor }))) map.set(k, v);
  doc.getMap(COMMENTS).set('c1', map);
  keepAnchorsThroughMoves(doc, EDITOR);
  return doc;
}

const quotes = (doc: Y.Doc) => quoteAnchors(doc, readComments(doc).map((c) => c.anchor)).map((q) => q.quote);

describe('comments on text this editor moves', () => {
  it('stay on it through a join', async () => {
    const doc = commented();
    expect(quotes(doc)).toEqual(['wide']);
    edit(doc, page(p('Hello thereworld wide')));
    await settle();
    expect(quotes(doc)).toEqual(['wide']);
  });

  it('stay on it when Enter earlier in its paragraph moves it to a new one', async () => {
    const doc = commented();
    edit(doc, page(p('Hello there'), p('world'), p(' wide')));
    await settle();
    expect(quotes(doc)).toEqual(['wide']);
    // And when Enter splits the commented text itself: the comment spans the break.
    edit(doc, page(p('Hello there'), p('world'), p(' wi'), p('de')));
    await settle();
    expect(quotes(doc)[0]?.replace(/\s+/g, '')).toBe('wide');
  });

  it('stay on it when its paragraph becomes a heading', async () => {
    const doc = commented();
    edit(doc, page(p('Hello there'), schema.node('heading', { level: 2 }, [schema.text('world wide')])));
    await settle();
    expect(quotes(doc)).toEqual(['wide']);
  });
});
