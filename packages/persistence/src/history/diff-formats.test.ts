// Formatting in diffs, as a review tried it: who is credited for a mark taken off, two people changing two
// marks of one word, a value written back in another key order, a change undone in between.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import { referenceDiff } from '../testing/diff-reference.js';
import { Scenario } from '../testing/scenario.js';
import type { DocumentStore } from '../types.js';
import { diffVersions } from './diff.js';

describe('formatting changes in a diff', () => {
  let dataDir: string;
  let store: DocumentStore;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-fp-'));
    store = openSqliteStore({ dataDir });
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each([['near', {}], ['far', { nearUpdates: 0 }]])('credits who took bold off, not who bolded other words before it (%s)', async (_, options) => {
    const s = new Scenario(store, 'doc', ['alice', 'bob', 'carol']);
    await s.edit('alice', (t) => t.insert(0, 'aaa bbb ccc'));
    const from = await s.edit('alice', (t) => t.format(4, 3, { bold: true })); // "bbb" bold
    await s.edit('carol', (t) => t.format(0, 3, { bold: true })); // carol: "aaa" bold
    const to = await s.edit('bob', (t) => t.format(4, 3, { bold: null })); // bob: "bbb" plain again
    const diff = await diffVersions(store, 'doc', from, to, options);
    expect(diff.segments).toEqual([
      { type: 'format', text: 'aaa', author: 'carol', formats: { bold: true } },
      { type: 'keep', text: ' ' },
      { type: 'format', text: 'bbb', author: 'bob', formats: { bold: null } },
      { type: 'keep', text: ' ccc' },
    ]);
  });

  it.each([['near', {}], ['far', { nearUpdates: 0 }]])('two people, two marks on the same word: both credited (%s)', async (_, options) => {
    const s = new Scenario(store, 'doc', ['alice', 'bob', 'carol']);
    const from = await s.edit('alice', (t) => t.insert(0, 'Hello world'));
    await s.edit('alice', (t) => t.format(6, 5, { strong: {} }));
    const to = await s.edit('bob', (t) => t.format(6, 5, { em: {} }));
    const diff = await diffVersions(store, 'doc', from, to, options);
    // Alice made "world" bold, Bob made it italic: each is credited with their own mark.
    expect(diff.authors.map((a) => a.author)).toEqual(['alice', 'bob']);
    expect(diff.changes).toEqual([{ type: 'format', text: 'world', author: 'bob', formats: { em: {}, strong: {} }, by: { em: 'bob', strong: 'alice' } }]);
    expect(await referenceDiff(store, 'doc', from, to)).toEqual(diff);
  });

  it.each([['near', {}], ['far', { nearUpdates: 0 }]])('a link changed and changed back (same attributes, other key order) is no change (%s)', async (_, options) => {
    const s = new Scenario(store, 'doc', ['alice', 'bob', 'carol']);
    await s.edit('alice', (t) => t.insert(0, 'see docs here'));
    const from = await s.edit('alice', (t) => t.format(4, 4, { link: { href: 'https://a', title: null } }));
    await s.edit('bob', (t) => t.format(4, 4, { link: { href: 'https://b', title: null } }));
    const to = await s.edit('bob', (t) => t.format(4, 4, { link: { title: null, href: 'https://a' } }));
    const diff = await diffVersions(store, 'doc', from, to, options);
    expect(diff.segments).toEqual([{ type: 'keep', text: 'see docs here' }]);
  });

  it.each([['near', {}], ['far', { nearUpdates: 0 }]])('bold on then off again in between: no change (%s)', async (_, options) => {
    const s = new Scenario(store, 'doc', ['alice', 'bob', 'carol']);
    await s.edit('alice', (t) => t.insert(0, 'Hello world'));
    const from = await s.edit('alice', (t) => t.format(0, 5, { bold: true }));
    await s.edit('bob', (t) => t.format(0, 11, { bold: null }));
    await s.edit('bob', (t) => t.format(2, 9, { bold: true }));
    await s.edit('alice', (t) => t.format(5, 6, { bold: null }));
    const to = await s.edit('bob', (t) => t.format(0, 2, { bold: true }));
    const diff = await diffVersions(store, 'doc', from, to, options);
    expect(diff.segments).toEqual([{ type: 'keep', text: 'Hello world' }]);
    expect(await referenceDiff(store, 'doc', from, to)).toEqual(diff);
  });
});
