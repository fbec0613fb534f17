import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import type { DocumentStore } from '../types.js';
import { diffVersions } from './diff.js';
import { materialize, resolveSeq } from './materialize.js';
import { readTimeline } from './timeline.js';

/** Two people editing one document; every update is appended as it happens, with its author and time. */
class Scenario {
  readonly docs = { alice: new Y.Doc(), bob: new Y.Doc() };
  readonly texts: string[] = ['']; // texts[seq] = content after update seq
  private clock = 1_000_000;

  constructor(
    private readonly store: DocumentStore,
    private readonly name: string,
  ) {}

  /** Runs `edit` as `who` at `at`, syncs the other person, and stores the update. */
  async edit(who: 'alice' | 'bob', edit: (text: Y.Text) => void, gapMs = 1000): Promise<number> {
    this.clock += gapMs;
    const doc = this.docs[who];
    let update: Uint8Array | undefined;
    const capture = (u: Uint8Array) => (update = u);
    doc.once('update', capture);
    edit(doc.getText('t'));
    const other = this.docs[who === 'alice' ? 'bob' : 'alice'];
    Y.applyUpdate(other, update!);
    const [result] = await this.store.append([{ doc: this.name, entries: [{ update: update!, author: who, receivedAt: this.clock }] }]);
    this.texts[result!.lastSeq] = doc.getText('t').toString();
    return result!.lastSeq;
  }

  get now(): number {
    return this.clock;
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

  it('groups updates into edit sessions by author and pause, counting text added and removed', async () => {
    const s = new Scenario(store, 'doc');
    await s.edit('alice', (t) => t.insert(0, 'Hello'));
    await s.edit('alice', (t) => t.insert(5, ' world'));
    await s.edit('bob', (t) => t.delete(6, 5)); // "world"
    await s.edit('bob', (t) => t.insert(6, 'there'));
    await s.edit('bob', (t) => t.insert(11, '!'), 10 * 60_000); // after a long pause: a new session
    await s.edit('alice', (t) => t.insert(0, '> '));

    const page = await readTimeline(store, 'doc', { gapMs: 60_000 });
    expect(page.nextAfterSeq).toBeNull();
    expect(page.sessions.map((x) => [x.author, x.fromSeq, x.toSeq, x.added, x.removed])).toEqual([
      ['alice', 1, 2, 11, 0],
      ['bob', 3, 4, 5, 5],
      ['bob', 5, 5, 1, 0],
      ['alice', 6, 6, 2, 0],
    ]);
    // Pages continue where the previous one stopped, even when chunks split a session.
    const first = await readTimeline(store, 'doc', { limit: 2, chunk: 3 });
    expect(first.sessions.map((x) => x.fromSeq)).toEqual([1, 3]);
    const second = await readTimeline(store, 'doc', { afterSeq: first.nextAfterSeq!, limit: 2, chunk: 3 });
    expect(second.sessions.map((x) => x.fromSeq)).toEqual([5, 6]);
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
});
