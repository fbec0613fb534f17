// Diffs where people edited at the same time (messages held back): a value two people set at once, text
// typed into a block someone deleted unseen, nested lists and sub-tasks whose own values differ from their
// parent's. Found by a review; each against the replay oracle.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import { referenceDiff } from '../testing/diff-reference.js';
import { element, HeldBack } from '../testing/scenario.js';
import type { DocumentStore } from '../types.js';
import { diffVersions } from './diff.js';

const frag = (d: Y.Doc) => d.getXmlFragment('prosemirror');
const el = element;
const t = (s: string) => new Y.XmlText(s);
const People = HeldBack;

describe('diffs of concurrent edits, and of nodes inside nodes of their kind', () => {
  let dataDir: string;
  let store: DocumentStore;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-review-'));
    store = openSqliteStore({ dataDir });
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const both = [['near', {}], ['far', { nearUpdates: 0 }]] as const;

  it.each(both)('nested lists: the inner and the outer ordered list renumbered by two people, `by` names who set the value shown (%s)', async (_, options) => {
    const p = new People(store, 'doc', ['alice', 'bob']);
    const from = await p.edit('alice', (d) =>
      frag(d).insert(0, [el('ordered_list', { order: 1 }, el('list_item', {}, el('paragraph', {}, t('one')), el('ordered_list', { order: 1 }, el('list_item', {}, el('paragraph', {}, t('two'))))))]),
    );
    p.sync();
    await p.edit('alice', (d) => (frag(d).get(0) as Y.XmlElement).setAttribute('order', 3 as unknown as string));
    p.sync();
    const to = await p.edit('bob', (d) => (((frag(d).get(0) as Y.XmlElement).get(0) as Y.XmlElement).get(1) as Y.XmlElement).setAttribute('order', 5 as unknown as string));
    const diff = await diffVersions(store, 'doc', from, to, options);
    const two = diff.segments.find((s) => s.text === 'two')!;
    // The value shown (5) is bob's, and he is named as its changer.
    expect(two).toMatchObject({ type: 'format', formats: { 'ordered_list.order': 5 } });
    expect(two.by?.['ordered_list.order'] ?? two.author).toBe('bob');
    expect(await referenceDiff(store, 'doc', from, to)).toEqual(diff);
  });

  it.each(both)('a sub-task under a task ticked is not itself shown as ticked (%s)', async (_, options) => {
    const p = new People(store, 'doc', ['alice']);
    const from = await p.edit('alice', (d) =>
      frag(d).insert(0, [
        el('task_list', {}, el('task_item', { checked: false }, el('paragraph', {}, t('parent')), el('task_list', {}, el('task_item', { checked: false }, el('paragraph', {}, t('child')))))),
      ]),
    );
    const to = await p.edit('alice', (d) => ((frag(d).get(0) as Y.XmlElement).get(0) as Y.XmlElement).setAttribute('checked', true as unknown as string));
    const diff = await diffVersions(store, 'doc', from, to, options);
    // 'child' is still unticked: its text is kept, not "ticked".
    expect(diff.segments).toEqual([{ type: 'format', text: 'parent', author: 'alice', formats: { 'task_item.checked': true } }, { type: 'keep', text: 'child' }]);
    expect(await referenceDiff(store, 'doc', from, to)).toEqual(diff);
  });

  it.each(both)('text typed before `from` into a block deleted since by someone who had not seen it: credited to who deleted the block (%s)', async (_, options) => {
    const p = new People(store, 'doc', ['alice', 'bob']);
    await p.edit('alice', (d) => frag(d).insert(0, [el('paragraph', {}, t('keep')), el('paragraph', {}, t('xy'))]));
    p.sync();
    const from = await p.edit('bob', (d) => ((frag(d).get(1) as Y.XmlElement).get(0) as Y.XmlText).insert(2, 'z'));
    // alice has not seen bob's z when she deletes the paragraph
    const to = await p.edit('alice', (d) => frag(d).delete(1, 1));
    const diff = await diffVersions(store, 'doc', from, to, options);
    expect(diff.changes).toEqual([{ type: 'delete', text: 'xyz', author: 'alice' }]);
    expect(await referenceDiff(store, 'doc', from, to)).toEqual(diff);
  });

  // Concurrent setAttribute: the loser is deleted when the winner is integrated, in no update's delete set.
  async function concurrentLevels(p: People) {
    p.docs.get('alice')!.clientID = 1;
    p.docs.get('bob')!.clientID = 2; // bob's value wins (higher client id: to the right)
    await p.edit('alice', (d) => frag(d).insert(0, [el('heading', { level: 1 }, t('Intro'))]));
    p.sync();
    const from = await p.edit('alice', (d) => (frag(d).get(0) as Y.XmlElement).setAttribute('level', 2 as unknown as string));
    // bob has not seen alice's level 2
    const mid = await p.edit('bob', (d) => (frag(d).get(0) as Y.XmlElement).setAttribute('level', 3 as unknown as string));
    return { from, mid };
  }

  it.each(both)('a level set concurrently over one shown at `from`: credited to who set it, not unknown (%s)', async (_, options) => {
    const p = new People(store, 'doc', ['alice', 'bob']);
    const { from, mid: to } = await concurrentLevels(p);
    const diff = await diffVersions(store, 'doc', from, to, options);
    expect(diff.segments).toEqual([{ type: 'format', text: 'Intro', author: 'bob', formats: { 'heading.level': 3 } }]);
    expect(await referenceDiff(store, 'doc', from, to)).toEqual(diff);
  });

  it.each(both)('a level set concurrently over one shown at `from`, then removed: shows as removed (%s)', async (_, options) => {
    const p = new People(store, 'doc', ['alice', 'bob']);
    const { from } = await concurrentLevels(p);
    p.sync();
    const to = await p.edit('bob', (d) => (frag(d).get(0) as Y.XmlElement).removeAttribute('level'));
    expect((await referenceDiff(store, 'doc', from, to)).segments).toEqual([{ type: 'format', text: 'Intro', author: 'bob', formats: { 'heading.level': null } }]);
    const diff = await diffVersions(store, 'doc', from, to, options);
    expect(diff.segments).toEqual([{ type: 'format', text: 'Intro', author: 'bob', formats: { 'heading.level': null } }]);
    expect(await referenceDiff(store, 'doc', from, to)).toEqual(diff);
  });
});
