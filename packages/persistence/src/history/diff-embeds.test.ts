// Images, horizontal rules and line breaks in diffs: a leaf node inserted, deleted or kept is a run of its
// own (one object replacement character, `node` naming it), credited like text. Before, a diff walked text
// only: an image someone deleted between two versions showed as no change at all.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import { referenceDiff } from '../testing/diff-reference.js';
import { Scenario } from '../testing/scenario.js';
import type { DocumentStore } from '../types.js';
import { diffVersions, EMBED } from './diff.js';

const fragment = (doc: Y.Doc) => doc.getXmlFragment('prosemirror');

/** A paragraph holding `parts`: strings become text, other names leaf elements. */
function paragraph(...parts: Array<string | { node: string }>): Y.XmlElement {
  const p = new Y.XmlElement('paragraph');
  p.insert(
    0,
    parts.map((part) => {
      if (typeof part === 'string') return new Y.XmlText(part);
      const leaf = new Y.XmlElement(part.node);
      if (part.node === 'image') leaf.setAttribute('src', 'https://example.com/a.png');
      return leaf;
    }),
  );
  return p;
}

const IMAGE = { node: 'image' };

describe('images, rules and line breaks in a diff', () => {
  let dataDir: string;
  let store: DocumentStore;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-embed-'));
    store = openSqliteStore({ dataDir });
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const both = [['near', {}], ['far', { nearUpdates: 0 }]] as const;

  it.each(both)('shows an image inserted, credited to who inserted it, and kept ones as kept (%s)', async (_, options) => {
    const s = new Scenario(store, 'doc', ['alice', 'bob']);
    const from = await s.editDoc('alice', (d) => fragment(d).insert(0, [paragraph('Hello ', IMAGE, ' world')]));
    const to = await s.editDoc('bob', (d) => (fragment(d).get(0) as Y.XmlElement).insert(1, [new Y.XmlElement('image')]));
    const diff = await diffVersions(store, 'doc', from, to, options);
    expect(diff.segments).toEqual([
      { type: 'keep', text: 'Hello ' },
      { type: 'insert', text: EMBED, author: 'bob', node: 'image' },
      { type: 'keep', text: EMBED, node: 'image' },
      { type: 'keep', text: ' world' },
    ]);
    expect(diff.changes).toEqual([{ type: 'insert', text: EMBED, author: 'bob', node: 'image' }]);
    expect(diff.authors).toEqual([{ author: 'bob', inserted: 1, deleted: 0 }]);
    expect(await referenceDiff(store, 'doc', from, to)).toEqual(diff);
  });

  it.each(both)('shows an image deleted where it was, credited to who deleted it (%s)', async (_, options) => {
    const s = new Scenario(store, 'doc', ['alice', 'bob']);
    const from = await s.editDoc('alice', (d) => fragment(d).insert(0, [paragraph('See ', IMAGE, 'here')]));
    const to = await s.editDoc('bob', (d) => (fragment(d).get(0) as Y.XmlElement).delete(1, 1));
    const diff = await diffVersions(store, 'doc', from, to, options);
    expect(diff.segments).toEqual([
      { type: 'keep', text: 'See ' },
      { type: 'delete', text: EMBED, author: 'bob', node: 'image' },
      { type: 'keep', text: 'here' },
    ]);
    expect(await referenceDiff(store, 'doc', from, to)).toEqual(diff);
  });

  it.each(both)('two images side by side stay two runs; a rule and a line break are named (%s)', async (_, options) => {
    const s = new Scenario(store, 'doc', ['alice', 'bob']);
    const from = await s.editDoc('alice', (d) => fragment(d).insert(0, [paragraph('a'), paragraph('b')]));
    const to = await s.editDoc('bob', (d) => {
      fragment(d).insert(1, [new Y.XmlElement('horizontal_rule')]);
      (fragment(d).get(0) as Y.XmlElement).insert(1, [new Y.XmlElement('image'), new Y.XmlElement('image'), new Y.XmlElement('hard_break'), new Y.XmlText('c')]);
    });
    const diff = await diffVersions(store, 'doc', from, to, options);
    expect(diff.segments).toEqual([
      { type: 'keep', text: 'a' },
      { type: 'insert', text: EMBED, author: 'bob', node: 'image' },
      { type: 'insert', text: EMBED, author: 'bob', node: 'image' },
      { type: 'insert', text: EMBED, author: 'bob', node: 'hard_break' },
      { type: 'insert', text: 'c', author: 'bob' },
      { type: 'insert', text: EMBED, author: 'bob', node: 'horizontal_rule' },
      { type: 'keep', text: 'b' },
    ]);
    expect(await referenceDiff(store, 'doc', from, to)).toEqual(diff);
  });

  it.each(both)('a paragraph deleted whole shows its image deleted with its text; an empty paragraph is no image (%s)', async (_, options) => {
    const s = new Scenario(store, 'doc', ['alice', 'bob']);
    const from = await s.editDoc('alice', (d) => fragment(d).insert(0, [paragraph('x', IMAGE, 'y'), new Y.XmlElement('paragraph'), paragraph('z')]));
    const to = await s.editDoc('bob', (d) => fragment(d).delete(0, 2));
    const diff = await diffVersions(store, 'doc', from, to, options);
    expect(diff.segments).toEqual([
      { type: 'delete', text: 'x', author: 'bob' },
      { type: 'delete', text: EMBED, author: 'bob', node: 'image' },
      { type: 'delete', text: 'y', author: 'bob' },
      { type: 'keep', text: 'z' },
    ]);
    expect(await referenceDiff(store, 'doc', from, to)).toEqual(diff);
  });
});
