import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import type { CompactedSession, DocumentStore } from '../types.js';
import { MAX_SESSIONS_PER_RANGE } from './compacted-sessions.js';
import { groupSessions, readTimeline, TimelineCache, type EditSession } from './timeline.js';

describe('timeline over merged ranges with many stored sessions', () => {
  let dataDir: string;
  let store: DocumentStore;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-timeline-'));
    store = openSqliteStore({ dataDir, synchronous: 'normal' });
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /**
   * 12 ranges of 400 updates, each merged into one update that stores MAX_SESSIONS_PER_RANGE sessions
   * of two people taking turns, minutes apart: more stored sessions than one read takes, so reads are
   * cut between merged updates. Then 30 plain updates by one author.
   */
  async function writeMergedLog(): Promise<EditSession[]> {
    const writer = new Y.Doc();
    const text = writer.getText('t');
    const updates: Uint8Array[] = [];
    writer.on('update', (u: Uint8Array) => updates.push(u));
    const ranges = 12;
    const perRange = 400;
    const runs: CompactedSession[] = [];
    let at = 1_700_000_000_000;
    let base = at - 100 * 86_400_000;
    for (let r = 0; r < ranges; r++) {
      updates.length = 0;
      for (let i = 0; i < perRange; i++) text.insert(text.length, 'x');
      const entries = updates.map((update) => ({ update, author: 'w', receivedAt: (at += 1000) }));
      await store.append([{ doc: 'd', entries }]);
      const fromSeq = r * perRange + 1;
      const toSeq = fromSeq + perRange - 1;
      // Runs of two people taking turns, 2 s apart, with a pause of two minutes before every tenth.
      const sessions: CompactedSession[] = Array.from({ length: MAX_SESSIONS_PER_RANGE }, (_, k) => {
        const startedAt = base + k * 2000 + Math.floor(k / 10) * 120_000;
        return { fromSeq: fromSeq + 2 * k, toSeq: fromSeq + 2 * k + 1, author: k % 2 === 0 ? 'ana' : 'bo', startedAt, endedAt: startedAt + 1000, updates: 2, added: 2, removed: 0 };
      });
      base += MAX_SESSIONS_PER_RANGE * 2000 + (MAX_SESSIONS_PER_RANGE / 10) * 120_000;
      await store.replaceRange('d', fromSeq, toSeq, { update: Y.mergeUpdates(updates), author: 'w', receivedAt: at }, sessions);
      runs.push(...sessions);
    }
    const tail: Array<{ update: Uint8Array; author: string; receivedAt: number }> = [];
    updates.length = 0;
    for (let i = 0; i < 30; i++) text.insert(text.length, 'y');
    for (const update of updates) tail.push({ update, author: 'cy', receivedAt: (at += 1000) });
    await store.append([{ doc: 'd', entries: tail }]);
    const first = ranges * perRange + 1;
    // Every ten runs of a range are one session of both; the tail is its own.
    const expected: EditSession[] = [];
    for (let i = 0; i < runs.length; i += 10) {
      const group = runs.slice(i, i + 10);
      expected.push({
        fromSeq: group[0]!.fromSeq,
        toSeq: group.at(-1)!.toSeq,
        startedAt: group[0]!.startedAt,
        endedAt: group.at(-1)!.endedAt,
        updates: 20,
        added: 20,
        removed: 0,
        authors: [
          { id: 'ana', updates: 10, added: 10, removed: 0 },
          { id: 'bo', updates: 10, added: 10, removed: 0 },
        ],
      });
    }
    const cy = { updates: 30, added: 30, removed: 0 };
    expected.push({ fromSeq: first, toSeq: first + 29, startedAt: tail[0]!.receivedAt, endedAt: at, ...cy, authors: [{ id: 'cy', ...cy }] });
    return expected;
  }

  const allPages = async (limit: number, cache?: TimelineCache) => {
    const seen: EditSession[] = [];
    let after: number | null = 0;
    for (let pages = 0; after !== null; pages++) {
      expect(pages).toBeLessThan(1000);
      const page = await readTimeline(store, 'd', { afterSeq: after, limit, cache });
      expect(page.sessions.length).toBeLessThanOrEqual(limit);
      seen.push(...page.sessions);
      after = page.nextAfterSeq;
    }
    return seen;
  };

  it('pages through the time sessions of every stored run once, in order, with and without a cache', async () => {
    const expected = await writeMergedLog();
    expect(expected).toHaveLength((12 * MAX_SESSIONS_PER_RANGE) / 10 + 1);
    expect(await allPages(50)).toEqual(expected);
    expect(await allPages(7, new TimelineCache())).toEqual(expected);
    // Pages larger than a read's worth of stored sessions, so that reads are cut between merged updates.
    expect(await allPages(1000)).toEqual(expected);
    expect(await allPages(900, new TimelineCache())).toEqual(expected);
  });
});

