import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openPostgresStore } from '../adapters/postgres/postgres-store.js';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import { compactDocument } from '../history/compact.js';
import { materialize } from '../history/materialize.js';
import { type TestSchema, testSchema } from '../testing/postgres.js';
import type { DocumentStore, ShareLink } from '../types.js';
import { copyStore } from './copy-store.js';
import { verifyCopy } from './verify-copy.js';

const DAY = 86_400_000;

/**
 * `count` updates typed into a text by two authors (every seventh a deletion), written in commits of
 * 25, a checkpoint every 100 updates, named versions at a few seqs; the older part is ten days old, so
 * that compaction (kept: the last two days, one version per hour) merges it, leaving gaps in the seqs.
 */
async function writeHistory(store: DocumentStore, doc: string, count: number, seed: number): Promise<void> {
  const ydoc = new Y.Doc();
  const text = ydoc.getText('t');
  const pending: Uint8Array[] = [];
  ydoc.on('update', (u: Uint8Array) => pending.push(u));
  let at = Date.now() - 10 * DAY + seed * 1000;
  let entries: Array<{ update: Uint8Array; author: string; receivedAt: number }> = [];
  let seq = 0;
  for (let i = 0; i < count; i++) {
    if (i % 7 === 6 && text.length > 2) text.delete((i * 13 + seed) % (text.length - 1), 1);
    else text.insert((i * 31 + seed) % (text.length + 1), String.fromCharCode(97 + ((i + seed) % 26)));
    at += i === Math.floor(count * 0.8) ? 9 * DAY : 20_000; // the last fifth is recent
    for (const update of pending.splice(0)) entries.push({ update, author: Math.floor(i / 40) % 2 ? 'bob' : 'alice', receivedAt: at });
    if (entries.length >= 25 || i === count - 1) {
      const before = seq;
      seq = (await store.append([{ doc, entries }]))[0]!.lastSeq;
      entries = [];
      if (Math.floor(seq / 100) > Math.floor(before / 100)) await store.writeCheckpoint(doc, { seq, state: Y.encodeStateAsUpdate(ydoc), createdAt: at });
    }
  }
  for (const [i, s] of [Math.floor(seq / 3), Math.floor(seq / 2), seq].entries()) {
    await store.createVersion(doc, { label: `v${i} of ${doc}`, seq: s, author: i % 2 ? 'bob' : 'alice', createdAt: at + i });
  }
  await store.createVersion(doc, { label: 'start', seq: 0, author: 'alice', createdAt: at + 10 });
  await store.recordAuthors([
    { id: 'alice', name: `Alice ${seed}`, verified: true, seenAt: at },
    { id: 'bob', name: 'Bob', verified: false, seenAt: at + seed },
  ]);
  await compactDocument(store, doc, { keepAllForMs: 2 * DAY, bucketMs: 3_600_000 });
}

const sortedAuthors = async (store: DocumentStore) => (await store.listAuthors(['alice', 'bob', 'carol'])).sort((a, b) => a.id.localeCompare(b.id));

/** Every state of `doc` that can be asked for (seq 0, every stored seq, every named version) is the same in both stores. */
async function expectSameVersions(a: DocumentStore, b: DocumentStore, doc: string): Promise<number> {
  const seqs = new Set([0, ...(await a.readUpdates(doc)).map((u) => u.seq), ...(await a.listVersions(doc)).map((v) => v.seq)]);
  expect((await b.readUpdates(doc)).map((u) => u.seq)).toEqual((await a.readUpdates(doc)).map((u) => u.seq));
  for (const seq of seqs) {
    const [x, y] = [await materialize(a, doc, seq), await materialize(b, doc, seq)];
    expect(Buffer.from(Y.encodeStateAsUpdate(y)).equals(Buffer.from(Y.encodeStateAsUpdate(x))), `${doc} at seq ${seq}`).toBe(true);
    expect(y.getText('t').toString()).toBe(x.getText('t').toString());
  }
  return seqs.size;
}

