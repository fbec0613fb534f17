import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import type { DocumentStore } from '../types.js';
import { readVisibleAuthorship, VisibleAuthorshipCache } from './visible-authorship.js';

let dir: string;
let store: DocumentStore;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tandem-visible-'));
  store = openSqliteStore({ dataDir: dir });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** Two people typing into one text; each update stored with its author and time. */
function typists(name: string) {
  const docs = { ada: new Y.Doc(), bob: new Y.Doc() };
  let now = 1_700_000_000_000;
  return {
    docs,
    async edit(who: 'ada' | 'bob', edit: (t: Y.Text) => void, gapMs = 1_000) {
      now += gapMs;
      let update: Uint8Array | undefined;
      docs[who].once('update', (u: Uint8Array) => (update = u));
      edit(docs[who].getText('t'));
      Y.applyUpdate(docs[who === 'ada' ? 'bob' : 'ada'], update!);
      await store.append([{ doc: name, entries: [{ update: update!, author: who, receivedAt: now }] }]);
      return now;
    },
  };
}

/** Which author each visible character of the text was inserted by, from the ranges. */
function authorsOfText(doc: Y.Doc, ranges: ReadonlyArray<readonly [number, number, number, string, number]>): string {
  let out = '';
  let item = doc.getText('t')._start;
  while (item !== null) {
    if (!item.deleted && item.countable) {
      for (let i = 0; i < item.length; i++) {
        const clock = item.id.clock + i;
        const r = ranges.find(([c, from, len]) => c === item!.id.client && clock >= from && clock < from + len);
        out += r === undefined ? '?' : r[3][0];
      }
    }
    item = item.right;
  }
  return out;
}

describe('visible authorship', () => {
  it('names who inserted each character still in the document, and leaves out what was deleted', async () => {
    const s = typists('d');
    await s.edit('ada', (t) => t.insert(0, 'alpha '));
    await s.edit('bob', (t) => t.insert(6, 'bravo'));
    await s.edit('ada', (t) => t.delete(0, 2)); // "pha bravo"
    await s.edit('bob', (t) => t.insert(0, 'X'));
    const result = await readVisibleAuthorship(store, 'd');
    expect(s.docs.ada.getText('t').toString()).toBe('Xpha bravo');
    expect(authorsOfText(s.docs.ada, result.ranges)).toBe('baaaabbbbb');
    expect(result.seq).toBe(4);
    expect(new Set(result.authors)).toEqual(new Set(['ada', 'bob']));
    // Nothing deleted is listed: every range's ids are present in the document.
    const present = result.ranges.reduce((n, r) => n + r[2], 0);
    expect(present).toBe(10);
  });

  it('merges one person’s keystrokes into one range, with the time the run began', async () => {
    const s = typists('d');
    const first = await s.edit('ada', (t) => t.insert(0, 'a'));
    for (const ch of 'bcdef') await s.edit('ada', (t) => t.insert(t.length, ch), 2_000);
    const result = await readVisibleAuthorship(store, 'd');
    expect(result.ranges).toEqual([[s.docs.ada.clientID, 0, 6, 'ada', first]]);
  });

  it('keeps runs typed far apart in time apart, so each passage says when it was written', async () => {
    const s = typists('d');
    const first = await s.edit('ada', (t) => t.insert(0, 'morning '));
    const later = await s.edit('ada', (t) => t.insert(t.length, 'evening'), 8 * 3_600_000);
    const result = await readVisibleAuthorship(store, 'd');
    expect(result.ranges.map((r) => [r[2], r[4]])).toEqual([
      [8, first],
      [7, later],
    ]);
  });

  it('answers from its cache as the log grows, the same as reading the whole log', async () => {
    const cache = new VisibleAuthorshipCache();
    const s = typists('d');
    await s.edit('ada', (t) => t.insert(0, 'hello'));
    await cache.read(store, 'd');
    await s.edit('bob', (t) => t.delete(1, 3));
    await s.edit('bob', (t) => t.insert(1, 'EY'));
    const cached = await cache.read(store, 'd');
    expect(cached).toEqual(await readVisibleAuthorship(store, 'd'));
    expect(authorsOfText(s.docs.bob, cached.ranges)).toBe('abba');
  });
});
