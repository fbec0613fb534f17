import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import type { DocumentStore } from '../types.js';
import { readItemAuthors } from './authorship.js';
import { compactDocument } from './compact.js';
import { diffVersions } from './diff.js';
import { readVisibleAuthorship } from './visible-authorship.js';
import { materialize, resolveSeq } from './materialize.js';
import { readTimeline } from './timeline.js';
import { verifyDocument } from './verify.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 25, 12);

describe('compaction with a retention policy', () => {
  let dataDir: string;
  let store: DocumentStore;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-compact-'));
    store = openSqliteStore({ dataDir });
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('merges old updates to one per hour, keeps recent ones, the latest content and every named version', async () => {
    const writer = new Y.Doc();
    const text = writer.getText('t');
    const texts: string[] = [''];
    // 3 hours of edits 40 days ago (10 per hour), then 5 edits an hour ago.
    const times = [
      ...Array.from({ length: 30 }, (_, i) => NOW - 40 * DAY + Math.floor(i / 10) * HOUR + (i % 10) * 60_000),
      ...Array.from({ length: 5 }, (_, i) => NOW - HOUR + i * 1000),
    ];
    for (const [i, at] of times.entries()) {
      let update: Uint8Array | undefined;
      writer.once('update', (u: Uint8Array) => (update = u));
      if (i % 7 === 6) text.delete(0, 1);
      else text.insert(text.length, String.fromCharCode(97 + (i % 26)));
      await store.append([{ doc: 'd', entries: [{ update: update!, author: i % 2 ? 'alice' : 'bob', receivedAt: at }] }]);
      texts.push(text.toString());
      if ((i + 1) % 10 === 0) {
        const state = await materialize(store, 'd', i + 1);
        await store.writeCheckpoint('d', { seq: i + 1, state: Y.encodeStateAsUpdate(state), createdAt: 0 });
      }
    }
    await store.createVersion('d', { label: 'mid-hour', seq: 14, author: 'alice', createdAt: 0 });
    const recentBefore = (await store.readUpdates('d', { afterSeq: 30 })).map((u) => [u.seq, Array.from(u.update)]);

    const dry = await compactDocument(store, 'd', { keepAllForMs: 30 * DAY, bucketMs: HOUR }, { now: NOW, dryRun: true });
    expect((await store.getDocument('d'))!.updateCount).toBe(35);
    const progress: number[] = [];
    const report = await compactDocument(store, 'd', { keepAllForMs: 30 * DAY, bucketMs: HOUR }, { now: NOW, onProgress: (d) => progress.push(d) });
    expect(report).toEqual(dry);
    // Hour 1: one version; hour 2: split at the named version (seq 14) → two; hour 3: one; + 5 recent.
    expect(report).toMatchObject({ updatesBefore: 35, updatesAfter: 9, rangesMerged: 4 });
    expect(report.bytesAfter).toBeLessThan(report.bytesBefore);
    expect(progress).toEqual([1, 2, 3, 4]);

    const seqs = (await store.readUpdates('d')).map((u) => u.seq);
    expect(seqs).toEqual([10, 14, 20, 30, 31, 32, 33, 34, 35]);
    expect((await store.readUpdates('d', { afterSeq: 30 })).map((u) => [u.seq, Array.from(u.update)])).toEqual(recentBefore);
    for (const seq of seqs) expect((await materialize(store, 'd', seq)).getText('t').toString(), `seq ${seq}`).toBe(texts[seq]);
    expect((await materialize(store, 'd', 14)).getText('t').toString()).toBe(texts[14]); // the named version
    expect((await verifyDocument(store, 'd')).problems).toEqual([]);

    // A second run finds nothing more to do.
    expect(report.settledThroughSeq).toBe(30);
    expect((await compactDocument(store, 'd', { keepAllForMs: 30 * DAY, bucketMs: HOUR }, { now: NOW })).rangesMerged).toBe(0);
  });

  it('keeps the authors and times of every edit session inside the ranges it merges, for the timeline', async () => {
    const writer = new Y.Doc();
    const text = writer.getText('t');
    let seq = 0;
    const write = async (author: string, at: number, change: () => void) => {
      let update: Uint8Array | undefined;
      writer.once('update', (u: Uint8Array) => (update = u));
      change();
      await store.append([{ doc: 'd', entries: [{ update: update!, author, receivedAt: at }] }]);
      seq += 1;
    };
    // Three hours, 40 days ago: alice types 4 words, bob deletes 3 characters, alice types 2 more.
    for (let hour = 0; hour < 3; hour++) {
      const start = NOW - 40 * DAY + hour * HOUR;
      for (let i = 0; i < 4; i++) await write('alice', start + i * 10_000, () => text.insert(text.length, `word${i} `));
      for (let i = 0; i < 3; i++) await write('bob', start + 10 * 60_000 + i * 5_000, () => text.delete(0, 1));
      for (let i = 0; i < 2; i++) await write('alice', start + 30 * 60_000 + i * 5_000, () => text.insert(0, 'ab'));
    }
    await store.createVersion('d', { label: 'inside the second hour', seq: 13, author: 'bob', createdAt: 0 });
    for (let i = 0; i < 3; i++) await write('carol', NOW - HOUR + i * 1000, () => text.insert(0, 'c'));
    const all = async () => (await readTimeline(store, 'd', { limit: 500 })).sessions;
    const paged = async () => {
      const sessions = [];
      for (let after: number | null = 0; after !== null; ) {
        const page = await readTimeline(store, 'd', { afterSeq: after, limit: 2, chunk: 4 });
        sessions.push(...page.sessions);
        after = page.nextAfterSeq;
      }
      return sessions;
    };
    const before = await all();
    expect(before).toHaveLength(10); // 3 per hour, then carol's

    const report = await compactDocument(store, 'd', { keepAllForMs: 30 * DAY, bucketMs: HOUR }, { now: NOW });
    expect(report.rangesMerged).toBe(4); // one per hour; the second split at the named version
    expect(await all()).toEqual(before);
    expect(await paged()).toEqual(before);

    // Merging the merged ranges again (one per day) keeps them too.
    expect((await compactDocument(store, 'd', { keepAllForMs: 30 * DAY, bucketMs: DAY }, { now: NOW })).rangesMerged).toBe(2);
    expect((await store.readUpdates('d')).length).toBe(2 + 3);
    expect(await all()).toEqual(before);
    expect(await paged()).toEqual(before);
  });

  it('keeps a deletion sent again by a reconnecting client out of the stored sessions: it removed nothing', async () => {
    const bob = new Y.Doc();
    const stored: Array<{ update: Uint8Array; author: string; receivedAt: number }> = [];
    const edit = (doc: Y.Doc, author: string, receivedAt: number, change: (t: Y.Text) => void) => {
      let update: Uint8Array | undefined;
      doc.once('update', (u: Uint8Array) => (update = u));
      change(doc.getText('t'));
      stored.push({ update: update!, author, receivedAt });
    };
    edit(bob, 'bob', NOW - 40 * DAY, (t) => t.insert(0, 'hello wonderful world'));
    edit(bob, 'bob', NOW - 40 * DAY + 1_000, (t) => t.delete(5, 10)); // bob's own, in his session
    // Hours later, in another range: alice, offline since before bob's deletion, reconnects with one
    // character and (as y-websocket sends it) every range she knows deleted, bob's included.
    const alice = new Y.Doc();
    for (const u of stored) Y.applyUpdate(alice, u.update);
    const known = Y.encodeStateVector(alice);
    alice.getText('t').insert(0, '>');
    stored.push({ update: Y.encodeStateAsUpdate(alice, known), author: 'alice', receivedAt: NOW - 40 * DAY + 3 * HOUR });
    edit(bob, 'bob', NOW - 40 * DAY + 3 * HOUR + 1_000, (t) => t.insert(t.length, '!'));
    await store.append([{ doc: 'd', entries: stored }]);
    const before = (await readTimeline(store, 'd')).sessions.map((s) => s.authors);
    expect(before).toEqual([
      [{ id: 'bob', updates: 2, added: 11, removed: 0 }],
      [
        { id: 'alice', updates: 1, added: 1, removed: 0 },
        { id: 'bob', updates: 1, added: 1, removed: 0 },
      ],
    ]);
    await compactDocument(store, 'd', { keepAllForMs: 30 * DAY, bucketMs: HOUR }, { now: NOW });
    expect((await store.getDocument('d'))!.updateCount).toBe(2);
    expect((await readTimeline(store, 'd')).sessions.map((s) => s.authors)).toEqual(before);
  });

  it('keeps a session of three concurrent typists (a switch at every update) as one session of three authors', async () => {
    const writer = new Y.Doc();
    const entries = [];
    for (let i = 0; i < 600; i++) {
      let update: Uint8Array | undefined;
      writer.once('update', (u: Uint8Array) => (update = u));
      if (i % 6 === 5) writer.getText('t').delete(0, 1); // carol takes bob's last 'k' back: nets out
      else writer.getText('t').insert(0, 'k');
      entries.push({ update: update!, author: ['alice', 'bob', 'carol'][i % 3]!, receivedAt: NOW - 40 * DAY + i * 100 });
    }
    await store.append([{ doc: 'd', entries }]);
    const before = (await readTimeline(store, 'd', { limit: 50 })).sessions;
    expect(before).toHaveLength(1);
    expect(before[0]!.authors).toEqual([
      { id: 'alice', updates: 200, added: 200, removed: 0 },
      { id: 'bob', updates: 200, added: 100, removed: 0 },
      { id: 'carol', updates: 200, added: 100, removed: 0 },
    ]);
    expect((await compactDocument(store, 'd', { keepAllForMs: 30 * DAY, bucketMs: HOUR }, { now: NOW })).updatesAfter).toBe(1);
    expect(await store.readCompactedSessions('d')).toHaveLength(3); // one run per author
    expect((await readTimeline(store, 'd', { limit: 50 })).sessions).toEqual(before);
  });

  /** Ann's and Ben's clients, each applying the other's updates; `write` stores one change as its author. */
  const twoWriters = () => {
    const ann = new Y.Doc();
    const ben = new Y.Doc();
    const write = async (writer: Y.Doc, other: Y.Doc, author: string, at: number, change: (t: Y.Text) => void) => {
      let update: Uint8Array | undefined;
      writer.once('update', (u: Uint8Array) => (update = u));
      change(writer.getText('t'));
      Y.applyUpdate(other, update!);
      await store.append([{ doc: 'd', entries: [{ update: update!, author, receivedAt: at }] }]);
    };
    return { ann, ben, write };
  };

  it('keeps who wrote what in a range several people wrote: authorship, diffs and item authors name them, not "compacted"', async () => {
    const { ann, ben, write: writeOne } = twoWriters();
    let seq = 0;
    const write = async (...args: Parameters<typeof writeOne>) => (await writeOne(...args), ++seq);
    // One hour, 40 days ago: Ann and Ben type in turns, each on their own client; Ben deletes one of Ann's words.
    const start = NOW - 40 * DAY;
    for (let i = 0; i < 20; i++) {
      await write(ann, ben, 'ann', start + i * 60_000, (t) => t.insert(t.length, `a${i} `));
      await write(ben, ann, 'ben', start + i * 60_000 + 1000, (t) => t.insert(t.length, `b${i} `));
    }
    await write(ben, ann, 'ben', start + 30 * 60_000, (t) => t.delete(0, 3)); // "a0 "
    // A comment-like item Ann made: whose is it after the merge?
    const annItem = { client: ann.clientID, clock: 3 }; // inside "a1 " (her second insert)
    const before = {
      visible: await readVisibleAuthorship(store, 'd'),
      diff: await diffVersions(store, 'd', 0, seq),
      items: await readItemAuthors(store, 'd', [annItem, { client: ben.clientID, clock: 0 }], seq),
    };
    expect(before.items).toEqual(['ann', 'ben']);

    const report = await compactDocument(store, 'd', { keepAllForMs: 30 * DAY, bucketMs: HOUR }, { now: NOW });
    expect(report).toMatchObject({ updatesBefore: 41, updatesAfter: 1 });
    const [merged] = await store.readUpdates('d');
    expect(merged!.author).toBe('compacted');
    // Who wrote each run still there (and when), and who inserted and deleted what, exactly as before the merge.
    const after = await readVisibleAuthorship(store, 'd');
    expect(after.authors.sort()).toEqual(['ann', 'ben']);
    expect(after.ranges).toEqual(before.visible.ranges);
    expect(await diffVersions(store, 'd', 0, seq)).toEqual(before.diff);
    expect((await diffVersions(store, 'd', 0, seq)).authors.map((a) => a.author)).toEqual(['ann', 'ben']);
    expect(await readItemAuthors(store, 'd', [annItem, { client: ben.clientID, clock: 0 }], seq)).toEqual(['ann', 'ben']);

    // Merged again with later updates (a bigger bucket): the table of the merged update carries over.
    await write(ann, ben, 'ann', start + 2 * HOUR, (t) => t.insert(0, 'late '));
    expect((await compactDocument(store, 'd', { keepAllForMs: 30 * DAY, bucketMs: DAY }, { now: NOW })).updatesAfter).toBe(1);
    expect(await readItemAuthors(store, 'd', [annItem, { client: ben.clientID, clock: 0 }, { client: ann.clientID, clock: 70 }], seq + 1)).toEqual([
      'ann',
      'ben',
      'ann',
    ]);
    const again = await readVisibleAuthorship(store, 'd');
    expect(again.authors.sort()).toEqual(['ann', 'ben']);
    expect(await store.readMergedAuthorship('d')).toHaveLength(1); // the first table went with the range it covered
    expect(ann.getText('t').toString()).toMatch(/^late b0 a1 b1 /);
  });

  it('gives the same authorship colour runs after a merge as before, for a run typed across a minute boundary', async () => {
    const { ann, ben, write } = twoWriters();
    const t0 = NOW - 40 * DAY; // on a minute boundary
    // Ann types "a" at 00:30 and "b" at 01:15: one run (its keys start less than 60 s apart); Ben adds one.
    await write(ann, ben, 'ann', t0 + 30_000, (t) => t.insert(0, 'a'));
    await write(ann, ben, 'ann', t0 + 75_000, (t) => t.insert(1, 'b'));
    await write(ben, ann, 'ben', t0 + 80_000, (t) => t.insert(2, 'X'));
    const before = await readVisibleAuthorship(store, 'd');
    expect(before.ranges.filter(([, , , author]) => author === 'ann').map(([client, clock, length]) => [client, clock, length])).toEqual([[ann.clientID, 0, 2]]);
    await compactDocument(store, 'd', { keepAllForMs: 30 * DAY, bucketMs: HOUR }, { now: NOW });
    expect((await store.readUpdates('d')).map((u) => u.author)).toEqual(['compacted']);
    expect((await readVisibleAuthorship(store, 'd')).ranges).toEqual(before.ranges);
  });

  it('keeps at most 200 runs of a range of many short sessions, joining neighbouring sessions, never authors', async () => {
    const writer = new Y.Doc();
    const entries = [];
    // 300 sessions of two people, 2 minutes apart, in one day: 600 runs.
    for (let i = 0; i < 600; i++) {
      let update: Uint8Array | undefined;
      writer.once('update', (u: Uint8Array) => (update = u));
      writer.getText('t').insert(0, 'k');
      entries.push({ update: update!, author: i % 2 ? 'bob' : 'alice', receivedAt: NOW - 40 * DAY + Math.floor(i / 2) * 120_000 + (i % 2) * 1000 });
    }
    await store.append([{ doc: 'd', entries }]);
    expect((await readTimeline(store, 'd', { limit: 500 })).sessions).toHaveLength(300);
    expect((await compactDocument(store, 'd', { keepAllForMs: 30 * DAY, bucketMs: DAY }, { now: NOW })).updatesAfter).toBe(1);
    const runs = await store.readCompactedSessions('d');
    expect(runs.length).toBeLessThanOrEqual(200);
    expect(new Set(runs.map((r) => r.author))).toEqual(new Set(['alice', 'bob']));
    const after = (await readTimeline(store, 'd', { limit: 500 })).sessions;
    expect(after.length).toBeLessThan(300);
    expect(after[0]).toMatchObject({ fromSeq: 1, startedAt: NOW - 40 * DAY });
    for (const [i, s] of after.entries()) if (i > 0) expect(s.fromSeq).toBe(after[i - 1]!.toSeq + 1);
    expect(after.at(-1)).toMatchObject({ toSeq: 600, endedAt: NOW - 40 * DAY + 299 * 120_000 + 1000 });
    expect(after.reduce((n, s) => n + s.updates, 0)).toBe(600);
    expect(after.reduce((n, s) => n + s.added, 0)).toBe(600);
    for (const s of after) expect(s.authors.map((a) => a.id)).toEqual(['alice', 'bob']);
  });

  it('stops between ranges when aborted, and a run resumed after settledThroughSeq finishes the job', async () => {
    const writer = new Y.Doc();
    const entries = [];
    for (let i = 0; i < 40; i++) {
      let update: Uint8Array | undefined;
      writer.once('update', (u: Uint8Array) => (update = u));
      writer.getText('t').insert(0, `${i % 10}`);
      entries.push({ update: update!, author: 'alice', receivedAt: NOW - 40 * DAY + i * (HOUR / 10) }); // 4 hours
    }
    await store.append([{ doc: 'd', entries }]);
    const policy = { keepAllForMs: 30 * DAY, bucketMs: HOUR };
    const stop = new AbortController();
    const first = await compactDocument(store, 'd', policy, { now: NOW, signal: stop.signal, onProgress: () => stop.abort() });
    expect(first).toMatchObject({ rangesMerged: 1, updatesAfter: 31, settledThroughSeq: 10 });
    const rest = await compactDocument(store, 'd', policy, { now: NOW, afterSeq: first.settledThroughSeq });
    expect(rest).toMatchObject({ rangesMerged: 3, updatesAfter: 4, settledThroughSeq: 40 });
    expect((await store.readUpdates('d')).map((u) => u.seq)).toEqual([10, 20, 30, 40]);
    expect((await materialize(store, 'd', 40)).getText('t').toString()).toBe(writer.getText('t').toString());
  });

  it('merges a bucket the cutoff fell in, resumed after settledThroughSeq, into one version', async () => {
    const writer = new Y.Doc();
    const entries = [];
    for (let i = 0; i < 20; i++) {
      let update: Uint8Array | undefined;
      writer.once('update', (u: Uint8Array) => (update = u));
      writer.getText('t').insert(0, 'z');
      entries.push({ update: update!, author: 'alice', receivedAt: NOW - 3 * HOUR + i * 60_000 }); // 09:00-10:00, minutes 0..19
    }
    await store.append([{ doc: 'd', entries }]);
    await store.append([{ doc: 'd', entries: [{ update: new Uint8Array([0, 0]), author: 'alice', receivedAt: NOW }] }]);
    const policy = { keepAllForMs: HOUR, bucketMs: HOUR };
    // The cutoff falls at minute 10 of the bucket: its first 10 updates merge, the bucket is not settled.
    const first = await compactDocument(store, 'd', policy, { now: NOW - 2 * HOUR + 10 * 60_000 - 1 });
    expect(first).toMatchObject({ rangesMerged: 1, updatesAfter: 12, settledThroughSeq: 0 });
    const second = await compactDocument(store, 'd', policy, { now: NOW, afterSeq: first.settledThroughSeq });
    expect(second).toMatchObject({ rangesMerged: 1, updatesAfter: 2, settledThroughSeq: 20 });
    expect((await store.readUpdates('d')).map((u) => u.seq)).toEqual([20, 21]);
  });

  /** Two hours of typing 40 days ago (10 updates each, alice then bob every 5) and one recent edit; the text after each seq. */
  const typeTwoOldHours = async () => {
    const writer = new Y.Doc();
    const text = writer.getText('t');
    const texts = [''];
    for (let i = 0; i < 21; i++) {
      let update: Uint8Array | undefined;
      writer.once('update', (u: Uint8Array) => (update = u));
      text.insert(text.length, i < 20 ? String.fromCharCode(97 + i) : '!');
      const at = i < 20 ? NOW - 40 * DAY + Math.floor(i / 10) * HOUR + (i % 10) * 1000 : NOW - 1000;
      await store.append([{ doc: 'd', entries: [{ update: update!, author: Math.floor(i / 5) % 2 ? 'bob' : 'alice', receivedAt: at }] }]);
      texts.push(text.toString());
    }
    return texts;
  };
  const policy = { keepAllForMs: 30 * DAY, bucketMs: HOUR };

  it('resolves a seq merged away (a timeline session ending inside a merged range) to the merged update that holds it', async () => {
    const texts = await typeTwoOldHours();
    expect((await compactDocument(store, 'd', policy, { now: NOW })).rangesMerged).toBe(2);
    expect((await store.readUpdates('d')).map((u) => u.seq)).toEqual([10, 20, 21]);
    // With a 3 s gap, the timeline still lists alice's session 1..5 and bob's 6..10 inside the first merged
    // update (their runs' times are 1 s apart inside, and bob starts 1 s after alice stops: joined
    // when the gap is larger).
    const sessions = (await readTimeline(store, 'd', { limit: 500, gapMs: 1_000 })).sessions;
    const inside = sessions.find((s) => s.toSeq === 5)!;
    expect(inside).toMatchObject({ fromSeq: 1, authors: [{ id: 'alice', updates: 5 }] });
    expect((await readTimeline(store, 'd', { limit: 500 })).sessions[0]!.authors.map((a) => a.id)).toEqual(['alice', 'bob']);
    const resolved = await resolveSeq(store, 'd', { seq: inside.toSeq });
    expect(resolved).toBe(10);
    const text = (await materialize(store, 'd', resolved)).getText('t').toString();
    expect(text).toBe(texts[10]);
    expect(text.startsWith(texts[5]!)).toBe(true); // what was typed up to the session's end is there
    for (const seq of [11, 15, 19]) expect(await resolveSeq(store, 'd', { seq })).toBe(20);
    for (const seq of [0, 10, 20, 21]) expect(await resolveSeq(store, 'd', { seq })).toBe(seq);
    await expect(resolveSeq(store, 'd', { seq: 22 })).rejects.toMatchObject({ code: 'out-of-range' });
  });

  it('skips a range in which a named version appeared during the run (conflict), keeps that version right, and merges it on the next run', async () => {
    const texts = await typeTwoOldHours();
    // Someone names seq 15 (inside the second hour) while the first range is being merged.
    let created: Promise<unknown> | undefined;
    const report = await compactDocument(store, 'd', policy, {
      now: NOW,
      onProgress: (done) => {
        if (done === 1) created = store.createVersion('d', { label: 'named meanwhile', seq: 15, author: 'bob', createdAt: NOW });
      },
    });
    await created;
    expect(report).toMatchObject({ rangesMerged: 1, rangesSkipped: 1, updatesAfter: 12, settledThroughSeq: 10 });
    expect((await store.readUpdates('d')).map((u) => u.seq)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
    expect((await materialize(store, 'd', 15)).getText('t').toString()).toBe(texts[15]);

    const next = await compactDocument(store, 'd', policy, { now: NOW, afterSeq: report.settledThroughSeq });
    expect(next).toMatchObject({ rangesMerged: 2, rangesSkipped: 0, settledThroughSeq: 20 });
    expect((await store.readUpdates('d')).map((u) => u.seq)).toEqual([10, 15, 20, 21]);
    expect((await materialize(store, 'd', 15)).getText('t').toString()).toBe(texts[15]);
    expect((await store.listVersions('d')).map((v) => v.seq)).toEqual([15]);
    expect((await verifyDocument(store, 'd')).problems).toEqual([]);
  });

  it('skips a range that another compaction merged meanwhile (a CLI run beside the sweep), losing nothing', async () => {
    const texts = await typeTwoOldHours();
    // While this run (one version per hour) is about to replace 11..20, another (one per day) merges 10..20.
    let other: Awaited<ReturnType<typeof compactDocument>> | undefined;
    const racing: DocumentStore = Object.create(store);
    racing.replaceRange = async (...args) => {
      if (args[1] === 11 && other === undefined) other = await compactDocument(store, 'd', { keepAllForMs: 30 * DAY, bucketMs: DAY }, { now: NOW });
      return store.replaceRange(...args);
    };
    const report = await compactDocument(racing, 'd', policy, { now: NOW });
    expect(other).toMatchObject({ rangesMerged: 1, updatesAfter: 2 });
    expect(report).toMatchObject({ rangesMerged: 1, rangesSkipped: 1 });
    expect((await store.readUpdates('d')).map((u) => u.seq)).toEqual([20, 21]);
    for (const seq of [20, 21]) expect((await materialize(store, 'd', seq)).getText('t').toString(), `seq ${seq}`).toBe(texts[seq]);
    expect((await verifyDocument(store, 'd')).problems).toEqual([]);
  });

  it('skips a range whose first update another compaction (other bucket bounds) merged with the ones before it, losing nothing', async () => {
    // Typed two days ago, minutes after the hour: 0, 10, 50, 55 | 65 | 95, 100, 110.
    const base = Math.floor((NOW - 2 * DAY) / HOUR) * HOUR;
    const doc = new Y.Doc();
    const texts: string[] = [''];
    for (const [i, minute] of [0, 10, 50, 55, 65, 95, 100, 110].entries()) {
      const before = Y.encodeStateVector(doc);
      doc.getText('t').insert(doc.getText('t').length, String.fromCharCode(97 + i));
      await store.append([{ doc: 'd', entries: [{ update: Y.encodeStateAsUpdate(doc, before), author: i % 2 ? 'bob' : 'ada', receivedAt: base + minute * 60_000 }] }]);
      texts.push(doc.getText('t').toString());
    }
    // This run (one version per hour) merges 1..4, then is about to replace 5..8 (four updates). Meanwhile
    // another (one per 45 minutes, keeping the last 90 minutes' updates) merges 4..5: 5..8 still holds four rows.
    let other: Awaited<ReturnType<typeof compactDocument>> | undefined;
    const racing: DocumentStore = Object.create(store);
    racing.replaceRange = async (...args) => {
      if (args[1] === 5 && other === undefined) {
        other = await compactDocument(store, 'd', { keepAllForMs: 0, bucketMs: 45 * 60_000 }, { now: base + 90 * 60_000 });
      }
      return store.replaceRange(...args);
    };
    await compactDocument(racing, 'd', { keepAllForMs: HOUR, bucketMs: HOUR }, { now: NOW });
    expect(other).toMatchObject({ rangesMerged: 1 });
    expect((await materialize(store, 'd', 8)).getText('t').toString()).toBe(texts[8]);
    expect((await verifyDocument(store, 'd')).problems).toEqual([]);
  });

  it('verify reports a named version left at a seq compaction merged away (a store compacted before the check)', async () => {
    await typeTwoOldHours();
    await compactDocument(store, 'd', policy, { now: NOW });
    expect((await verifyDocument(store, 'd')).problems).toEqual([]);
    // What the race left behind before replaceRange checked named versions.
    const raw = new Database(path.join(dataDir, 'tandem.sqlite'));
    raw.prepare(`INSERT INTO versions (doc_id, label, seq, author, created_at) SELECT id, 'stale', 5, 'bob', 0 FROM documents WHERE name = 'd'`).run();
    raw.close();
    const { problems } = await verifyDocument(store, 'd');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/"stale".* seq 5, which compaction merged away; it shows seq 10/);
  });
});
