// Random three-person histories with messages held back between people (so edits are concurrent): headings,
// images, nested task and ordered lists, table cells (colwidth arrays, colspan); attributes set and removed,
// text typed, deleted and bolded, blocks deleted, inserted and replaced. Every diff path (near, far, the
// authorship and version caches) must agree with the replay oracle. `SEEDS=1,2,…` runs other seeds.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import { referenceDiff } from '../testing/diff-reference.js';
import { element, HeldBack } from '../testing/scenario.js';
import type { DocumentStore } from '../types.js';
import { AuthorshipCache } from './authorship.js';
import { diffVersions } from './diff.js';
import { VersionCache } from './version-cache.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}
const el = element;
const t = (s: string) => new Y.XmlText(s);

function all(type: Y.XmlFragment | Y.XmlElement, out: { els: Y.XmlElement[]; texts: Y.XmlText[] }) {
  for (const c of type.toArray()) {
    if (c instanceof Y.XmlText) out.texts.push(c);
    else if (c instanceof Y.XmlElement) {
      out.els.push(c);
      all(c, out);
    }
  }
  return out;
}

const ATTRS: Record<string, Array<[string, unknown[]]>> = {
  heading: [['level', [1, 2, 3]]],
  task_item: [['checked', [true, false]]],
  ordered_list: [['order', [1, 2, 5]]],
  image: [['src', ['a.png', 'b.png']], ['alt', ['A', 'B']]],
  table_cell: [['colwidth', [[100], [150], [100, 50]]], ['colspan', [1, 2]]],
};

function newBlock(r: () => number): Y.XmlElement {
  const k = Math.floor(r() * 6);
  if (k === 0) return el('heading', { level: 1 }, t('head'));
  if (k === 1) return el('paragraph', {}, t('para'), el('image', { src: 'a.png' }), t('x'));
  if (k === 2)
    return el('task_list', {}, el('task_item', { checked: false }, el('paragraph', {}, t('outer')), el('task_list', {}, el('task_item', { checked: false }, el('paragraph', {}, t('inner'))))));
  if (k === 3)
    return el('ordered_list', { order: 1 }, el('list_item', {}, el('paragraph', {}, t('one')), el('ordered_list', { order: 1 }, el('list_item', {}, el('paragraph', {}, t('two'))))));
  if (k === 4) return el('table', {}, el('table_row', {}, el('table_cell', { colspan: 1, colwidth: [100] }, el('paragraph', {}, t('cell')))));
  return el('paragraph', {}, t('plain'));
}

async function randomHistory(store: DocumentStore, name: string, steps: number, seed: number) {
  const r = rng(seed);
  const people = ['alice', 'bob', 'carol'];
  const history = new HeldBack(store, name, people);
  const append = (who: number, f: (d: Y.Doc) => void) => history.maybeEdit(people[who]!, f);
  await append(0, (d) => d.getXmlFragment('prosemirror').insert(0, [newBlock(r), newBlock(r), newBlock(r), newBlock(r), newBlock(r)]));
  history.sync();
  for (let i = 0; i < steps; i++) {
    const who = Math.floor(r() * people.length);
    if (r() < 0.5) history.sync(people[who]);
    await append(who, (d) => {
      const frag = d.getXmlFragment('prosemirror');
      const { els, texts } = all(frag, { els: [], texts: [] });
      const op = r();
      if (op < 0.4) {
        const cands = els.filter((e) => ATTRS[e.nodeName] !== undefined);
        if (cands.length === 0) return;
        const e = cands[Math.floor(r() * cands.length)]!;
        const attrs = ATTRS[e.nodeName]!;
        const [key, values] = attrs[Math.floor(r() * attrs.length)]!;
        if (r() < 0.15) e.removeAttribute(key);
        else e.setAttribute(key, values[Math.floor(r() * values.length)] as string);
      } else if (op < 0.6) {
        if (texts.length === 0) return;
        const x = texts[Math.floor(r() * texts.length)]!;
        x.insert(Math.floor(r() * (x.length + 1)), 'abc'.slice(0, 1 + Math.floor(r() * 3)));
      } else if (op < 0.72) {
        if (texts.length === 0) return;
        const x = texts[Math.floor(r() * texts.length)]!;
        if (x.length === 0) return;
        const a = Math.floor(r() * x.length);
        x.delete(a, Math.min(x.length - a, 1 + Math.floor(r() * 3)));
      } else if (op < 0.82) {
        if (texts.length === 0) return;
        const x = texts[Math.floor(r() * texts.length)]!;
        if (x.length === 0) return;
        const a = Math.floor(r() * x.length);
        x.format(a, Math.min(x.length - a, 1 + Math.floor(r() * 3)), { strong: r() < 0.7 ? {} : null });
      } else if (op < 0.88) {
        if (frag.length > 2) frag.delete(Math.floor(r() * frag.length), 1);
      } else if (op < 0.94) {
        frag.insert(Math.floor(r() * (frag.length + 1)), [newBlock(r)]);
      } else {
        // paragraph <-> heading as y-prosemirror does it: a new element in place of the old one
        const i = Math.floor(r() * frag.length);
        const old = frag.get(i);
        if (!(old instanceof Y.XmlElement) || (old.nodeName !== 'paragraph' && old.nodeName !== 'heading')) return;
        const s = old.toArray().filter((c) => c instanceof Y.XmlText).map((c) => (c as Y.XmlText).toString()).join('');
        frag.delete(i, 1);
        frag.insert(i, [old.nodeName === 'paragraph' ? el('heading', { level: 2 }, t(s.replace(/<[^>]*>/g, ''))) : el('paragraph', {}, t(s.replace(/<[^>]*>/g, '')))]);
      }
    });
  }
}

describe('random concurrent histories: every diff path agrees with the oracle', () => {
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

  it.each(process.env.SEEDS ? process.env.SEEDS.split(',').map(Number) : [1, 2, 3, 4, 5, 6])('agrees with the oracle (seed %i)', async (seed) => {
    const name = `fz-${seed}`;
    await randomHistory(store, name, 150, seed);
    const head = (await store.getDocument(name))!.lastSeq;
    const pairs: Array<[number, number]> = [[0, head], [1, head], [head - 1, head], [10, 60], [30, 31], [50, head - 3], [2, 90], [1, 20]];
    const authorship = new AuthorshipCache();
    const versions = new VersionCache();
    for (const [from, to] of pairs) {
      const expected = await referenceDiff(store, name, from, to);
      expect(await diffVersions(store, name, from, to), `near ${from}..${to}`).toEqual(expected);
      expect(await diffVersions(store, name, from, to, { nearUpdates: 0 }), `far ${from}..${to}`).toEqual(expected);
      expect(await diffVersions(store, name, from, to, { authorship, nearUpdates: 0 }), `cached ${from}..${to}`).toEqual(expected);
      expect(await diffVersions(store, name, from, to, { versions }), `versions ${from}..${to}`).toEqual(expected);
    }
  });
});
