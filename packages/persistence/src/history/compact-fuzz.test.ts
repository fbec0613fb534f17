// Compaction against a simple oracle: the raw log replayed to a seq. Random logs of several people with
// random pauses, checkpoints, named versions and restores; compacted with random policies, once or twice.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import type { DocumentStore } from '../types.js';
import { compactDocument } from './compact.js';
import { diffVersions } from './diff.js';
import { materialize, resolveSeq } from './materialize.js';
import { readTimeline } from './timeline.js';
import { copyStore } from '../transfer/copy-store.js';
import { readVisibleAuthorship } from './visible-authorship.js';
import { seededRandom as rng } from '../testing/seeded-random.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 25, 12);


describe('compaction against the raw log (randomized)', () => {
  let dataDir: string;
  let store: DocumentStore;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-compact-fuzz-'));
    store = openSqliteStore({ dataDir, synchronous: 'normal' });
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  // 25 logs here (9 s alone on this machine, far more beside the rest of the suite); FUZZ_LOGS=<n> runs more.
  it('keeps every stored version, every named version, and the sessions of the timeline', { timeout: 180_000 }, async () => {
    let merged = 0;
    for (let seed = 1; seed <= Number(process.env.FUZZ_LOGS ?? 25); seed++) {
      const doc = `d${seed}`;
      const r = rng(seed);
      const people = ['ada', 'bob', 'cy'].map((n) => ({ n, y: new Y.Doc() }));
      const texts: string[] = [''];
      const times: number[] = [];
      let at = NOW - 3 * DAY + Math.floor(r() * HOUR);
      const count = 20 + Math.floor(r() * 60);
      for (let seq = 1; seq <= count; seq++) {
        const p = people[Math.floor(r() * people.length)]!;
        const t = p.y.getText('t');
        let update: Uint8Array | undefined;
        p.y.once('update', (u: Uint8Array) => (update = u));
        if (t.length > 3 && r() < 0.3) t.delete(Math.floor(r() * (t.length - 2)), 1 + Math.floor(r() * 2));
        else t.insert(Math.floor(r() * (t.length + 1)), String.fromCharCode(97 + Math.floor(r() * 26)).repeat(1 + Math.floor(r() * 3)));
        for (const o of people) if (o !== p) Y.applyUpdate(o.y, update!);
        const k = r();
        at += k < 0.6 ? Math.floor(r() * 5_000) : k < 0.9 ? 30_000 + Math.floor(r() * 120_000) : Math.floor(r() * 3 * HOUR);
        await store.append([{ doc, entries: [{ update: update!, author: p.n, receivedAt: Math.min(at, NOW) }] }]);
        texts.push(t.toString());
        times.push(Math.min(at, NOW));
        if (r() < 0.1) await store.writeCheckpoint(doc, { seq, state: Y.encodeStateAsUpdate(await materialize(store, doc, seq)), createdAt: 0 });
        if (r() < 0.08) await store.createVersion(doc, { label: `v${seq}`, seq, author: p.n, createdAt: 0 });
      }
      const sessions = async () => (await readTimeline(store, doc, { limit: 500 })).sessions.map((s) => ({ ...s, added: 0, removed: 0, authors: s.authors.map((a) => ({ ...a, added: 0, removed: 0 })) }));
      const before = await sessions();
      const colours = async () => (await readVisibleAuthorship(store, doc)).ranges.map(([c, k, n, a, at]) => [c, k, n, a, Math.floor(at / 1000)]);
      const coloursBefore = await colours();
      const diffBefore = await diffVersions(store, doc, 0, count, {});
      const midSeq = 1 + Math.floor(r() * count);
      const diffMidBefore = await diffVersions(store, doc, midSeq, count, {});
      const bucket = [10 * 60_000, HOUR, DAY][Math.floor(r() * 3)]!;
      merged += (await compactDocument(store, doc, { keepAllForMs: Math.floor(r() * 2 * DAY), bucketMs: bucket }, { now: NOW })).rangesMerged;
      if (r() < 0.5) await compactDocument(store, doc, { keepAllForMs: Math.floor(r() * DAY), bucketMs: DAY }, { now: NOW });
      const ctx = { seed, doc };
      // Every seq resolves to a stored one at or after it whose content is the raw log's there.
      for (let seq = 0; seq <= count; seq++) {
        const used = await resolveSeq(store, doc, { seq });
        expect({ ...ctx, seq, ok: used >= seq }).toEqual({ ...ctx, seq, ok: true });
        const y = await materialize(store, doc, used);
        expect({ ...ctx, seq, text: y.getText('t').toString() }).toEqual({ ...ctx, seq, text: texts[used] });
      }
      // A time resolves to the first stored state holding every update made by then (the raw log's seq at it).
      for (let k = 0; k < 20; k++) {
        const time = times[0]! - 1000 + Math.floor(r() * (times.at(-1)! - times[0]! + 2000));
        const raw = times.filter((x) => x <= time).length;
        const wanted = raw === 0 ? 0 : await resolveSeq(store, doc, { seq: raw });
        expect({ ...ctx, time, seq: await resolveSeq(store, doc, { at: time }) }).toEqual({ ...ctx, time, seq: wanted });
      }
      for (const v of await store.listVersions(doc)) {
        const y = await materialize(store, doc, v.seq);
        expect({ ...ctx, v: v.label, text: y.getText('t').toString() }).toEqual({ ...ctx, v: v.label, text: texts[Number(v.label.slice(1))] });
      }
      const d = await diffVersions(store, doc, 0, count, {});
      expect({ ...ctx, changes: d.changes, totals: d.authors }).toEqual({ ...ctx, changes: diffBefore.changes, totals: diffBefore.authors });
      const midUsed = await resolveSeq(store, doc, { seq: midSeq });
      if (midUsed === midSeq) {
        const dm = await diffVersions(store, doc, midSeq, count, {});
        expect({ ...ctx, midSeq, changes: dm.changes }).toEqual({ ...ctx, midSeq, changes: diffMidBefore.changes });
      }
      expect({ ...ctx, colours: await colours() }).toEqual({ ...ctx, colours: coloursBefore });
      const after = await sessions();
      // `tandem copy` to another store, in small batches: the same history there.
      const target = openSqliteStore({ dataDir: path.join(dataDir, `copy-${seed}`), synchronous: 'normal' });
      try {
        const report = await copyStore(store, target, { docs: [doc], batchSize: 1 + Math.floor(r() * 5) });
        expect({ ...ctx, ok: report.ok }).toEqual({ ...ctx, ok: true });
        const full = async (st: DocumentStore) => (await readTimeline(st, doc, { limit: 500 })).sessions;
        expect({ ...ctx, copied: await full(target) }).toEqual({ ...ctx, copied: await full(store) });
        const runs = async (st: DocumentStore) => (await readVisibleAuthorship(st, doc)).ranges;
        expect({ ...ctx, copied: await runs(target) }).toEqual({ ...ctx, copied: await runs(store) });
        const dd = async (st: DocumentStore) => await diffVersions(st, doc, 0, count, {});
        expect({ ...ctx, copied: await dd(target) }).toEqual({ ...ctx, copied: await dd(store) });
        const named = async (st: DocumentStore) => (await st.listVersions(doc)).map(({ id: _, ...v }) => v);
        expect({ ...ctx, copied: await named(target) }).toEqual({ ...ctx, copied: await named(store) });
      } finally {
        await target.close();
      }
      expect({ ...ctx, sessions: after.map((s) => [s.startedAt, s.endedAt, s.updates, s.authors.map((a) => [a.id, a.updates])]) }).toEqual({
        ...ctx,
        sessions: before.map((s) => [s.startedAt, s.endedAt, s.updates, s.authors.map((a) => [a.id, a.updates])]),
      });
    }
    expect(merged).toBeGreaterThan(20);
  });

  it('answers a time inside a merged range with the merged update that holds what was there then, not an older state', async () => {
    const writer = new Y.Doc();
    const text = writer.getText('t');
    const start = NOW - 40 * DAY;
    for (let i = 0; i < 10; i++) {
      let update: Uint8Array | undefined;
      writer.once('update', (u: Uint8Array) => (update = u));
      text.insert(text.length, String(i));
      await store.append([{ doc: 'd', entries: [{ update: update!, author: 'ada', receivedAt: start + i * 60_000 }] }]);
    }
    const at = start + 4 * 60_000 + 30_000; // after the fifth update: "01234"
    const atBefore = await resolveSeq(store, 'd', { at });
    expect((await materialize(store, 'd', atBefore)).getText('t').toString()).toBe('01234');
    expect((await compactDocument(store, 'd', { keepAllForMs: 30 * DAY, bucketMs: HOUR }, { now: NOW })).rangesMerged).toBe(1);
    // The document had "01234" then: the answer holds it (the merged update, as for a seq inside the range),
    // never the empty document before the range.
    const used = await resolveSeq(store, 'd', { at });
    expect((await materialize(store, 'd', used)).getText('t').toString()).toContain('01234');
    // Before the range's first update, the document was empty: still 0.
    expect(await resolveSeq(store, 'd', { at: start - 1 })).toBe(0);
  });
});
