import { initProseMirrorDoc } from 'y-prosemirror';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { commentsOf, newCommentFields, placeComments, readComment, readComments, threadGone, threadsOf } from './comments.js';
import { FRAGMENT, schema } from './schema.js';

/** A document "Alpha beta gamma delta." with a comment on "beta gamma" and a reply to it. */
function discussed() {
  const doc = new Y.Doc();
  const paragraph = new Y.XmlElement('paragraph');
  const text = new Y.XmlText('Alpha beta gamma delta.');
  paragraph.insert(0, [text]);
  doc.getXmlFragment(FRAGMENT).insert(0, [paragraph]);
  const anchor = { start: Y.createRelativePositionFromTypeIndex(text, 6), end: Y.createRelativePositionFromTypeIndex(text, 16) };
  const put = (id: string, fields: Record<string, unknown>) => {
    const map = new Y.Map<unknown>();
    for (const [key, value] of Object.entries(fields)) map.set(key, value);
    commentsOf(doc).set(id, map);
  };
  put('first', newCommentFields({ body: 'First comment', anchor }));
  put('reply', newCommentFields({ body: 'Bob reply', parent: 'first' }));
  const remove = (id: string) => {
    const map = commentsOf(doc).get(id)!;
    doc.transact(() => {
      map.set('deleted', true);
      map.set('body', '');
    });
  };
  return { doc, remove };
}

const quoteOf = (doc: Y.Doc, id: string) => {
  const placed = placeComments(doc).get(id);
  return placed === undefined ? undefined : initProseMirrorDoc(doc.getXmlFragment(FRAGMENT), schema).doc.textBetween(placed.from, placed.to);
};

describe('a thread whose first comment was deleted', () => {
  it('keeps its place in the text while a reply stands, and loses it once every comment is deleted', () => {
    const { doc, remove } = discussed();
    expect(quoteOf(doc, 'first')).toBe('beta gamma');
    remove('first');
    expect(threadGone(threadsOf(readComments(doc))[0]!)).toBe(false);
    expect(quoteOf(doc, 'first')).toBe('beta gamma'); // before: no place, the thread shown as if its text were deleted
    remove('reply');
    expect(threadGone(threadsOf(readComments(doc))[0]!)).toBe(true);
    expect(quoteOf(doc, 'first')).toBeUndefined();
  });
});

describe('a comment stored with a time a Date cannot hold', () => {
  it('is read with none (createdAt 0, no resolvedAt), so that it can be shown and listed', () => {
    const doc = new Y.Doc();
    const map = new Y.Map<unknown>();
    for (const [key, value] of Object.entries({ ...newCommentFields({ body: 'bad times' }), createdAt: 1e300, resolvedAt: Number.NaN })) map.set(key, value);
    commentsOf(doc).set('bad', map);
    const read = readComment('bad', commentsOf(doc).get('bad'));
    expect(read).toMatchObject({ createdAt: 0, resolvedAt: undefined });
    expect(() => new Date(read!.createdAt).toISOString()).not.toThrow();
  });
});

