import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import { referenceDiff } from '../testing/diff-reference.js';
import { Scenario } from '../testing/scenario.js';
import type { DocumentStore } from '../types.js';
import { AuthorshipCache } from './authorship.js';
import { diffVersions } from './diff.js';
import { VersionCache } from './version-cache.js';
import { materialize, resolveSeq } from './materialize.js';
import { readTimeline, TimelineCache } from './timeline.js';


/** The real store, wrapped to count how many updates each read returns. */
function countingStore(store: DocumentStore): DocumentStore & { updatesRead: number } {
  const counting = Object.create(store) as DocumentStore & { updatesRead: number };
  counting.updatesRead = 0;
  counting.readUpdates = async (doc, range) => {
    const updates = await store.readUpdates(doc, range);
    counting.updatesRead += updates.length;
    return updates;
  };
  return counting;
}

/**
 * Appends `count` one-character typing updates (every tenth a deletion), 100 ms apart, by `authors` in
 * turns of `turn` updates, each turn two minutes after the previous one (its own edit session).
 */
async function typeLongDocument(store: DocumentStore, name: string, count: number, authors: string[], turn: number): Promise<Y.Doc> {
  const ydoc = new Y.Doc();
  const text = ydoc.getText('t');
  let pending: Uint8Array[] = [];
  ydoc.on('update', (u: Uint8Array) => pending.push(u));
  let entries: Array<{ update: Uint8Array; author: string; receivedAt: number }> = [];
  for (let i = 0; i < count; i++) {
    if (i % 10 === 9) text.delete(Math.floor(text.length / 2), 1);
    else text.insert(i % 50 === 0 ? Math.floor(text.length / 3) : text.length, String.fromCharCode(97 + (i % 26)));
    const pauses = Math.floor(i / turn) * 120_000;
    entries.push({ update: pending.pop()!, author: authors[Math.floor(i / turn) % authors.length]!, receivedAt: 1_000_000 + i * 100 + pauses });
    if (entries.length === 5_000 || i === count - 1) {
      await store.append([{ doc: name, entries }]);
      entries = [];
    }
  }
  return ydoc;
}

/** Three people editing paragraphs of one fragment at random (typing, deleting, formatting, removing whole paragraphs). */
async function editParagraphsAtRandom(store: DocumentStore, name: string, steps: number, seed = 7): Promise<void> {
  const people = ['ann', 'ben', 'cat'].map((who) => ({ who, doc: new Y.Doc() }));
  const random = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);
  for (let i = 0; i < steps; i++) {
    const { who, doc } = people[random(3)]!;
    const fragment = doc.getXmlFragment('prosemirror');
    let update: Uint8Array | undefined;
    doc.once('update', (u: Uint8Array) => (update = u));
    const roll = random(20);
    if (fragment.length === 0 || roll === 0) {
      const p = new Y.XmlElement('paragraph');
      const t = new Y.XmlText();
      t.insert(0, `p${i} `);
      p.insert(0, [t]);
      fragment.insert(random(fragment.length + 1), [p]);
    } else if (roll === 1 && fragment.length > 1) {
      fragment.delete(random(fragment.length), 1);
    } else if (roll === 8) {
      // An image or a line break at the end of a paragraph (its text stays its first child).
      const p = fragment.get(random(fragment.length)) as Y.XmlElement;
      p.insert(p.length, [new Y.XmlElement(random(2) === 0 ? 'image' : 'hard_break')]);
    } else if (roll === 11) {
      // A block's attribute changed in place (a heading's level), sometimes back to what it was, or removed.
      const p = fragment.get(random(fragment.length)) as Y.XmlElement;
      const level = random(4);
      if (level === 0) p.removeAttribute('level');
      else p.setAttribute('level', level as unknown as string);
    } else if (roll === 10 || roll === 12) {
      // The description of a paragraph's first image (or line break) changed.
      const p = fragment.get(random(fragment.length)) as Y.XmlElement;
      if (p.length > 1) (p.get(1) as Y.XmlElement).setAttribute('alt', `alt ${random(3)}`);
    } else if (roll === 9) {
      // The last image or line break of the first paragraph holding one taken out.
      const p = fragment.toArray().find((el) => (el as Y.XmlElement).length > 1) as Y.XmlElement | undefined;
      p?.delete(p.length - 1, 1);
    } else {
      const t = (fragment.get(random(fragment.length)) as Y.XmlElement).get(0) as Y.XmlText;
      if (roll < 7 && t.length > 0) t.delete(random(t.length), 1 + random(Math.min(3, t.length)));
      else if (roll === 7 && t.length > 2) t.format(0, 2, { strong: true });
      else t.insert(random(t.length + 1), 'xyz'.slice(0, 1 + random(3)));
    }
    if (update === undefined) continue;
    for (const other of people) if (other.doc !== doc) Y.applyUpdate(other.doc, update);
    const [result] = await store.append([{ doc: name, entries: [{ update, author: who, receivedAt: 1_000 + i }] }]);
    if (result!.lastSeq % 50 === 0) {
      await store.writeCheckpoint(name, { seq: result!.lastSeq, state: Y.encodeStateAsUpdate(doc), createdAt: 0 });
    }
  }
}