describe('copying a store between SQLite and PostgreSQL', () => {
  let dir: string;
  let db: TestSchema;
  const open: DocumentStore[] = [];
  const sqlite = (name: string) => {
    const store = openSqliteStore({ dataDir: path.join(dir, name), synchronous: 'normal' });
    open.push(store);
    return store;
  };
  const postgres = async (schema = db.schema) => {
    const store = await openPostgresStore({ url: db.url, schema, poolSize: 3 });
    open.push(store);
    return store;
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tandem-copy-'));
    db = testSchema('copy');
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('copies SQLite → PostgreSQL → SQLite keeping every seq, gap, version, checkpoint and session, and every state', async () => {
    const source = sqlite('source');
    const docs = ['minutes', 'team/plan', 'ünïcödé'];
    for (const [i, doc] of docs.entries()) await writeHistory(source, doc, 400 + i * 150, i);
    // Compaction left gaps, sessions and checkpoints on either side of them.
    for (const doc of docs) {
      const info = (await source.getDocument(doc))!;
      expect(info.updateCount).toBeLessThan(info.lastSeq);
      expect((await source.readCompactedSessions(doc)).length).toBeGreaterThan(0);
      expect((await source.readMergedAuthorship(doc)).length).toBeGreaterThan(0); // hours both wrote in
      expect(await source.latestCheckpoint(doc)).toBeDefined();
    }
    await source.trashDocument('team/plan', { at: 1_700_000_123_000, by: 'alice' });
    // What "Undo restore" may take back, and what editors are told of ([104]).
    const lastOf = async (doc: string) => (await source.getDocument(doc))!.lastSeq;
    await source.recordRestore('minutes', { seq: (await lastOf('minutes')) - 5, restoredTo: 3, author: 'alice', at: 1_700_000_000_000 });
    await source.recordRestore('minutes', { seq: await lastOf('minutes'), restoredTo: 7, author: 'bob', at: 1_700_000_100_000 });
    const progress: number[] = [];
    const pg = await postgres();
    const there = await copyStore(source, pg, { batchSize: 64, onProgress: (p) => p.phase === 'copy' && progress.push(p.updatesCopied) });
    expect(there.ok).toBe(true);
    expect(there.documents.map((d) => d.doc)).toEqual(docs);
    expect(there.documents.map((d) => d.authorsInserted)).toEqual([2, 0, 0]); // authors are shared: copied with the first
    expect((await sortedAuthors(source)).map((a) => a.name)).toEqual(['Alice 2', 'Bob']);
    const total = (await source.listDocuments()).reduce((n, d) => n + d.updateCount, 0);
    expect(there.updatesCopied).toBe(total);
    expect(progress.length).toBeGreaterThan(docs.length); // several batches
    expect(progress.at(-1)).toBe(total);

    const back = sqlite('back');
    const again = await copyStore(pg, back, { batchSize: 100 });
    expect(again.ok).toBe(true);
    expect(again.documents.map((d) => d.verification.logHash)).toEqual(there.documents.map((d) => d.verification.logHash));
    expect(await back.listDocuments()).toEqual(await source.listDocuments());
    for (const doc of docs) {
      for (const copy of [pg, back]) {
        expect(await copy.getDocument(doc)).toEqual(await source.getDocument(doc));
        expect((await copy.listVersions(doc)).map(({ id: _, ...v }) => v)).toEqual((await source.listVersions(doc)).map(({ id: _, ...v }) => v));
        expect(await copy.readCompactedSessions(doc)).toEqual(await source.readCompactedSessions(doc));
        expect(await copy.readMergedAuthorship(doc)).toEqual(await source.readMergedAuthorship(doc));
        expect(await copy.latestCheckpoint(doc)).toEqual(await source.latestCheckpoint(doc));
        expect(await sortedAuthors(copy)).toEqual(await sortedAuthors(source));
        expect(await copy.inTrash(doc)).toEqual(await source.inTrash(doc));
        expect(await copy.listRestores(doc)).toEqual(await source.listRestores(doc));
        expect(await copy.lastRestoreSeq(doc)).toBe(await source.lastRestoreSeq(doc));
        expect(await expectSameVersions(source, copy, doc)).toBeGreaterThan(50);
      }
    }
    // A copy goes on like its source: the next append takes the next seq.
    const next = (await source.getDocument('minutes'))!.lastSeq + 1;
    expect((await pg.append([{ doc: 'minutes', entries: [{ update: Y.encodeStateAsUpdate(new Y.Doc()), author: 'a', receivedAt: 1 }] }]))[0]!.firstSeq).toBe(next);
  });

  it('copies the redirects of renamed documents that it copies, idempotently', async () => {
    const source = sqlite('source');
    await writeHistory(source, 'minutes', 30, 0);
    await writeHistory(source, 'notes', 30, 1);
    await source.renameDocument('minutes', 'minutes-2026', 5);
    await source.renameDocument('notes', 'notes-2', 6);
    const pg = await postgres();
    expect((await copyStore(source, pg, { docs: ['minutes-2026'] })).redirects).toBe(1);
    expect(await pg.listRedirects()).toEqual([{ from: 'minutes', to: 'minutes-2026', renamedAt: 5 }]);
    expect((await copyStore(source, pg)).redirects).toBe(1);
    expect((await copyStore(source, pg)).redirects).toBe(0);
    expect(await pg.resolveRedirect('notes')).toBe('notes-2');
  });

  it('copies the revocations in force with a whole store (not those past their until), idempotently; not with a choice of documents', async () => {
    const source = sqlite('source');
    await writeHistory(source, 'minutes', 60, 0);
    const now = Date.now();
    await source.revoke({ kind: 'user', value: 'mallory', until: null, createdAt: now - 10, reason: 'left the team' });
    await source.revoke({ kind: 'token', value: 'jti-live', until: now + 3_600_000, createdAt: now - 5, reason: '' });
    await source.revoke({ kind: 'token', value: 'jti-past', until: now - 1_000, createdAt: now - 5_000, reason: '' });
    const pg = await postgres();
    expect((await copyStore(source, pg, { docs: ['minutes'] })).revocations).toBe(0);
    expect(await pg.listRevocations(0)).toEqual([]);
    expect((await copyStore(source, pg)).revocations).toBe(2);
    expect((await copyStore(source, pg)).revocations).toBe(2);
    expect(await pg.listRevocations(0)).toEqual(await source.listRevocations(now));
  });

  it("copies the share links of the documents it copies (revoked ones with their time, not expired ones), idempotently, and a later revocation", async () => {
    const source = sqlite('source');
    await writeHistory(source, 'minutes', 40, 0);
    await writeHistory(source, 'notes', 40, 1);
    const now = Date.now();
    const link = (id: string, doc: string, over: Partial<ShareLink> = {}): ShareLink => ({
      id, doc, role: 'viewer', createdBy: 'alice', createdAt: now - 60_000, expiresAt: now + DAY, revokedAt: null, ...over,
    });
    await source.createShareLink(link('live', 'minutes', { role: 'editor' }));
    await source.createShareLink(link('revoked', 'minutes', { revokedAt: now - 1_000 }));
    await source.createShareLink(link('expired', 'minutes', { createdAt: now - 2 * DAY, expiresAt: now - DAY }));
    await source.createShareLink(link('of-notes', 'notes'));
    const pg = await postgres();
    const first = await copyStore(source, pg, { docs: ['minutes'] });
    expect(first.ok).toBe(true);
    expect(first.documents.map((d) => d.shareLinksCopied)).toEqual([2]);
    expect(await pg.listShareLinks('minutes', now)).toEqual(await source.listShareLinks('minutes', now));
    expect(await pg.getShareLink('expired')).toBeUndefined();
    expect(await pg.getShareLink('of-notes')).toBeUndefined();
    // Run again: nothing new; a link revoked since in the source is revoked in the target, at its time.
    expect((await copyStore(source, pg, { docs: ['minutes'] })).documents.map((d) => d.shareLinksCopied)).toEqual([0]);
    await source.revokeShareLink('minutes', 'live', now + 5);
    expect((await copyStore(source, pg)).documents.map((d) => [d.doc, d.shareLinksCopied])).toEqual([['minutes', 1], ['notes', 1]]);
    expect((await pg.getShareLink('live'))?.revokedAt).toBe(now + 5);
    // And back to SQLite.
    const back = sqlite('back');
    expect((await copyStore(pg, back)).ok).toBe(true);
    for (const doc of ['minutes', 'notes']) expect(await back.listShareLinks(doc, now)).toEqual(await source.listShareLinks(doc, now));
    // Verification sees a link that differs.
    await back.revokeShareLink('notes', 'of-notes', now);
    expect((await verifyCopy(source, back, 'notes')).problems).toEqual([expect.stringContaining('the share links differ')]);
  });

  it('finishes an interrupted copy when run again, copying only what is missing; a third run copies nothing', async () => {
    const source = sqlite('source');
    await writeHistory(source, 'a', 300, 1);
    await writeHistory(source, 'b', 500, 2);
    const target = await postgres();
    const stop = new AbortController();
    let batches = 0;
    const interrupted = copyStore(source, target, {
      batchSize: 20,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.phase === 'copy' && p.doc === 'b' && ++batches === 3) stop.abort(new Error('interrupted'));
      },
    });
    await expect(interrupted).rejects.toThrow('interrupted');
    const partial = (await target.getDocument('b'))!.updateCount;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan((await source.getDocument('b'))!.updateCount);

    const rerun = await copyStore(source, target, { batchSize: 50 });
    expect(rerun.ok).toBe(true);
    expect(rerun.documents.map((d) => [d.doc, d.updatesInserted])).toEqual([
      ['a', 0],
      ['b', (await source.getDocument('b'))!.updateCount - partial],
    ]);
    expect(rerun.documents.map((d) => d.versionsInserted)).toEqual([0, 4]);
    await expectSameVersions(source, target, 'b');
    const third = await copyStore(source, target, { batchSize: 50 });
    expect(third.ok).toBe(true);
    expect(third.updatesCopied).toBe(0);
    expect(third.documents.every((d) => d.versionsInserted + d.sessionsInserted + d.checkpointsWritten + d.authorsInserted === 0)).toBe(true);
  });

  it('refuses a target that holds a different history for a document, naming it, and changes nothing of it', async () => {
    const source = await postgres();
    await writeHistory(source, 'shared', 200, 1);
    const target = sqlite('target');
    await writeHistory(target, 'shared', 200, 2); // same name, other edits
    const before = await target.readUpdates('shared');
    await expect(copyStore(source, target)).rejects.toMatchObject({
      name: 'PersistenceError',
      code: 'conflict',
      doc: 'shared',
      message: expect.stringMatching(/different history for document "shared"/),
    });
    expect(await target.readUpdates('shared')).toEqual(before);

    // The same history up to a point, then other updates: refused too.
    const prefix = sqlite('prefix');
    const head = await source.readUpdates('shared', { limit: 30 });
    await prefix.importUpdates('shared', head);
    await prefix.append([{ doc: 'shared', entries: [{ update: new Uint8Array([0, 0]), author: 'other', receivedAt: 1 }] }]);
    await expect(copyStore(source, prefix, { batchSize: 20 })).rejects.toMatchObject({ code: 'conflict', doc: 'shared' });
    // Asking for a document the source does not have.
    await expect(copyStore(source, sqlite('none'), { docs: ['missing'] })).rejects.toMatchObject({ code: 'not-found', doc: 'missing' });
  });

  it('verification reports a copy that differs in versions, restores, checkpoints or the document row', async () => {
    const source = sqlite('source');
    await writeHistory(source, 'v', 250, 3);
    const target = await postgres();
    expect((await copyStore(source, target)).ok).toBe(true);
    const named = (await target.listVersions('v'))[0]!;
    await target.deleteVersion('v', named.id);
    const checkpoint = (await target.latestCheckpoint('v'))!;
    await target.writeCheckpoint('v', { ...checkpoint, state: Y.encodeStateAsUpdate(new Y.Doc()) });
    await target.append([{ doc: 'v', entries: [{ update: new Uint8Array([0, 0]), author: 'late', receivedAt: 1 }] }]);
    await target.recordAuthors([{ id: 'bob', name: 'Robert', verified: false, seenAt: Date.now() }]);
    await target.recordRestore('v', { seq: 200, restoredTo: 10, author: 'bob', at: 1 });
    const report = await verifyCopy(source, target, 'v');
    expect(report.problems).toEqual([
      expect.stringContaining('document rows differ'),
      expect.stringContaining('the logs differ'),
      expect.stringContaining('named versions differ'),
      expect.stringContaining('restores differ'),
      expect.stringContaining('author records differ'),
      expect.stringContaining('checkpoints differ'),
      'the document at seq 250 differs', // built from the altered checkpoint
    ]);
  });
});