describe('sessions by time, whoever typed', () => {
  let dataDir: string;
  let store: DocumentStore;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-sessions-'));
    store = openSqliteStore({ dataDir, synchronous: 'normal' });
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** People editing one text, each edit synced to the others and stored with its author and time. */
  const typists = (names: string[]) => {
    const docs = new Map(names.map((n) => [n, new Y.Doc()]));
    let now = 1_700_000_000_000;
    return {
      async edit(who: string, afterMs: number, change: (t: Y.Text) => void) {
        now += afterMs;
        const doc = docs.get(who)!;
        let update: Uint8Array | undefined;
        doc.once('update', (u: Uint8Array) => (update = u));
        change(doc.getText('t'));
        for (const [name, other] of docs) if (name !== who) Y.applyUpdate(other, update!);
        await store.append([{ doc: 'd', entries: [{ update: update!, author: who, receivedAt: now }] }]);
      },
      text: () => docs.get(names[0]!)!.getText('t').toString(),
    };
  };
  const timeline = async (gapMs = 60_000) => (await readTimeline(store, 'd', { limit: 500, gapMs })).sessions;

  it('makes two people typing in turns for ten minutes one session, with both authors and their counts', async () => {
    const t = typists(['ada', 'bob']);
    // Ten minutes, an edit every 3 s, the typist switching at every edit: 200 switches.
    for (let i = 0; i < 200; i++) {
      const who = i % 2 === 0 ? 'ada' : 'bob';
      await t.edit(who, 3_000, (text) => text.insert(text.length, who === 'ada' ? 'aa' : 'bbb'));
    }
    const sessions = await timeline();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ fromSeq: 1, toSeq: 200, updates: 200, added: 500, removed: 0 });
    expect(sessions[0]!.endedAt - sessions[0]!.startedAt).toBe(199 * 3_000);
    expect(sessions[0]!.authors).toEqual([
      { id: 'ada', updates: 100, added: 200, removed: 0 },
      { id: 'bob', updates: 100, added: 300, removed: 0 },
    ]);
  });

  it('starts a new session after a pause longer than the gap, whoever resumes', async () => {
    const t = typists(['ada', 'bob']);
    await t.edit('ada', 0, (x) => x.insert(0, 'Hello'));
    await t.edit('bob', 30_000, (x) => x.insert(5, ' there'));
    await t.edit('bob', 61_000, (x) => x.insert(11, '!')); // the same person after the gap: a new session
    await t.edit('ada', 59_000, (x) => x.delete(0, 1)); // within the gap
    const sessions = await timeline();
    expect(sessions.map((s) => [s.fromSeq, s.toSeq, s.authors.map((a) => a.id), s.added, s.removed])).toEqual([
      [1, 2, ['ada', 'bob'], 11, 0],
      [3, 4, ['bob', 'ada'], 1, 1],
    ]);
    // A larger gap joins them; the gap is the caller's.
    expect((await timeline(120_000)).map((s) => [s.fromSeq, s.toSeq])).toEqual([[1, 4]]);
  });

  it('nets out text typed and deleted again within a session, for the typist and the deleter alike', async () => {
    const t = typists(['ada', 'bob']);
    await t.edit('ada', 0, (x) => x.insert(0, 'Keep this. '));
    await t.edit('ada', 120_000, (x) => x.insert(11, 'Teh typo')); // a new session
    await t.edit('ada', 1_000, (x) => x.delete(11, 8)); // ada takes her own typo back
    await t.edit('ada', 1_000, (x) => x.insert(11, 'The end'));
    await t.edit('bob', 1_000, (x) => x.delete(15, 3)); // bob deletes "end" (ada's, this session)…
    await t.edit('bob', 1_000, (x) => x.delete(0, 5)); // …and "Keep " (from the session before: a real removal)
    await t.edit('bob', 1_000, (x) => x.insert(10, 'start'));
    expect(t.text()).toBe('this. The start');
    const [first, second] = await timeline();
    expect(first).toMatchObject({ added: 11, removed: 0 });
    expect(second!.authors).toEqual([
      { id: 'ada', updates: 3, added: 4, removed: 0 }, // "The " stays of what she typed
      { id: 'bob', updates: 3, added: 5, removed: 5 }, // "start"; "Keep "
    ]);
    expect(second).toMatchObject({ updates: 6, added: 9, removed: 5 });
  });

  it('credits a deletion to whoever made it first, not to a client that sends it again as it reconnects', async () => {
    const t = typists(['ada', 'bob']);
    await t.edit('ada', 0, (x) => x.insert(0, 'hello world'));
    await t.edit('bob', 1_000, (x) => x.delete(5, 6)); // "world", ada's, this session
    await t.edit('bob', 120_000, (x) => x.delete(0, 1)); // "h", from the session before: bob removed it
    await t.edit('bob', 120_000, (x) => x.insert(0, 'H'));
    // Ada was offline for all of it: her sync step 2 holds her "!" and every range she has deleted,
    // which is everything bob deleted (y-websocket sends the whole delete set), and the log stores it.
    const ada = new Y.Doc();
    Y.applyUpdate(ada, Y.mergeUpdates((await store.readUpdates('d')).map((u) => u.update)));
    const known = Y.encodeStateVector(ada);
    ada.getText('t').insert(5, '!');
    const step2 = Y.encodeStateAsUpdate(ada, known);
    expect(Y.decodeUpdate(step2).ds.clients.size).toBe(1);
    await store.append([{ doc: 'd', entries: [{ update: step2, author: 'ada', receivedAt: 1_700_000_000_000 + 241_000 + 1_000 }] }]);
    const sessions = await timeline();
    expect(sessions.map((s) => s.authors)).toEqual([
      [
        { id: 'ada', updates: 1, added: 5, removed: 0 },
        { id: 'bob', updates: 1, added: 0, removed: 0 },
      ],
      [{ id: 'bob', updates: 1, added: 0, removed: 1 }],
      [
        { id: 'bob', updates: 1, added: 1, removed: 0 },
        { id: 'ada', updates: 1, added: 1, removed: 0 },
      ],
    ]);
    // A page starting after the first sessions, read without a cache, knows what was deleted before it.
    const later = await readTimeline(store, 'd', { afterSeq: 2, gapMs: 60_000 });
    expect(later.sessions.map((s) => [s.fromSeq, s.added, s.removed])).toEqual([
      [3, 0, 1],
      [4, 2, 0],
    ]);
  });

  it('merges the per-author runs compaction stored for a merged update into time sessions, and plain updates after them', async () => {
    const t = typists(['ada', 'bob']);
    for (let i = 0; i < 6; i++) await t.edit(i < 3 ? 'ada' : 'bob', 1_000, (x) => x.insert(0, 'x'));
    await t.edit('ada', 310_000, (x) => x.insert(0, 'yy')); // plain, 14 s after the last stored run ends
    const updates = await store.readUpdates('d');
    const at = updates[0]!.receivedAt;
    const run = (fromSeq: number, toSeq: number, author: string, startedAt: number) =>
      ({ fromSeq, toSeq, author, startedAt, endedAt: startedAt + 1_000, updates: toSeq - fromSeq + 1, added: toSeq - fromSeq + 1, removed: 0 });
    const stored = [run(1, 2, 'ada', at), run(3, 4, 'bob', at + 2_000), run(5, 5, 'ada', at + 4_000), run(6, 6, 'cy', at + 5 * 60_000)];
    const merged = new Map([[6, stored]]);
    const sessions = groupSessions([updates[5]!, updates[6]!], 60_000, merged);
    expect(sessions.map((s) => [s.fromSeq, s.toSeq, s.startedAt, s.endedAt, s.updates, s.added])).toEqual([
      [1, 5, at, at + 5_000, 5, 5],
      [6, 7, at + 5 * 60_000, updates[6]!.receivedAt, 2, 3],
    ]);
    expect(sessions[0]!.authors).toEqual([
      { id: 'ada', updates: 3, added: 3, removed: 0 },
      { id: 'bob', updates: 2, added: 2, removed: 0 },
    ]);
    expect(sessions[1]!.authors.map((a) => a.id)).toEqual(['cy', 'ada']);
  });
});
