// The one contract every DocumentStore adapter must pass. An adapter's test file calls
// describeStoreContract with a harness that opens (and re-opens) its store on fresh storage.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PersistenceError } from '../errors.js';
import type { AppendEntry, DocumentStore, NewWebhookDelivery } from '../types.js';

export interface StoreHarness {
  /** Opens the store on this harness' storage; calling it again after close() re-opens the same data. */
  open(): Promise<DocumentStore>;
  /** Removes the storage. */
  destroy(): Promise<void>;
}

/** A harness on fresh storage and its store, opened: what each contract test starts from. */
export async function openFresh(makeHarness: () => Promise<StoreHarness>): Promise<{ harness: StoreHarness; store: DocumentStore }> {
  const harness = await makeHarness();
  return { harness, store: await harness.open() };
}

/** After a contract test: closes the store it ended with (a test may have re-opened it) and removes the storage. */
export async function closeAndDestroy(harness: StoreHarness, store: DocumentStore): Promise<void> {
  await store.close();
  await harness.destroy();
}

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);
const entry = (update: Uint8Array, author = 'conn-a', receivedAt = 1_700_000_000_000): AppendEntry => ({
  update,
  author,
  receivedAt,
});

export function describeStoreContract(adapterName: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`DocumentStore contract: ${adapterName}`, () => {
    let harness: StoreHarness;
    let store: DocumentStore;

    beforeEach(async () => {
      ({ harness, store } = await openFresh(makeHarness));
    });
    afterEach(() => closeAndDestroy(harness, store));

    it('moves a document to the trash and back, whole, and survives a reopen', async () => {
      await store.append([{ doc: 'bin/a', entries: [entry(bytes(1)), entry(bytes(2))] }, { doc: 'bin/b', entries: [entry(bytes(3))] }]);
      expect(await store.trashDocument('bin/a', { at: 1_700_000_000_500, by: 'alice' })).toBe(true);
      expect(await store.trashDocument('bin/a', { at: 1_700_000_000_900, by: 'bob' })).toBe(false); // already there: the first stays
      expect(await store.trashDocument('nothing', { at: 1, by: 'alice' })).toBe(false);
      expect(await store.inTrash('bin/a')).toEqual({ doc: 'bin/a', trashedAt: 1_700_000_000_500, trashedBy: 'alice' });
      expect(await store.inTrash('bin/b')).toBeUndefined();
      await store.close();
      store = await harness.open();
      expect(await store.listTrash()).toEqual([{ doc: 'bin/a', trashedAt: 1_700_000_000_500, trashedBy: 'alice' }]);
      // Nothing of it is gone while it is in the trash.
      expect((await store.readUpdates('bin/a')).map((u) => u.seq)).toEqual([1, 2]);
      expect(await store.untrashDocument('bin/a')).toBe(true);
      expect(await store.untrashDocument('bin/a')).toBe(false);
      expect(await store.listTrash()).toEqual([]);
    });

    it('measures a range of updates (how many, their bytes) without reading them', async () => {
      await store.append([{ doc: 'm', entries: [entry(bytes(1)), entry(new Uint8Array(10)), entry(new Uint8Array(100))] }]);
      expect(await store.measureUpdates('m', { afterSeq: 0, toSeq: 3 })).toEqual({ count: 3, bytes: 111 });
      expect(await store.measureUpdates('m', { afterSeq: 1, toSeq: Number.MAX_SAFE_INTEGER })).toEqual({ count: 2, bytes: 110 });
      expect(await store.measureUpdates('m', { afterSeq: 3, toSeq: 9 })).toEqual({ count: 0, bytes: 0 });
      expect(await store.measureUpdates('none', { afterSeq: 0, toSeq: 9 })).toEqual({ count: 0, bytes: 0 });
    });

    it('lists the trash of a scope, oldest first, at most a limit: read in the query, not every entry', async () => {
      const docs = ['team/a', 'team/b', 'team/c', 'other/d', 'solo'];
      await store.append(docs.map((doc) => ({ doc, entries: [entry(bytes(1))] })));
      for (const [i, doc] of docs.entries()) await store.trashDocument(doc, { at: 100 - i, by: 'alice' });
      const names = async (query: Parameters<DocumentStore['listTrash']>[0]) => (await store.listTrash(query)).map((e) => e.doc);
      expect(await names(undefined)).toEqual(['solo', 'other/d', 'team/c', 'team/b', 'team/a']);
      expect(await names({ scope: { names: ['solo'], prefixes: ['team/'] } })).toEqual(['solo', 'team/c', 'team/b', 'team/a']);
      expect(await names({ scope: { names: ['solo'], prefixes: ['team/'] }, limit: 2 })).toEqual(['solo', 'team/c']);
      expect(await names({ scope: { names: [], prefixes: [''] }, limit: 1 })).toEqual(['solo']);
      expect(await names({ scope: { names: [], prefixes: [] } })).toEqual([]);
      expect(await store.listTrash({ limit: 1 })).toEqual([{ doc: 'solo', trashedAt: 96, trashedBy: 'alice' }]);
    });

    it('purges a document and everything of it, leaving the others; its name can be used again from seq 1', async () => {
      await store.append([{ doc: 'gone', entries: [entry(bytes(1)), entry(bytes(2))] }, { doc: 'kept', entries: [entry(bytes(3))] }]);
      await store.writeCheckpoint('gone', { seq: 2, state: bytes(9), createdAt: 1 });
      await store.createVersion('gone', { label: 'v', seq: 1, author: 'a', createdAt: 1 });
      await store.recordRestore('gone', { seq: 2, restoredTo: 1, author: 'a', at: 2 });
      await store.trashDocument('gone', { at: 5, by: 'a' });
      expect(await store.purgeDocument('gone')).toBe(true);
      expect(await store.purgeDocument('gone')).toBe(false);
      expect(await store.getDocument('gone')).toBeUndefined();
      expect(await store.readUpdates('gone')).toEqual([]);
      expect(await store.latestCheckpoint('gone')).toBeUndefined();
      expect(await store.listVersions('gone')).toEqual([]);
      expect(await store.listTrash()).toEqual([]);
      expect((await store.listDocuments()).map((d) => d.name)).toEqual(['kept']);
      expect((await store.readUpdates('kept')).map((u) => u.update)).toEqual([bytes(3)]);
      const [again] = await store.append([{ doc: 'gone', entries: [entry(bytes(4)), entry(bytes(5))] }]);
      expect(again).toMatchObject({ firstSeq: 1, lastSeq: 2 });
      // The new document of that name has no restore of the purged one's.
      expect(await store.getRestore('gone', 2)).toBeUndefined();
    });

    it('refuses an append meant for the document created at a given time once the name holds none or another (a writer that missed a purge), storing nothing of its batch', async () => {
      await store.append([{ doc: 'held', entries: [entry(bytes(1), 'a', 1_000)] }]);
      const created = (await store.getDocument('held'))!.createdAt;
      expect(await store.append([{ doc: 'held', entries: [{ ...entry(bytes(2), 'a', 2_000), documentCreatedAt: created }] }])).toEqual([
        { doc: 'held', firstSeq: 2, lastSeq: 2 },
      ]);
      await store.trashDocument('held', { at: 3_000, by: 'a' });
      expect(await store.purgeDocument('held')).toBe(true);
      // Another instance still had it open: its next commit holds that and another document's update.
      const late = [{ doc: 'held', entries: [{ ...entry(bytes(3), 'b', 4_000), documentCreatedAt: created }] }, { doc: 'other', entries: [entry(bytes(4))] }];
      await expect(store.append(late)).rejects.toMatchObject({ code: 'conflict', doc: 'held', message: expect.stringMatching(/held.*no longer/) });
      expect(await store.getDocument('held')).toBeUndefined();
      expect(await store.getDocument('other')).toBeUndefined();
      // The name taken by a new document meanwhile: that writer's update is not this one's either.
      await store.append([{ doc: 'held', entries: [entry(bytes(5), 'c', 5_000)] }]);
      const renewed = (await store.getDocument('held'))!.createdAt;
      expect(renewed).not.toBe(created);
      await expect(store.append([{ doc: 'held', entries: [{ ...entry(bytes(6), 'b', 6_000), documentCreatedAt: created }] }])).rejects.toMatchObject({ code: 'conflict' });
      expect((await store.readUpdates('held')).map((u) => u.update)).toEqual([bytes(5)]);
      expect(await store.append([{ doc: 'held', entries: [{ ...entry(bytes(7), 'c', 7_000), documentCreatedAt: renewed }] }])).toEqual([
        { doc: 'held', firstSeq: 2, lastSeq: 2 },
      ]);
    });

    it('purges with a condition only a document in the trash, moved there at the time given', async () => {
      await store.append([{ doc: 'held', entries: [entry(bytes(1))] }]);
      expect(await store.purgeDocument('held', {})).toBe(false);
      await store.trashDocument('held', { at: 5, by: 'a' });
      expect(await store.purgeDocument('held', { trashedAt: 6 })).toBe(false);
      expect(await store.getDocument('held')).toBeDefined();
      expect(await store.purgeDocument('held', { trashedAt: 5 })).toBe(true);
      expect(await store.getDocument('held')).toBeUndefined();
      expect(await store.purgeDocument('nothing', {})).toBe(false);
    });

    it('records which updates are restores, per document; a document must exist to record one', async () => {
      await store.append([
        { doc: 'r', entries: [entry(bytes(1)), entry(bytes(2)), entry(bytes(3))] },
        { doc: 's', entries: [entry(bytes(1)), entry(bytes(2))] },
      ]);
      expect(await store.lastRestoreSeq('r')).toBe(0);
      await store.recordRestore('r', { seq: 2, restoredTo: 1, author: 'alice', at: 20 });
      await store.recordRestore('r', { seq: 3, restoredTo: 1, author: 'alice', at: 30 });
      expect(await store.lastRestoreSeq('r')).toBe(3);
      expect(await store.lastRestoreSeq('s')).toBe(0);
      expect(await store.lastRestoreSeq('nothing')).toBe(0);
      expect(await store.getRestore('r', 3)).toEqual({ seq: 3, restoredTo: 1, author: 'alice', at: 30 });
      expect(await store.getRestore('r', 1)).toBeUndefined();
      expect(await store.getRestore('s', 3)).toBeUndefined();
      expect(await store.getRestore('nothing', 3)).toBeUndefined();
      expect(await store.listRestores('r')).toEqual([
        { seq: 2, restoredTo: 1, author: 'alice', at: 20 },
        { seq: 3, restoredTo: 1, author: 'alice', at: 30 },
      ]);
      expect(await store.listRestores('s')).toEqual([]);
      expect(await store.listRestores('nothing')).toEqual([]);
      await expect(store.recordRestore('nothing', { seq: 1, restoredTo: 0, author: 'a', at: 1 })).rejects.toMatchObject({ code: 'not-found' });
    });

    it('takes a restore back once: an undo is claimed, then settled with its seq or released; a copy carries it', async () => {
      await store.append([{ doc: 'u', entries: [entry(bytes(1)), entry(bytes(2)), entry(bytes(3))] }]);
      await store.recordRestore('u', { seq: 2, restoredTo: 1, author: 'alice', at: 20 });
      expect(await store.markRestoreUndone('u', 2, -100, undefined)).toBe(true);
      // A second undo (another request, another instance) finds it claimed.
      expect(await store.markRestoreUndone('u', 2, -200, undefined)).toBe(false);
      expect(await store.getRestore('u', 2)).toEqual({ seq: 2, restoredTo: 1, author: 'alice', at: 20, undoneBy: -100 });
      // The undo failed: released, and claimed again.
      expect(await store.markRestoreUndone('u', 2, undefined, -100)).toBe(true);
      expect(await store.markRestoreUndone('u', 2, -300, undefined)).toBe(true);
      expect(await store.markRestoreUndone('u', 2, 3, -300)).toBe(true);
      expect(await store.markRestoreUndone('u', 2, -400, undefined)).toBe(false);
      expect(await store.listRestores('u')).toEqual([{ seq: 2, restoredTo: 1, author: 'alice', at: 20, undoneBy: 3 }]);
      expect(await store.markRestoreUndone('u', 1, -1, undefined)).toBe(false); // not a restore
      expect(await store.markRestoreUndone('nothing', 2, -1, undefined)).toBe(false);
      await store.append([{ doc: 'v', entries: [entry(bytes(1)), entry(bytes(2)), entry(bytes(3))] }]);
      await store.recordRestore('v', { seq: 2, restoredTo: 1, author: 'alice', at: 20, undoneBy: 3 });
      expect(await store.getRestore('v', 2)).toEqual({ seq: 2, restoredTo: 1, author: 'alice', at: 20, undoneBy: 3 });
    });

    it('ends the share links made with a token when that token is revoked by its id, and no others', async () => {
      await store.append([{ doc: 'plan', entries: [entry(bytes(1))] }]);
      const link = { doc: 'plan', role: 'editor' as const, createdBy: 'alice', createdAt: 1_000, expiresAt: 9_000_000_000_000, revokedAt: null };
      await store.createShareLink({ ...link, id: 'by-leaked', createdByToken: 'jti-leaked' });
      await store.createShareLink({ ...link, id: 'by-other', createdByToken: 'jti-other' });
      await store.createShareLink({ ...link, id: 'by-no-id' });
      expect(await store.getShareLink('by-leaked')).toMatchObject({ createdBy: 'alice', createdByToken: 'jti-leaked', revokedAt: null });
      expect(await store.getShareLink('by-no-id')).not.toHaveProperty('createdByToken');
      await store.revoke({ kind: 'token', value: 'jti-leaked', until: null, createdAt: 2_000, reason: 'leaked' });
      expect((await store.getShareLink('by-leaked'))?.revokedAt).toBe(2_000);
      expect((await store.getShareLink('by-other'))?.revokedAt).toBeNull();
      expect((await store.getShareLink('by-no-id'))?.revokedAt).toBeNull();
      expect(await store.listRevokedShareLinks(3_000)).toEqual(['by-leaked']);
    });

    it('numbers each document’s updates from 1 without gaps, independently per document', async () => {
      const first = await store.append([
        { doc: 'a', entries: [entry(bytes(1)), entry(bytes(2))] },
        { doc: 'b', entries: [entry(bytes(3))] },
      ]);
      expect(first).toEqual([
        { doc: 'a', firstSeq: 1, lastSeq: 2 },
        { doc: 'b', firstSeq: 1, lastSeq: 1 },
      ]);
      const second = await store.append([{ doc: 'a', entries: [entry(bytes(4))] }]);
      expect(second).toEqual([{ doc: 'a', firstSeq: 3, lastSeq: 3 }]);
      expect((await store.readUpdates('a')).map((u) => u.seq)).toEqual([1, 2, 3]);
    });

    it('returns every update exactly as appended, with author and receive time', async () => {
      const payload = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);
      await store.append([{ doc: 'doc', entries: [entry(payload, 'alice', 1234), entry(bytes(0, 0), 'bob', 5678)] }]);
      const updates = await store.readUpdates('doc');
      expect(updates).toHaveLength(2);
      expect(Array.from(updates[0]!.update)).toEqual(Array.from(payload));
      expect(updates[0]).toMatchObject({ seq: 1, author: 'alice', receivedAt: 1234 });
      expect(updates[1]).toMatchObject({ seq: 2, author: 'bob', receivedAt: 5678 });
    });

    it('reads a range: after a seq, up to a seq, and at most a limit', async () => {
      await store.append([{ doc: 'r', entries: [1, 2, 3, 4, 5, 6].map((n) => entry(bytes(n))) }]);
      const seqs = async (range: Parameters<DocumentStore['readUpdates']>[1]) =>
        (await store.readUpdates('r', range)).map((u) => u.seq);
      expect(await seqs({ afterSeq: 2 })).toEqual([3, 4, 5, 6]);
      expect(await seqs({ toSeq: 3 })).toEqual([1, 2, 3]);
      expect(await seqs({ afterSeq: 1, toSeq: 5, limit: 2 })).toEqual([2, 3]);
      expect(await seqs({ afterSeq: 6 })).toEqual([]);
      expect(await store.readUpdates('never-written')).toEqual([]);
    });

    it('describes documents: update count, last seq, payload bytes and last change time', async () => {
      await store.append([{ doc: 'm', entries: [entry(bytes(1, 2, 3), 'a', 100), entry(bytes(4, 5), 'b', 200)] }]);
      const info = await store.getDocument('m');
      expect(info).toMatchObject({ name: 'm', updateCount: 2, lastSeq: 2, sizeBytes: 5, lastChangeAt: 200 });
      expect(info!.createdAt).toBeGreaterThan(0);
      expect(await store.getDocument('unknown')).toBeUndefined();
    });

    it('writes the last change time once a second: what changes within the second of the one stored leaves it (and its index) as it is', async () => {
      // The document list's index is on it: written once a second per document, not once per keystroke.
      const second = 1_800_000_000_000;
      const lastChangeAt = async () => (await store.getDocument('s'))!.lastChangeAt;
      await store.append([{ doc: 's', entries: [entry(bytes(1), 'a', second + 150)] }]);
      expect(await lastChangeAt()).toBe(second + 150);
      await store.append([{ doc: 's', entries: [entry(bytes(2), 'a', second + 999)] }]);
      expect(await lastChangeAt()).toBe(second + 150);
      await store.append([{ doc: 's', entries: [entry(bytes(3), 'b', second + 1_001), entry(bytes(4), 'b', second + 2_500)] }]);
      expect(await store.getDocument('s')).toMatchObject({ lastChangeAt: second + 2_500, lastSeq: 4, updateCount: 4 });
      await store.append([{ doc: 's', entries: [entry(bytes(5), 'a', second + 2_700)] }]);
      expect(await lastChangeAt()).toBe(second + 2_500);
      // A clock that went back never takes it back.
      await store.append([{ doc: 's', entries: [entry(bytes(6), 'a', second + 10)] }]);
      expect(await lastChangeAt()).toBe(second + 2_500);
      // Each update keeps its own time to the millisecond.
      expect((await store.readUpdates('s')).map((u) => u.receivedAt)).toEqual([150, 999, 1_001, 2_500, 2_700, 10].map((ms) => second + ms));
    });

    it('lists documents by name, and keeps odd names as plain data', async () => {
      const names = ["x'; DROP TABLE updates; --", 'team/notes', 'ünïcödé 文档', '%2e%2e'];
      await store.append(names.map((doc) => ({ doc, entries: [entry(bytes(9))] })));
      const listed = (await store.listDocuments()).map((d) => d.name);
      expect(listed).toEqual([...names].sort());
      for (const name of names) expect((await store.readUpdates(name))[0]!.update).toEqual(bytes(9));
    });

    it('rejects invalid document names and writes nothing of a batch that contains one', async () => {
      for (const bad of ['', '../etc/passwd', 'a//b', 'nul\u0000byte', '/abs', 'x'.repeat(201)]) {
        const attempt = store.append([
          { doc: 'good', entries: [entry(bytes(1))] },
          { doc: bad, entries: [entry(bytes(2))] },
        ]);
        await expect(attempt).rejects.toMatchObject({ name: 'PersistenceError', code: 'invalid-doc-name' });
      }
      expect(await store.listDocuments()).toEqual([]);
    });

    it('stores an author or a receive time exactly as given, or refuses it (invalid-argument) writing nothing, the same on every engine', async () => {
      for (const [author, receivedAt] of [['a\u0000b', 1], ['sub:\ud800', 1], ['sub:\udbff', 1], ['conn-a', 1.5]] as const) {
        const attempt = store.append([{ doc: 'odd', entries: [entry(bytes(1), author, receivedAt)] }]);
        const outcome = await attempt.then(
          async () => {
            const [stored] = (await store.readUpdates('odd')).slice(-1);
            return stored!.author === author && stored!.receivedAt === receivedAt ? 'stored exactly' : `stored as ${JSON.stringify([stored!.author, stored!.receivedAt])}`;
          },
          (error: unknown) => (error instanceof PersistenceError && error.code === 'invalid-argument' && error.doc === 'odd' ? 'refused' : `failed: ${String(error)}`),
        );
        expect(['stored exactly', 'refused'], `${JSON.stringify(author)} at ${receivedAt}`).toContain(outcome);
      }
    });

    it('rejects an append without updates', async () => {
      await expect(store.append([{ doc: 'e', entries: [] }])).rejects.toBeInstanceOf(PersistenceError);
    });

    it('stores checkpoints and finds the latest one at or before a seq', async () => {
      await store.append([{ doc: 'c', entries: Array.from({ length: 10 }, (_, i) => entry(bytes(i))) }]);
      expect(await store.latestCheckpoint('c')).toBeUndefined();
      await store.writeCheckpoint('c', { seq: 4, state: bytes(4, 4), createdAt: 1 });
      await store.writeCheckpoint('c', { seq: 8, state: bytes(8, 8), createdAt: 2 });
      expect(await store.latestCheckpoint('c')).toMatchObject({ seq: 8, state: bytes(8, 8), createdAt: 2 });
      expect(await store.latestCheckpoint('c', 7)).toMatchObject({ seq: 4, state: bytes(4, 4) });
      expect(await store.latestCheckpoint('c', 3)).toBeUndefined();
      expect(await store.latestCheckpoint('unknown')).toBeUndefined();
    });

    it('refuses a checkpoint past the end of the log', async () => {
      await store.append([{ doc: 'c', entries: [entry(bytes(1))] }]);
      await expect(store.writeCheckpoint('c', { seq: 2, state: bytes(1), createdAt: 1 })).rejects.toMatchObject({
        code: 'invalid-argument',
      });
      await expect(store.writeCheckpoint('nope', { seq: 1, state: bytes(1), createdAt: 1 })).rejects.toBeInstanceOf(
        PersistenceError,
      );
    });

    it('finds the last seq received at or before a time', async () => {
      await store.append([{ doc: 't', entries: [entry(bytes(1), 'a', 100), entry(bytes(2), 'a', 200), entry(bytes(3), 'a', 300)] }]);
      expect(await store.seqAt('t', 99)).toBe(0);
      expect(await store.seqAt('t', 100)).toBe(1);
      expect(await store.seqAt('t', 250)).toBe(2);
      expect(await store.seqAt('t', 10_000)).toBe(3);
      expect(await store.seqAt('unknown', 10_000)).toBe(0);
    });

    it('creates, lists, renames and deletes named versions per document', async () => {
      await store.append([
        { doc: 'v', entries: [entry(bytes(1)), entry(bytes(2)), entry(bytes(3))] },
        { doc: 'w', entries: [entry(bytes(1))] },
      ]);
      const draft = await store.createVersion('v', { label: 'Draft', seq: 2, author: 'alice', createdAt: 10 });
      const final = await store.createVersion('v', { label: 'Final', seq: 3, author: 'bob', createdAt: 20 });
      expect(draft).toMatchObject({ label: 'Draft', seq: 2, author: 'alice', createdAt: 10 });
      expect((await store.listVersions('v')).map((x) => x.label)).toEqual(['Draft', 'Final']);
      expect(await store.listVersions('w')).toEqual([]);
      await expect(store.createVersion('v', { label: 'Future', seq: 4, author: 'a', createdAt: 1 })).rejects.toMatchObject({
        code: 'invalid-argument',
      });
      expect(await store.renameVersion('v', draft.id, 'Draft 1')).toMatchObject({ id: draft.id, label: 'Draft 1' });
      expect(await store.renameVersion('w', draft.id, 'wrong doc')).toBeUndefined();
      expect(await store.deleteVersion('w', final.id)).toBe(false);
      expect(await store.deleteVersion('v', final.id)).toBe(true);
      expect((await store.listVersions('v')).map((x) => x.label)).toEqual(['Draft 1']);
    });

    it('replaces a range of updates with one at its end, keeping later seqs, and drops checkpoints inside it', async () => {
      await store.append([{ doc: 'c', entries: [1, 2, 3, 4, 5].map((n) => entry(bytes(n, n), 'a', n)) }]);
      await store.writeCheckpoint('c', { seq: 3, state: bytes(3), createdAt: 0 });
      await store.writeCheckpoint('c', { seq: 4, state: bytes(4), createdAt: 0 });
      await store.replaceRange('c', 2, 4, entry(bytes(9), 'compactor', 4));
      expect((await store.readUpdates('c')).map((u) => [u.seq, Array.from(u.update), u.author])).toEqual([
        [1, [1, 1], 'a'],
        [4, [9], 'compactor'],
        [5, [5, 5], 'a'],
      ]);
      expect(await store.getDocument('c')).toMatchObject({ updateCount: 3, lastSeq: 5, sizeBytes: 5 });
      expect((await store.latestCheckpoint('c'))?.seq).toBe(4);
      expect(await store.latestCheckpoint('c', 3)).toBeUndefined();
      expect((await store.append([{ doc: 'c', entries: [entry(bytes(6))] }]))[0]!.firstSeq).toBe(6);
      await expect(store.replaceRange('c', 4, 9, entry(bytes(1)))).rejects.toMatchObject({ code: 'invalid-argument' });
    });

    it('finds the smallest stored seq at or after a seq: a seq merged away maps to the merged update that holds it', async () => {
      await store.append([{ doc: 'g', entries: [1, 2, 3, 4, 5, 6].map((n) => entry(bytes(n), 'a', n)) }]);
      expect(await store.seqAtOrAfter('g', 3)).toBe(3);
      await store.replaceRange('g', 2, 4, entry(bytes(9), 'compacted', 4));
      expect(await store.seqAtOrAfter('g', 1)).toBe(1);
      expect(await store.seqAtOrAfter('g', 2)).toBe(4);
      expect(await store.seqAtOrAfter('g', 3)).toBe(4);
      expect(await store.seqAtOrAfter('g', 4)).toBe(4);
      expect(await store.seqAtOrAfter('g', 6)).toBe(6);
      expect(await store.seqAtOrAfter('g', 7)).toBeUndefined();
      expect(await store.seqAtOrAfter('unknown', 1)).toBeUndefined();
    });

    it('refuses to merge away the seq of a named version (conflict), and stores a version at a merged-away seq at the merged update', async () => {
      await store.append([{ doc: 'k', entries: [1, 2, 3, 4, 5, 6].map((n) => entry(bytes(n), 'a', n)) }]);
      await store.createVersion('k', { label: 'at 3', seq: 3, author: 'a', createdAt: 1 });
      for (const [from, to] of [[2, 4], [3, 5], [1, 6]] as const) {
        await expect(store.replaceRange('k', from, to, entry(bytes(9), 'compacted', to))).rejects.toMatchObject({
          name: 'PersistenceError',
          code: 'conflict',
        });
      }
      expect((await store.readUpdates('k')).map((u) => u.seq)).toEqual([1, 2, 3, 4, 5, 6]); // nothing of the refused ones
      await store.replaceRange('k', 1, 3, entry(bytes(9), 'compacted', 3)); // the version ends the range: kept
      await store.replaceRange('k', 4, 6, entry(bytes(8), 'compacted', 6));
      expect((await store.readUpdates('k')).map((u) => u.seq)).toEqual([3, 6]);
      // A version asked for at a seq merged away (a timeline read before the merge) names the state that holds it.
      expect(await store.createVersion('k', { label: 'late', seq: 5, author: 'a', createdAt: 2 })).toMatchObject({ label: 'late', seq: 6 });
      expect(await store.createVersion('k', { label: 'empty', seq: 0, author: 'a', createdAt: 3 })).toMatchObject({ seq: 0 });
    });

    it('refuses to replace a range that no longer holds the updates the caller read (conflict)', async () => {
      await store.append([{ doc: 'x', entries: [1, 2, 3, 4, 5].map((n) => entry(bytes(n), 'a', n)) }]);
      await store.replaceRange('x', 1, 3, entry(bytes(9), 'compacted', 3)); // another compactor, meanwhile
      await expect(store.replaceRange('x', 2, 3, entry(bytes(8), 'compacted', 3), [], 2)).rejects.toMatchObject({ code: 'conflict' });
      expect((await store.readUpdates('x')).map((u) => [u.seq, Array.from(u.update)])).toEqual([[3, [9]], [4, [4]], [5, [5]]]);
      await store.replaceRange('x', 3, 5, entry(bytes(7), 'compacted', 5), [], 3);
      expect((await store.readUpdates('x')).map((u) => u.seq)).toEqual([5]);
    });

    it('refuses to replace a range whose first update another compaction merged with the updates before it (conflict)', async () => {
      await store.append([{ doc: 'y', entries: [1, 2, 3, 4, 5, 6, 7, 8].map((n) => entry(bytes(n), 'a', n)) }]);
      const read = await store.readUpdates('y', { afterSeq: 4, toSeq: 8 }); // a compactor reads 5..8: four updates
      // Meanwhile another compactor (other bucket bounds) merges 3..5: the range still holds four rows,
      // but its first is now the merge of 3, 4 and 5.
      await store.replaceRange('y', 3, 5, entry(bytes(3, 4, 5), 'compacted', 5), [], 3);
      await expect(
        store.replaceRange('y', 5, 8, entry(bytes(5, 6, 7, 8), 'compacted', 8), [], read.length, read[0]!.update),
      ).rejects.toMatchObject({ name: 'PersistenceError', code: 'conflict' });
      // Nothing of updates 3 and 4 is lost.
      expect((await store.readUpdates('y')).map((u) => [u.seq, Array.from(u.update)])).toEqual([
        [1, [1]], [2, [2]], [5, [3, 4, 5]], [6, [6]], [7, [7]], [8, [8]],
      ]);
    });

    it('refuses a checkpoint at a seq merged away: it would describe a log that no longer exists', async () => {
      await store.append([{ doc: 'q', entries: [1, 2, 3, 4, 5].map((n) => entry(bytes(n), 'a', n)) }]);
      await store.replaceRange('q', 2, 4, entry(bytes(9), 'compacted', 4));
      await store.writeCheckpoint('q', { seq: 3, state: bytes(3), createdAt: 1 }).catch(() => undefined);
      expect(await store.latestCheckpoint('q')).toBeUndefined();
    });

    it('keeps the edit sessions of a merged range with it, replacing those of merged updates inside it', async () => {
      await store.append([{ doc: 's', entries: [1, 2, 3, 4, 5, 6].map((n) => entry(bytes(n), n % 2 ? 'alice' : 'bob', n * 1000)) }]);
      const session = (fromSeq: number, toSeq: number, author: string) => ({
        fromSeq,
        toSeq,
        author,
        startedAt: fromSeq * 1000,
        endedAt: toSeq * 1000,
        updates: toSeq - fromSeq + 1,
        added: 2,
        removed: 1,
      });
      await store.replaceRange('s', 1, 3, entry(bytes(9), 'compacted', 3000), [session(1, 1, 'alice'), session(2, 2, 'bob'), session(3, 3, 'alice')]);
      expect(await store.readCompactedSessions('s')).toEqual([
        { entrySeq: 3, ...session(1, 1, 'alice') },
        { entrySeq: 3, ...session(2, 2, 'bob') },
        { entrySeq: 3, ...session(3, 3, 'alice') },
      ]);
      expect(await store.readCompactedSessions('s', { afterSeq: 3 })).toEqual([]);
      expect((await store.readCompactedSessions('s', { endingAfter: 1, limit: 1 })).map((x) => x.fromSeq)).toEqual([2]);
      // Merging again over the merged update (its sessions start before the range): they are replaced by the new range's.
      await store.replaceRange('s', 3, 5, entry(bytes(8), 'compacted', 5000), [session(1, 3, 'alice'), session(4, 5, 'bob')]);
      expect((await store.readCompactedSessions('s', { toSeq: 6 })).map((x) => [x.entrySeq, x.fromSeq, x.toSeq])).toEqual([
        [5, 1, 3],
        [5, 4, 5],
      ]);
      await expect(store.replaceRange('s', 6, 6, entry(bytes(7)), [session(6, 7, 'bob')])).rejects.toMatchObject({ code: 'invalid-argument' });
      expect((await store.readUpdates('s')).map((u) => u.seq)).toEqual([5, 6]); // nothing of the refused one
      expect(await store.readCompactedSessions('unknown')).toEqual([]);
      await store.close();
      store = await harness.open();
      expect(await store.readCompactedSessions('s')).toHaveLength(2);
    });

    it('keeps the authorship table of a merged update with it, replaces it with its range, imports it once, and purges it', async () => {
      await store.append([{ doc: 'm', entries: [1, 2, 3, 4, 5].map((n) => entry(bytes(n), n % 2 ? 'alice' : 'bob', n * 1000)) }]);
      const table = { authors: ['alice', 'bob'], inserted: [7, 0, 3, 0, 60_000, 8, 0, 2, 1, 120_000], deleted: [7, 1, 1, 1] };
      await store.replaceRange('m', 1, 3, { ...entry(bytes(9), 'compacted', 3000), authorship: table });
      expect(await store.readMergedAuthorship('m')).toEqual([{ entrySeq: 3, ...table }]);
      expect(await store.readMergedAuthorship('m', { afterSeq: 3 })).toEqual([]);
      expect(await store.readMergedAuthorship('unknown')).toEqual([]);
      // Merged again over it: its table goes with the range; the new merge brings its own (or none).
      const wider = { authors: ['bob', 'alice'], inserted: [7, 0, 5, 1, 60_000], deleted: [] };
      await store.replaceRange('m', 3, 4, { ...entry(bytes(8), 'compacted', 4000), authorship: wider });
      expect(await store.readMergedAuthorship('m')).toEqual([{ entrySeq: 4, ...wider }]);
      await store.replaceRange('m', 4, 5, entry(bytes(7), 'alice', 5000));
      expect(await store.readMergedAuthorship('m')).toEqual([]);
      // A table that is not whole runs, or names no listed author, is refused with nothing changed.
      await store.append([{ doc: 'm', entries: [entry(bytes(1)), entry(bytes(2))] }]);
      for (const bad of [{ authors: ['a'], inserted: [1, 2, 3], deleted: [] }, { authors: ['a'], inserted: [], deleted: [1, 0, 1, 1] }]) {
        await expect(store.replaceRange('m', 6, 7, { ...entry(bytes(3), 'compacted'), authorship: bad })).rejects.toMatchObject({ code: 'invalid-argument' });
      }
      expect((await store.readUpdates('m')).map((u) => u.seq)).toEqual([5, 6, 7]);
      // Import (a copy between engines): once; the same again is skipped, a different one is a conflict.
      const rows = [{ entrySeq: 6, ...table }];
      expect(await store.importMergedAuthorship('m', rows)).toBe(1);
      expect(await store.importMergedAuthorship('m', rows)).toBe(0);
      await expect(store.importMergedAuthorship('m', [{ entrySeq: 6, ...wider }])).rejects.toMatchObject({ code: 'conflict' });
      await expect(store.importMergedAuthorship('nowhere', rows)).rejects.toMatchObject({ code: 'invalid-argument' });
      await store.close();
      store = await harness.open();
      expect(await store.readMergedAuthorship('m')).toEqual(rows);
      // Purged with its document: a new document of that name starts without it.
      expect(await store.purgeDocument('m')).toBe(true);
      await store.append([{ doc: 'm', entries: [1, 2, 3, 4, 5, 6].map((n) => entry(bytes(n))) }]);
      expect(await store.readMergedAuthorship('m')).toEqual([]);
    });

    it('records each author once: colour at first sight, name from the latest sighting, lastSeen the latest', async () => {
      expect(await store.listAuthors(['guest:ada'])).toEqual([]);
      await store.recordAuthors([{ id: 'guest:ada', name: 'Ada', verified: false, seenAt: 1000 }]);
      const [first] = await store.listAuthors(['guest:ada']);
      expect(first).toEqual({ id: 'guest:ada', name: 'Ada', color: expect.stringMatching(/^#[0-9a-f]{6}$/), verified: false, firstSeen: 1000, lastSeen: 1000 });
      // A rename, then a sighting that arrives late (older than lastSeen): the latest name stays.
      await store.recordAuthors([{ id: 'guest:ada', name: 'Ada L.', verified: false, seenAt: 3000 }]);
      await store.recordAuthors([{ id: 'guest:ada', name: 'Old name', verified: false, seenAt: 2000 }]);
      expect(await store.listAuthors(['guest:ada'])).toEqual([{ ...first, name: 'Ada L.', lastSeen: 3000 }]);
      // In one batch, the latest sighting of an id decides, whatever its place.
      await store.recordAuthors([
        { id: 'guest:bob', name: 'Bob 2', verified: false, seenAt: 5000 },
        { id: 'guest:bob', name: 'Bob 1', verified: false, seenAt: 4000 },
      ]);
      expect(await store.listAuthors(['guest:bob'])).toMatchObject([{ name: 'Bob 2', firstSeen: 4000, lastSeen: 5000 }]);
      expect((await store.listAuthors(['nobody', 'guest:bob', 'guest:ada'])).map((a) => a.id).sort()).toEqual(['guest:ada', 'guest:bob']);
      expect(await store.listAuthors([])).toEqual([]);
      await store.close();
      store = await harness.open();
      expect(await store.listAuthors(['guest:ada'])).toEqual([{ ...first, name: 'Ada L.', lastSeen: 3000 }]);
    });

    it('never downgrades a verified author, and gives authors recorded one after another different colours', async () => {
      await store.recordAuthors([{ id: 'u1', name: 'Ursula', verified: true, seenAt: 10 }]);
      await store.recordAuthors([{ id: 'u1', name: 'Ursula K.', verified: false, seenAt: 20 }]);
      expect(await store.listAuthors(['u1'])).toMatchObject([{ name: 'Ursula K.', verified: true, firstSeen: 10, lastSeen: 20 }]);
      await store.recordAuthors([{ id: 'u2', name: 'Vera', verified: true, seenAt: 30 }]);
      await store.recordAuthors([
        { id: 'u3', name: 'Walt', verified: false, seenAt: 40 },
        { id: 'u4', name: 'Xena', verified: false, seenAt: 40 },
      ]);
      const colors = new Map((await store.listAuthors(['u1', 'u2', 'u3', 'u4'])).map((a) => [a.id, a.color]));
      expect(new Set(colors.values()).size).toBe(4);
      // The colour stays what it was at first sight.
      await store.recordAuthors([{ id: 'u1', name: 'Ursula', verified: true, seenAt: 50 }]);
      expect((await store.listAuthors(['u1']))[0]!.color).toBe(colors.get('u1'));
    });

    it('refuses sightings it cannot store, writing none of the call', async () => {
      await expect(store.recordAuthors([{ id: 'ok', name: 'Ok', verified: false, seenAt: 1 }, { id: '', name: 'x', verified: false, seenAt: 1 }])).rejects.toMatchObject({
        code: 'invalid-argument',
      });
      await expect(store.recordAuthors([{ id: 'ok', name: 'Ok', verified: false, seenAt: Number.NaN }])).rejects.toMatchObject({ code: 'invalid-argument' });
      expect(await store.listAuthors(['ok'])).toEqual([]);
      await expect(store.recordAuthors([])).resolves.toBeUndefined();
    });

    const delivery = (over: Partial<NewWebhookDelivery> = {}): NewWebhookDelivery => ({
      eventId: 'evt-1',
      target: 'http://receiver.test/hook',
      type: 'document.created',
      doc: 'w',
      occurredAt: 1_000,
      dueAt: 1_000,
      data: { seq: 1 },
      ...over,
    });
    const changes = (fromSeq: number, toSeq: number, at: number, authors: string[]): NewWebhookDelivery['data'] => ({
      fromSeq,
      toSeq,
      firstAt: at,
      lastAt: at,
      authors,
    });

    it('queues webhook deliveries and hands each due one to one claim, by due time, until its lease ends', async () => {
      await store.enqueueWebhooks([
        delivery({ eventId: 'late', dueAt: 5_000 }),
        delivery({ eventId: 'b', dueAt: 2_000, target: 'http://other.test/' }),
        delivery({ eventId: 'a', dueAt: 1_000, data: { nested: { ok: true } } }),
      ]);
      expect(await store.countWebhooks()).toBe(3);
      const first = await store.claimWebhooks(3_000, 10_000, 10);
      expect(first.map((d) => d.eventId)).toEqual(['a', 'b']);
      expect(first[0]).toMatchObject({ type: 'document.created', doc: 'w', occurredAt: 1_000, dueAt: 1_000, attempts: 0, data: { nested: { ok: true } } });
      expect(first[0]!.createdAt).toBeGreaterThan(0);
      // Held: a second dispatcher gets nothing until the lease ends.
      expect(await store.claimWebhooks(3_000, 10_000, 10)).toEqual([]);
      expect((await store.claimWebhooks(13_000, 10_000, 10)).map((d) => d.eventId).sort()).toEqual(['a', 'b', 'late']);
      expect(await store.claimWebhooks(20_000, 10_000, 1)).toEqual([]);
    });

    it('settles a webhook delivery: deleted once delivered, or released to a later time with its attempts and error', async () => {
      await store.enqueueWebhooks([delivery({ eventId: 'x' }), delivery({ eventId: 'y' })]);
      const [x, y] = await store.claimWebhooks(1_000, 60_000, 10);
      await store.deleteWebhook(x!.id);
      await store.rescheduleWebhook(y!.id, 9_000, 1, 'HTTP 500');
      expect(await store.countWebhooks()).toBe(1);
      expect(await store.claimWebhooks(8_999, 60_000, 10)).toEqual([]);
      expect(await store.claimWebhooks(9_000, 60_000, 10)).toEqual([expect.objectContaining({ eventId: 'y', attempts: 1, lastError: 'HTTP 500', dueAt: 9_000 })]);
    });

    it('merges debounced changes into the untried delivery of the same target and key, and starts a new one once it is claimed', async () => {
      const changed = (eventId: string, from: number, to: number, at: number, authors: string[]) =>
        delivery({ eventId, type: 'document.changed', occurredAt: at, dueAt: 10_000, mergeKey: 'w', data: changes(from, to, at, authors) });
      await store.enqueueWebhooks([changed('c1', 1, 2, 100, ['alice'])]);
      await store.enqueueWebhooks([changed('c2', 3, 3, 300, ['bob', 'alice']), changed('c3', 4, 5, 200, ['carol'])]);
      await store.enqueueWebhooks([{ ...changed('other', 1, 1, 100, ['dan']), target: 'http://other.test/' }]);
      expect(await store.countWebhooks()).toBe(2);
      const [merged, other] = await store.claimWebhooks(10_000, 60_000, 10);
      expect(merged).toMatchObject({ eventId: 'c1', dueAt: 10_000, occurredAt: 300 });
      expect(merged!.data).toEqual({ fromSeq: 1, toSeq: 5, firstAt: 100, lastAt: 300, authors: ['alice', 'bob', 'carol'] });
      expect(other).toMatchObject({ eventId: 'other', target: 'http://other.test/' });
      // Being sent: a later change is a new event, not a change to one already on its way.
      await store.enqueueWebhooks([changed('c4', 6, 6, 400, ['alice'])]);
      expect(await store.countWebhooks()).toBe(3);
      await store.rescheduleWebhook(merged!.id, 10_000, 1, 'timeout');
      await store.enqueueWebhooks([changed('c5', 7, 7, 500, ['alice'])]);
      const again = await store.claimWebhooks(10_000, 60_000, 10);
      expect(again.map((d) => [d.eventId, d.data.fromSeq, d.data.toSeq])).toEqual([
        ['c1', 1, 5],
        ['c4', 6, 7],
      ]);
    });

    it('starts a debounced range right after the last one queued for its target and key, so ranges tile the log', async () => {
      const changed = (eventId: string, from: number, to: number, authors: string[]) =>
        delivery({ eventId, type: 'document.changed', dueAt: 10_000, mergeKey: 'w', data: changes(from, to, 100, authors) });
      // Before any mark: a range starts where its changes start (a store that had documents before webhooks).
      await store.enqueueWebhooks([changed('c1', 40, 43, ['a'])]);
      await store.claimWebhooks(10_000, 60_000, 10);
      // Another instance reports seqs 41..50 late (41..43 already covered): the new range is 44..50.
      await store.enqueueWebhooks([changed('c2', 41, 50, ['b'])]);
      // Late again, all covered, and a pending one to merge into: only its author is added.
      await store.enqueueWebhooks([changed('c3', 42, 42, ['c'])]);
      const [second] = await store.claimWebhooks(10_000, 60_000, 10);
      expect(second!.data).toMatchObject({ fromSeq: 44, toSeq: 50, authors: ['b', 'c'] });
      // All covered and nothing pending: nothing is queued.
      await store.enqueueWebhooks([changed('c4', 45, 49, ['d'])]);
      // A gap (seqs another instance has not reported yet) belongs to the next range.
      await store.enqueueWebhooks([changed('c5', 53, 55, ['e'])]);
      const rest = await store.claimWebhooks(10_000, 60_000, 10);
      expect(rest.map((d) => [d.eventId, d.data.fromSeq, d.data.toSeq])).toEqual([['c5', 51, 55]]);
    });

    it('renames a webhook target: its queued deliveries and debounce marks move to the new name, merging with what the new name holds', async () => {
      const changed = (eventId: string, target: string, from: number, to: number) =>
        delivery({ eventId, target, type: 'document.changed', dueAt: 10_000, mergeKey: 'w', data: changes(from, to, 100, ['a']) });
      const old = 'http://user:secret@receiver.test/hook';
      const renamed = 'http://receiver.test/hook#fingerprint';
      await store.enqueueWebhooks([delivery({ eventId: 'created', target: old }), changed('c1', old, 1, 3), changed('elsewhere', 'http://other.test/', 1, 3)]);
      // Another instance, already on the new name, queued its own pending range of the same document.
      await store.enqueueWebhooks([changed('c2', renamed, 2, 6)]);
      await store.renameWebhookTarget(old, renamed);
      await store.renameWebhookTarget('http://nothing.test/', 'http://none.test/');
      const claimed = await store.claimWebhooks(10_000, 60_000, 10);
      expect(claimed.map((d) => [d.eventId, d.target]).sort()).toEqual([
        ['c1', renamed],
        ['c2', renamed],
        ['created', renamed],
        ['elsewhere', 'http://other.test/'],
      ]);
      expect(JSON.stringify(claimed)).not.toContain('secret');
      // The mark moved too (the highest of both names): the next range starts after seq 6.
      await store.enqueueWebhooks([changed('c3', renamed, 5, 8)]);
      await store.enqueueWebhooks([changed('c4', old, 1, 9)]);
      expect((await store.claimWebhooks(10_000, 60_000, 10)).map((d) => [d.eventId, d.target, d.data.fromSeq, d.data.toSeq]).sort()).toEqual([
        ['c3', renamed, 7, 8],
        ['c4', old, 1, 9],
      ]);
    });

    it('drops the queued document.changed deliveries and debounce marks of a purged document, keeping its other events', async () => {
      const changed = (eventId: string, doc: string, from: number, to: number, target = 'http://receiver.test/hook') =>
        delivery({ eventId, doc, target, type: 'document.changed', dueAt: 10_000, mergeKey: doc, data: changes(from, to, 100, ['a']) });
      await store.append([{ doc: 'gone', entries: [entry(bytes(1)), entry(bytes(2)), entry(bytes(3))] }, { doc: 'kept', entries: [entry(bytes(4))] }]);
      await store.enqueueWebhooks([delivery({ eventId: 'created', doc: 'gone' }), changed('retried', 'gone', 1, 2, 'http://other.test/')]);
      // Both tried once, and waiting for their retry.
      for (const tried of await store.claimWebhooks(10_000, 60_000, 10)) await store.rescheduleWebhook(tried.id, 20_000, 1, 'HTTP 500');
      await store.enqueueWebhooks([
        changed('pending', 'gone', 1, 3),
        changed('kept-changed', 'kept', 1, 1),
        delivery({ eventId: 'deleted', doc: 'gone', type: 'document.deleted', data: { authors: ['a'] } }),
      ]);
      await store.trashDocument('gone', { at: 5, by: 'a' });
      expect(await store.purgeDocument('gone')).toBe(true);
      expect(await store.countWebhooks()).toBe(3);
      // A new document of that name: its first change is queued from seq 1, on its own.
      await store.append([{ doc: 'gone', entries: [entry(bytes(5))] }]);
      await store.enqueueWebhooks([changed('new', 'gone', 1, 1)]);
      const left = await store.claimWebhooks(30_000, 60_000, 10);
      expect(left.map((d) => [d.eventId, d.type, d.doc]).sort()).toEqual([
        ['created', 'document.created', 'gone'],
        ['deleted', 'document.deleted', 'gone'],
        ['kept-changed', 'document.changed', 'kept'],
        ['new', 'document.changed', 'gone'],
      ]);
      expect(left.find((d) => d.eventId === 'new')!.data).toMatchObject({ fromSeq: 1, toSeq: 1 });
    });

    it('keeps queued webhook deliveries across close and re-open, and refuses one it cannot store', async () => {
      await store.enqueueWebhooks([delivery({ eventId: 'kept' })]);
      await expect(store.enqueueWebhooks([delivery({ eventId: 'ok2' }), delivery({ eventId: 'bad', target: '' })])).rejects.toMatchObject({ code: 'invalid-argument' });
      await store.close();
      store = await harness.open();
      expect((await store.claimWebhooks(1_000, 1_000, 10)).map((d) => d.eventId)).toEqual(['kept']);
    });

    it('stores one revocation per user or token id: revoking again takes the later time and reason, the later until (kept wins)', async () => {
      expect(await store.listRevocations(0)).toEqual([]);
      const alice = { kind: 'user', value: 'alice', until: 5_000, createdAt: 1_000, reason: 'left' } as const;
      expect(await store.revoke(alice)).toEqual(alice);
      await store.revoke({ kind: 'token', value: 'jti-1', until: null, createdAt: 2_000, reason: '' });
      // Revoked again: later createdAt and its reason, later until.
      expect(await store.revoke({ ...alice, until: 4_000, createdAt: 3_000, reason: 'again' })).toEqual({ ...alice, createdAt: 3_000, reason: 'again' });
      // An older revocation (an import) changes neither its time nor its reason; a later until still counts.
      expect(await store.revoke({ ...alice, until: 6_000, createdAt: 500, reason: 'old' })).toEqual({ ...alice, until: 6_000, createdAt: 3_000, reason: 'again' });
      expect(await store.revoke({ ...alice, until: null, createdAt: 3_000, reason: 'again' })).toMatchObject({ until: null });
      expect(await store.revoke({ ...alice, until: 7_000, createdAt: 3_000, reason: 'again' })).toMatchObject({ until: null });
      // A user and a token may share a value: they are different revocations.
      await store.revoke({ kind: 'token', value: 'alice', until: 100, createdAt: 50, reason: '' });
      expect((await store.listRevocations(0)).map((r) => `${r.kind}:${r.value}`)).toEqual(['token:alice', 'token:jti-1', 'user:alice']);
      await store.close();
      store = await harness.open();
      expect(await store.listRevocations(0)).toHaveLength(3);
    });

    it('lists only revocations in force, and forgets those past their until', async () => {
      await store.revoke({ kind: 'token', value: 'short', until: 1_000, createdAt: 10, reason: '' });
      await store.revoke({ kind: 'token', value: 'long', until: 9_000, createdAt: 20, reason: '' });
      await store.revoke({ kind: 'user', value: 'kept', until: null, createdAt: 30, reason: 'r' });
      expect((await store.listRevocations(999)).map((r) => r.value)).toEqual(['short', 'long', 'kept']);
      expect((await store.listRevocations(1_000)).map((r) => r.value)).toEqual(['long', 'kept']);
      expect(await store.forgetRevocations(1_000)).toBe(1);
      expect((await store.listRevocations(0)).map((r) => r.value)).toEqual(['long', 'kept']);
      expect(await store.forgetRevocations(1_000)).toBe(0);
      expect(await store.forgetRevocations(Number.MAX_SAFE_INTEGER)).toBe(1);
      expect((await store.listRevocations(0)).map((r) => r.value)).toEqual(['kept']);
    });

    it('refuses a revocation it cannot store', async () => {
      const ok = { kind: 'user', value: 'u', until: null, createdAt: 1, reason: '' } as const;
      await expect(store.revoke({ ...ok, value: '' })).rejects.toMatchObject({ code: 'invalid-argument' });
      await expect(store.revoke({ ...ok, kind: 'group' as 'user' })).rejects.toMatchObject({ code: 'invalid-argument' });
      await expect(store.revoke({ ...ok, until: 1.5 })).rejects.toMatchObject({ code: 'invalid-argument' });
      await expect(store.revoke({ ...ok, reason: 'x'.repeat(501) })).rejects.toMatchObject({ code: 'invalid-argument' });
      expect(await store.listRevocations(0)).toEqual([]);
    });

    it('keeps everything across close and re-open', async () => {
      await store.append([{ doc: 'p', entries: [entry(bytes(1)), entry(bytes(2))] }]);
      await store.writeCheckpoint('p', { seq: 2, state: bytes(7), createdAt: 3 });
      await store.close();
      store = await harness.open();
      expect((await store.readUpdates('p')).map((u) => Array.from(u.update))).toEqual([[1], [2]]);
      expect(await store.latestCheckpoint('p')).toMatchObject({ seq: 2, state: bytes(7) });
      expect(await store.append([{ doc: 'p', entries: [entry(bytes(3))] }])).toEqual([{ doc: 'p', firstSeq: 3, lastSeq: 3 }]);
    });

    it('reports health while open and refuses work once closed', async () => {
      await expect(store.checkHealth()).resolves.toBeUndefined();
      await store.close();
      await expect(store.readUpdates('x')).rejects.toMatchObject({ code: 'closed' });
      await expect(store.append([{ doc: 'x', entries: [entry(bytes(1))] }])).rejects.toMatchObject({ code: 'closed' });
      await expect(store.checkHealth()).rejects.toBeInstanceOf(PersistenceError);
      store = await harness.open();
    });
  });
}
