// Node attributes in diffs: a heading's level, a task ticked, an image's address. y-prosemirror changes a
// node's attributes in place (Y.XmlElement attributes), so a diff that walked text and marks only showed
// "no change" between versions that differ. The kept text of a changed block is a format run whose
// `formats` name the attribute as `<node>.<attribute>`; a changed image is a format run with `node`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import { referenceDiff } from '../testing/diff-reference.js';
import { element, Scenario } from '../testing/scenario.js';
import type { DocumentStore } from '../types.js';
import { diffVersions, EMBED } from './diff.js';

const fragment = (doc: Y.Doc) => doc.getXmlFragment('prosemirror');
const block = (doc: Y.Doc, i: number) => fragment(doc).get(i) as Y.XmlElement;

const text = (s: string) => new Y.XmlText(s);

describe('node attributes changed between versions', () => {
  let dataDir: string;
  let store: DocumentStore;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-attrs-'));
    store = openSqliteStore({ dataDir });
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const both = [['near', {}], ['far', { nearUpdates: 0 }]] as const;

  it.each(both)("a heading's level changed: its text is a format run, credited to who changed it (%s)", async (_, options) => {
    const s = new Scenario(store, 'doc', ['alice', 'bob']);
    const from = await s.editDoc('alice', (d) => fragment(d).insert(0, [element('heading', { level: 1 }, text('Intro')), element('paragraph', {}, text('Body'))]));
    const to = await s.editDoc('bob', (d) => block(d, 0).setAttribute('level', 2 as unknown as string));
    const diff = await diffVersions(store, 'doc', from, to, options);
    expect(diff.segments).toEqual([
      { type: 'format', text: 'Intro', author: 'bob', formats: { 'heading.level': 2 } },
      { type: 'keep', text: 'Body' },
    ]);
    expect(diff.changes).toEqual([{ type: 'format', text: 'Intro', author: 'bob', formats: { 'heading.level': 2 } }]);
    expect(await referenceDiff(store, 'doc', from, to)).toEqual(diff);
  });

  it.each(both)('a task ticked shows on the text of its paragraph, with a mark changed on the same words (%s)', async (_, options) => {
    const s = new Scenario(store, 'doc', ['alice', 'bob']);
    const from = await s.editDoc('alice', (d) =>
      fragment(d).insert(0, [element('task_list', {}, element('task_item', { checked: false }, element('paragraph', {}, text('Buy milk'))))]),
    );
    await s.editDoc('bob', (d) => ((block(d, 0).get(0) as Y.XmlElement).setAttribute('checked', true as unknown as string)));
    const to = await s.editDoc('alice', (d) => (((block(d, 0).get(0) as Y.XmlElement).get(0) as Y.XmlElement).get(0) as Y.XmlText).format(0, 3, { strong: {} }));
    const diff = await diffVersions(store, 'doc', from, to, options);
    expect(diff.segments).toEqual([
      { type: 'format', text: 'Buy', author: 'alice', formats: { strong: {}, 'task_item.checked': true }, by: { strong: 'alice', 'task_item.checked': 'bob' } },
      { type: 'format', text: ' milk', author: 'bob', formats: { 'task_item.checked': true } },
    ]);
    expect(await referenceDiff(store, 'doc', from, to)).toEqual(diff);
  });

  it.each(both)("an image's address changed: a format run of its own; changed and changed back: no change (%s)", async (_, options) => {
    const s = new Scenario(store, 'doc', ['alice', 'bob']);
    const from = await s.editDoc('alice', (d) =>
      fragment(d).insert(0, [element('paragraph', {}, text('a'), element('image', { src: 'a.png', alt: 'A' }), element('image', { src: 'b.png' }))]),
    );
    await s.editDoc('bob', (d) => {
      (block(d, 0).get(1) as Y.XmlElement).setAttribute('src', 'c.png');
      (block(d, 0).get(2) as Y.XmlElement).setAttribute('src', 'x.png');
    });
    const to = await s.editDoc('alice', (d) => {
      (block(d, 0).get(1) as Y.XmlElement).removeAttribute('alt');
      (block(d, 0).get(2) as Y.XmlElement).setAttribute('src', 'b.png');
    });
    const diff = await diffVersions(store, 'doc', from, to, options);
    expect(diff.segments).toEqual([
      { type: 'keep', text: 'a' },
      { type: 'format', text: EMBED, author: 'alice', node: 'image', formats: { 'image.alt': null, 'image.src': 'c.png' }, by: { 'image.alt': 'alice', 'image.src': 'bob' } },
      { type: 'keep', text: EMBED, node: 'image' },
    ]);
    expect(await referenceDiff(store, 'doc', from, to)).toEqual(diff);
  });

  it.each(both)('an attribute set on a block made since is no change of a kept block: its text is inserted (%s)', async (_, options) => {
    const s = new Scenario(store, 'doc', ['alice', 'bob']);
    const from = await s.editDoc('alice', (d) => fragment(d).insert(0, [element('paragraph', {}, text('a'))]));
    const to = await s.editDoc('bob', (d) => fragment(d).insert(1, [element('heading', { level: 3 }, text('New'))]));
    const diff = await diffVersions(store, 'doc', from, to, options);
    expect(diff.segments).toEqual([
      { type: 'keep', text: 'a' },
      { type: 'insert', text: 'New', author: 'bob' },
    ]);
    expect(await referenceDiff(store, 'doc', from, to)).toEqual(diff);
  });
});