describe('history', () => {
  let dataDir: string;
  let store: DocumentStore;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-history-'));
    store = openSqliteStore({ dataDir });
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('materializes the document at every sequence number, with and without checkpoints', async () => {
    const s = new Scenario(store, 'doc');
    for (let i = 0; i < 60; i++) {
      const seq = await s.edit(i % 3 === 0 ? 'bob' : 'alice', (t) => (i % 5 === 4 ? t.delete(0, 1) : t.insert(t.length, String(i % 10))));
      if (seq % 20 === 0) {
        const replica = await materialize(store, 'doc', seq);
        await store.writeCheckpoint('doc', { seq, state: Y.encodeStateAsUpdate(replica), createdAt: 0 });
      }
    }
    for (let seq = 0; seq <= 60; seq++) {
      expect((await materialize(store, 'doc', seq)).getText('t').toString(), `seq ${seq}`).toBe(s.texts[seq]);
    }
  });

  it('resolves times to the last update at or before them, and refuses unknown documents and bad seqs', async () => {
    const s = new Scenario(store, 'doc');
    const first = await s.edit('alice', (t) => t.insert(0, 'a'));
    const firstAt = s.now;
    await s.edit('alice', (t) => t.insert(1, 'b'));
    expect(await resolveSeq(store, 'doc', { at: firstAt })).toBe(first);
    expect(await resolveSeq(store, 'doc', { at: firstAt + 500 })).toBe(first);
    expect(await resolveSeq(store, 'doc', { at: s.now })).toBe(2);
    expect(await resolveSeq(store, 'doc', { at: 0 })).toBe(0);
    await expect(resolveSeq(store, 'doc', { seq: 3 })).rejects.toMatchObject({ code: 'out-of-range' });
    await expect(resolveSeq(store, 'doc', { seq: -1 })).rejects.toMatchObject({ code: 'out-of-range' });
    await expect(resolveSeq(store, 'nope', { seq: 0 })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('groups updates into edit sessions by pause, whoever made them, counting text added and removed', async () => {
    const s = new Scenario(store, 'doc');
    await s.edit('alice', (t) => t.insert(0, 'Hello'));
    await s.edit('alice', (t) => t.insert(5, ' world'));
    await s.edit('bob', (t) => t.delete(6, 5)); // "world", typed in this session: nets out
    await s.edit('bob', (t) => t.insert(6, 'there'));
    await s.edit('bob', (t) => t.insert(11, '!'), 10 * 60_000); // after a long pause: a new session
    await s.edit('alice', (t) => t.insert(0, '> '));
    await s.edit('alice', (t) => t.delete(2, 5), 10 * 60_000); // "Hello", from an earlier session: removed

    const page = await readTimeline(store, 'doc', { gapMs: 60_000 });
    expect(page.nextAfterSeq).toBeNull();
    expect(page.sessions.map((x) => [x.fromSeq, x.toSeq, x.added, x.removed, x.authors.map((a) => [a.id, a.added, a.removed])])).toEqual([
      [1, 4, 11, 0, [['alice', 6, 0], ['bob', 5, 0]]],
      [5, 6, 3, 0, [['bob', 1, 0], ['alice', 2, 0]]],
      [7, 7, 0, 5, [['alice', 0, 5]]],
    ]);
    // Pages continue where the previous one stopped, even when chunks split a session.
    const first = await readTimeline(store, 'doc', { limit: 2, chunk: 3 });
    expect(first.sessions.map((x) => x.fromSeq)).toEqual([1, 5]);
    const second = await readTimeline(store, 'doc', { afterSeq: first.nextAfterSeq!, limit: 2, chunk: 3 });
    expect(second.sessions.map((x) => x.fromSeq)).toEqual([7]);
    expect(second.nextAfterSeq).toBeNull();
  });

  it('attributes insertions and deletions between two versions to their authors', async () => {
    const s = new Scenario(store, 'doc');
    await s.edit('alice', (t) => t.insert(0, 'Hello world'));
    const base = await s.edit('bob', (t) => t.insert(11, '.'));
    await s.edit('bob', (t) => t.delete(6, 5)); // bob removes "world"
    await s.edit('alice', (t) => t.insert(6, 'there')); // alice writes "there"
    const to = await s.edit('bob', (t) => t.insert(0, 'Oh, '));

    const diff = await diffVersions(store, 'doc', base, to);
    expect(s.texts[to]).toBe('Oh, Hello there.');
    expect(diff.changes).toEqual([
      { type: 'insert', text: 'Oh, ', author: 'bob' },
      { type: 'delete', text: 'world', author: 'bob' }, // "Hello [-world-][+there+]."
      { type: 'insert', text: 'there', author: 'alice' },
    ]);
    expect(diff.segments).toEqual([
      { type: 'insert', text: 'Oh, ', author: 'bob' },
      { type: 'keep', text: 'Hello ' },
      { type: 'delete', text: 'world', author: 'bob' },
      { type: 'insert', text: 'there', author: 'alice' },
      { type: 'keep', text: '.' },
    ]);
    expect(diff.authors).toEqual([
      { author: 'alice', inserted: 5, deleted: 0 },
      { author: 'bob', inserted: 4, deleted: 5 },
    ]);
    // Nothing changed between a version and itself; everything is an insertion from the empty doc.
    expect((await diffVersions(store, 'doc', to, to)).changes).toEqual([]);
    const fromStart = await diffVersions(store, 'doc', 0, base);
    expect(fromStart.changes).toEqual([
      { type: 'insert', text: 'Hello world', author: 'alice' },
      { type: 'insert', text: '.', author: 'bob' },
    ]);
  });

  it.each([
    ['applied to the earlier version', {}],
    ['both versions materialized', { nearUpdates: 0 }],
  ])('shows formatting changed between two versions, with who changed it (%s)', async (_, options) => {
    const s = new Scenario(store, 'doc');
    await s.edit('alice', (t) => t.insert(0, 'Hello brave new world'));
    const base = await s.edit('alice', (t) => t.format(6, 5, { italic: true })); // "brave" italic
    await s.edit('bob', (t) => t.format(16, 5, { bold: true })); // "world" bold
    await s.edit('bob', (t) => t.format(6, 5, { italic: null })); // "brave" plain again
    const to = await s.edit('alice', (t) => t.insert(21, '!'));

    const diff = await diffVersions(store, 'doc', base, to, options);
    expect(diff.segments).toEqual([
      { type: 'keep', text: 'Hello ' },
      { type: 'format', text: 'brave', author: 'bob', formats: { italic: null } },
      { type: 'keep', text: ' new ' },
      { type: 'format', text: 'world', author: 'bob', formats: { bold: true } },
      { type: 'insert', text: '!', author: 'alice' },
    ]);
    expect(diff.changes).toEqual([
      { type: 'format', text: 'brave', author: 'bob', formats: { italic: null } },
      { type: 'format', text: 'world', author: 'bob', formats: { bold: true } },
      { type: 'insert', text: '!', author: 'alice' },
    ]);
    // Formatting alone counts no characters inserted or deleted; its author is listed.
    expect(diff.authors).toEqual([
      { author: 'alice', inserted: 1, deleted: 0 },
      { author: 'bob', inserted: 0, deleted: 0 },
    ]);
    // From the empty document, formatted text is inserted text.
    expect((await diffVersions(store, 'doc', 0, to, options)).segments.map((x) => x.type)).toEqual(['insert']);
  });

  it('reads only the updates the first timeline pages need', async () => {
    await typeLongDocument(store, 'long', 6_000, ['alice', 'bob', 'carol'], 300);
    const counting = countingStore(store);
    const first = await readTimeline(counting, 'long', { limit: 1 });
    expect(first.sessions.map((x) => [x.authors.map((a) => a.id), x.fromSeq, x.toSeq, x.updates])).toEqual([[['alice'], 1, 300, 300]]);
    expect(first.nextAfterSeq).toBe(300);
    // Knowing that the session ended takes the update after it; reading ahead is bounded by the session's length.
    expect(counting.updatesRead).toBeGreaterThan(300);
    expect(counting.updatesRead).toBeLessThanOrEqual(2 * 301);

    // A page after seq 300 also needs what was deleted before it: from the checkpoint at or before 300
    // (a server keeps one every CHECKPOINT_EVERY updates) and the log after that checkpoint.
    const at300 = Y.mergeUpdates((await store.readUpdates('long', { toSeq: 300 })).map((u) => u.update));
    await store.writeCheckpoint('long', { seq: 300, state: at300, createdAt: Date.now() });
    counting.updatesRead = 0;
    const next = await readTimeline(counting, 'long', { afterSeq: 300, limit: 2 });
    expect(next.sessions.map((x) => [x.authors.map((a) => a.id), x.fromSeq, x.toSeq])).toEqual([[['bob'], 301, 600], [['carol'], 601, 900]]);
    expect(counting.updatesRead).toBeLessThanOrEqual(2 * 601);

    // With a cache, a page already read costs no reading, and the next page reads on from where it stopped.
    const cache = new TimelineCache();
    expect(await readTimeline(counting, 'long', { limit: 1, cache })).toEqual(first);
    counting.updatesRead = 0;
    expect(await readTimeline(counting, 'long', { limit: 1, cache })).toEqual(first);
    expect(counting.updatesRead).toBe(0);
    expect(await readTimeline(counting, 'long', { afterSeq: 300, limit: 2, cache })).toEqual(next);
    expect(counting.updatesRead).toBeLessThanOrEqual(2 * 601);
    // A page that does not start at a session's end is read as without a cache.
    expect(await readTimeline(counting, 'long', { afterSeq: 450, limit: 2, cache })).toEqual(await readTimeline(store, 'long', { afterSeq: 450, limit: 2 }));
    // Compaction rewrites the past: what was kept is dropped, not served.
    const merged = Y.mergeUpdates((await store.readUpdates('long', { toSeq: 450 })).map((u) => u.update));
    await store.replaceRange('long', 1, 450, { update: merged, author: 'compacted', receivedAt: 1_000_000 });
    const afterCompaction = await readTimeline(store, 'long', { limit: 2 });
    expect(afterCompaction.sessions.map((x) => x.authors.map((a) => a.id))).toEqual([['compacted'], ['bob']]);
    expect(await readTimeline(counting, 'long', { limit: 2, cache })).toEqual(afterCompaction);
  });

  it('diffs a long three-author log from the empty document: the text at the head, each run by the author who typed it', async () => {
    // Who typed each character still in the document, kept beside the text while typing.
    const authors = ['alice', 'bob', 'carol'];
    const ydoc = new Y.Doc();
    const text = ydoc.getText('t');
    const typedBy: string[] = [];
    let entries: Array<{ update: Uint8Array; author: string; receivedAt: number }> = [];
    ydoc.on('update', (update: Uint8Array) => entries.push({ update, author: who, receivedAt: 1_000 + entries.length }));
    let who = authors[0]!;
    for (let i = 0; i < 20_000; i++) {
      who = authors[Math.floor(i / 700) % 3]!;
      if (i % 10 === 9) {
        const at = Math.floor(text.length / 2);
        text.delete(at, 1);
        typedBy.splice(at, 1);
      } else {
        const at = i % 50 === 0 ? Math.floor(text.length / 3) : text.length;
        text.insert(at, String.fromCharCode(97 + (i % 26)));
        typedBy.splice(at, 0, who);
      }
      if (entries.length === 2_000) {
        await store.append([{ doc: 'long', entries }]);
        entries = [];
      }
    }
    if (entries.length > 0) await store.append([{ doc: 'long', entries }]);
    const head = (await store.getDocument('long'))!.lastSeq;
    const expected: Array<{ type: string; text: string; author: string }> = [];
    const final = text.toString();
    for (let i = 0; i < typedBy.length; i++) {
      const last = expected.at(-1);
      if (last?.author === typedBy[i]) last.text += final[i];
      else expected.push({ type: 'insert', text: final[i]!, author: typedBy[i]! });
    }

    const diff = await diffVersions(store, 'long', 0, head);
    expect(diff.segments.map((s) => s.text).join('')).toBe((await materialize(store, 'long', head)).getText('t').toString());
    expect(diff.segments).toEqual(expected);
    expect(diff.changes).toEqual(expected);
    expect(diff.authors).toEqual(
      authors.map((author) => ({ author, inserted: typedBy.filter((a) => a === author).length, deleted: 0 })),
    );
  });

  it('gives the same diff as a replay of every update, for paragraphs typed, formatted and removed (with images and line breaks, attributes changed) by three people', async () => {
    let deletions = 0;
    let formatted = 0;
    const embeds = { inserted: 0, deleted: 0 };
    const attributes = { blocks: 0, leaves: 0 };
    // Three random histories (each seed's), so that every kind of change is met by some pair of versions.
    for (const seed of [7, 11, 23]) {
      const paras = `paras-${seed}`;
      await editParagraphsAtRandom(store, paras, 400, seed);
      const head = (await store.getDocument(paras))!.lastSeq;
      const pairs = [[0, 100], [0, head], [0, 1], [1, head], [49, 51], [50, 50], [73, 260], [head - 1, head], [120, 121], [200, head - 5]];
      for (let k = 0; k < 6; k++) {
        const a = (k * 61) % head;
        pairs.push([a, Math.min(head, a + 1 + k * 37)]);
      }
      // Answers from the cache of whole-log authorship (filled by the diffs from 0) must not differ either.
      const authorship = new AuthorshipCache();
      const versions = new VersionCache();
      for (const [from, to] of pairs) {
        const expected = await referenceDiff(store, paras, from!, to!);
        expect(await diffVersions(store, paras, from!, to!), `diff ${from}..${to}`).toEqual(expected);
        expect(await diffVersions(store, paras, from!, to!, { authorship, nearUpdates: 0 }), `cached diff ${from}..${to}`).toEqual(expected);
        expect(await diffVersions(store, paras, from!, to!, { nearUpdates: 0 }), `diff of two materializations ${from}..${to}`).toEqual(expected);
        expect(await diffVersions(store, paras, from!, to!, { versions }), `diff with kept versions ${from}..${to}`).toEqual(expected);
        expect(await diffVersions(store, paras, from!, to!, { versions, nearUpdates: 0 }), `diff with a kept head ${from}..${to}`).toEqual(expected);
        expect((await versions.at(store, paras, to!)).getXmlFragment('prosemirror').toJSON()).toEqual(
          (await materialize(store, paras, to!)).getXmlFragment('prosemirror').toJSON(),
        );
        deletions += expected.changes.filter((c) => c.type === 'delete').length;
        formatted += expected.changes.filter((c) => c.type === 'format').length;
        embeds.inserted += expected.changes.filter((c) => c.type === 'insert' && c.node !== undefined).length;
        embeds.deleted += expected.changes.filter((c) => c.type === 'delete' && c.node !== undefined).length;
        attributes.blocks += expected.changes.filter((c) => c.type === 'format' && Object.keys(c.formats ?? {}).some((n) => n.startsWith('paragraph.'))).length;
        attributes.leaves += expected.changes.filter((c) => c.type === 'format' && c.node !== undefined).length;
      }
    }
    expect(deletions).toBeGreaterThan(0);
    expect(formatted).toBeGreaterThan(0);
    expect(embeds.inserted).toBeGreaterThan(0);
    expect(embeds.deleted).toBeGreaterThan(0);
    expect(attributes.blocks).toBeGreaterThan(0);
    expect(attributes.leaves).toBeGreaterThan(0);
  });

  it('refuses a diff whose text would exceed the size bound', async () => {
    await typeLongDocument(store, 'long', 2_000, ['alice'], 2_000);
    await expect(diffVersions(store, 'long', 0, 2_000, { maxChars: 500 })).rejects.toMatchObject({ code: 'too-large' });
    await expect(diffVersions(store, 'long', 1_990, 2_000, { maxChars: 500 })).rejects.toMatchObject({ code: 'too-large' });
    expect((await diffVersions(store, 'long', 0, 200, { maxChars: 500 })).segments.map((s) => s.text).join('')).toHaveLength(160); // 180 typed, 20 deleted
  });
});
