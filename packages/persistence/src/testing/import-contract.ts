// The import half of the store contract (DocumentStore.importUpdates / importVersions /
// importCompactedSessions): what moving a store from one engine to the other relies on. Each
// adapter's test file calls describeImportContract with the harness it gives describeStoreContract.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DocumentStore, StoredCompactedSession, StoredUpdate } from '../types.js';
import { closeAndDestroy, openFresh, type StoreHarness } from './adapter-contract.js';

const update = (seq: number, author = 'alice', receivedAt = 1_700_000_000_000 + seq * 1000, bytes = [seq & 0xff, 7]): StoredUpdate => ({
  seq,
  update: new Uint8Array(bytes),
  author,
  receivedAt,
});

const session = (entrySeq: number, fromSeq: number, toSeq: number, author = 'alice'): StoredCompactedSession => ({
  entrySeq,
  fromSeq,
  toSeq,
  author,
  startedAt: fromSeq * 1000,
  endedAt: toSeq * 1000,
  updates: toSeq - fromSeq + 1,
  added: 3,
  removed: 1,
});

const rows = async (store: DocumentStore, doc: string) =>
  (await store.readUpdates(doc)).map((u) => [u.seq, Array.from(u.update), u.author, u.receivedAt]);

export function describeImportContract(adapterName: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`DocumentStore import contract: ${adapterName}`, () => {
    let harness: StoreHarness;
    let store: DocumentStore;

    beforeEach(async () => {
      ({ harness, store } = await openFresh(makeHarness));
    });
    afterEach(() => closeAndDestroy(harness, store));

    it('stores updates at the seqs they carry, gaps kept, and keeps the document row right', async () => {
      const log = [update(1), update(4, 'compacted'), update(5, 'bob'), update(9)];
      expect(await store.importUpdates('d', log, { createdAt: 5, lastChangeAt: 1_800_000_000_000 })).toBe(4);
      expect(await rows(store, 'd')).toEqual(log.map((u) => [u.seq, Array.from(u.update), u.author, u.receivedAt]));
      expect(await store.getDocument('d')).toEqual({ name: 'd', updateCount: 4, lastSeq: 9, sizeBytes: 8, createdAt: 5, lastChangeAt: 1_800_000_000_000 });
      // Without times given: created at the first update's time, last changed at the latest update's.
      await store.importUpdates('e', [update(2), update(3)]);
      expect(await store.getDocument('e')).toMatchObject({ createdAt: update(2).receivedAt, lastChangeAt: update(3).receivedAt, lastSeq: 3 });
      // A seq that compaction merged away still maps to the merged update that holds it.
      expect(await store.seqAtOrAfter('d', 2)).toBe(4);
      // Appends go on after the highest imported seq.
      expect(await store.append([{ doc: 'd', entries: [{ update: new Uint8Array([1]), author: 'x', receivedAt: 1 }] }])).toEqual([
        { doc: 'd', firstSeq: 10, lastSeq: 10 },
      ]);
    });

    it('imports in batches, skips what is already there (idempotent) and counts only what it inserted', async () => {
      expect(await store.importUpdates('d', [update(1), update(2), update(3)])).toBe(3);
      expect(await store.importUpdates('d', [update(2), update(3), update(5), update(6)])).toBe(2);
      expect(await store.importUpdates('d', [update(1), update(2), update(3), update(5), update(6)])).toBe(0);
      expect(await store.importUpdates('d', [])).toBe(0);
      expect((await store.readUpdates('d')).map((u) => u.seq)).toEqual([1, 2, 3, 5, 6]);
      expect(await store.getDocument('d')).toMatchObject({ updateCount: 5, lastSeq: 6, sizeBytes: 10 });
    });

    it('refuses (conflict) a different update at a stored seq, and writes nothing of that call', async () => {
      await store.importUpdates('d', [update(1), update(2)]);
      for (const other of [update(2, 'mallory'), update(2, 'alice', 1), update(2, 'alice', undefined, [2, 8])]) {
        await expect(store.importUpdates('d', [update(3), other, update(4)].sort((a, b) => a.seq - b.seq))).rejects.toMatchObject({
          name: 'PersistenceError',
          code: 'conflict',
          doc: 'd',
          message: expect.stringContaining('seq 2'),
        });
      }
      expect((await store.readUpdates('d')).map((u) => u.seq)).toEqual([1, 2]);
      expect(await store.getDocument('d')).toMatchObject({ updateCount: 2, lastSeq: 2, sizeBytes: 4 });
    });

    it('refuses seqs that are not positive and rising, and bad document names', async () => {
      await expect(store.importUpdates('d', [update(2), update(1)])).rejects.toMatchObject({ code: 'invalid-argument' });
      await expect(store.importUpdates('d', [update(0)])).rejects.toMatchObject({ code: 'invalid-argument' });
      await expect(store.importUpdates('../x', [update(1)])).rejects.toMatchObject({ code: 'invalid-doc-name' });
      expect(await store.listDocuments()).toEqual([]);
    });

    it('imports named versions with their label, seq, author and time, once (a multiset)', async () => {
      await store.importUpdates('v', [update(1), update(3), update(6)]);
      const versions = [
        { label: 'Empty', seq: 0, author: 'alice', createdAt: 1 },
        { label: 'Draft', seq: 3, author: 'bob', createdAt: 2 },
        { label: 'Draft', seq: 3, author: 'bob', createdAt: 2 },
        { label: 'Final', seq: 6, author: 'alice', createdAt: 3 },
      ];
      expect(await store.importVersions('v', versions.slice(0, 2))).toBe(2);
      expect(await store.importVersions('v', versions)).toBe(2);
      expect(await store.importVersions('v', versions)).toBe(0);
      expect((await store.listVersions('v')).map(({ id: _, ...v }) => v)).toEqual(versions);
      await expect(store.importVersions('v', [{ label: 'Future', seq: 7, author: 'a', createdAt: 1 }])).rejects.toMatchObject({ code: 'invalid-argument' });
      await expect(store.importVersions('nope', versions)).rejects.toMatchObject({ code: 'invalid-argument' });
      // The named seqs stay protected from compaction, as created ones are.
      await expect(store.replaceRange('v', 1, 6, { update: new Uint8Array([1]), author: 'c', receivedAt: 1 })).rejects.toMatchObject({ code: 'conflict' });
    });

    it('imports compacted sessions as stored, skipping identical ones and refusing different ones (conflict)', async () => {
      await store.importUpdates('s', [update(3, 'compacted'), update(5, 'compacted'), update(6)]);
      const sessions = [session(3, 1, 2), session(3, 3, 3, 'bob'), session(5, 4, 5)];
      expect(await store.importCompactedSessions('s', sessions.slice(0, 1))).toBe(1);
      expect(await store.importCompactedSessions('s', sessions)).toBe(2);
      expect(await store.importCompactedSessions('s', sessions)).toBe(0);
      expect(await store.readCompactedSessions('s')).toEqual(sessions);
      await expect(store.importCompactedSessions('s', [session(6, 6, 6), { ...session(5, 4, 5), added: 99 }])).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringContaining('entry seq 5'),
      });
      expect(await store.readCompactedSessions('s')).toEqual(sessions);
    });

    it('keeps checkpoints written at imported seqs, and everything across a re-open', async () => {
      await store.importUpdates('c', [update(2), update(5), update(8)], { createdAt: 1 });
      await store.writeCheckpoint('c', { seq: 5, state: new Uint8Array([5, 5]), createdAt: 50 });
      await store.writeCheckpoint('c', { seq: 5, state: new Uint8Array([5, 5]), createdAt: 50 }); // again: the same
      await store.close();
      store = await harness.open();
      expect(await store.latestCheckpoint('c')).toEqual({ seq: 5, state: new Uint8Array([5, 5]), createdAt: 50 });
      expect(await store.getDocument('c')).toMatchObject({ updateCount: 3, lastSeq: 8, createdAt: 1 });
      expect((await store.readUpdates('c')).map((u) => u.seq)).toEqual([2, 5, 8]);
    });

    it('imports authors as they are, colour included; a known one keeps its colour and takes the later name', async () => {
      const ada = { id: 'guest:ada', name: 'Ada', color: '#0a5fb4', verified: false, firstSeen: 100, lastSeen: 900 };
      const sub = { id: 'user-1', name: 'Una', color: '#a3164a', verified: true, firstSeen: 50, lastSeen: 60 };
      expect(await store.importAuthors([ada, sub])).toBe(2);
      expect(await store.importAuthors([ada, sub])).toBe(0); // a rerun
      expect((await store.listAuthors(['guest:ada', 'user-1'])).sort((a, b) => a.id.localeCompare(b.id))).toEqual([ada, sub]);
      await store.recordAuthors([{ id: 'guest:bob', name: 'Bob', verified: false, seenAt: 1000 }]);
      const [bob] = await store.listAuthors(['guest:bob']);
      expect(await store.importAuthors([{ ...bob!, name: 'Robert', color: '#000000', firstSeen: 10, lastSeen: 2000 }])).toBe(0);
      expect(await store.listAuthors(['guest:bob'])).toEqual([{ ...bob, name: 'Robert', firstSeen: 10, lastSeen: 2000 }]);
      await expect(store.importAuthors([{ ...ada, color: 'red' }])).rejects.toMatchObject({ code: 'invalid-argument' });
    });
  });
}
