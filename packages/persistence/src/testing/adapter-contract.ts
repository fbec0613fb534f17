// The one contract every DocumentStore adapter must pass. An adapter's test file calls
// describeStoreContract with a harness that opens (and re-opens) its store on fresh storage.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PersistenceError } from '../errors.js';
import type { AppendEntry, DocumentStore } from '../types.js';

export interface StoreHarness {
  /** Opens the store on this harness' storage; calling it again after close() re-opens the same data. */
  open(): Promise<DocumentStore>;
  /** Removes the storage. */
  destroy(): Promise<void>;
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
      harness = await makeHarness();
      store = await harness.open();
    });

    afterEach(async () => {
      await store.close();
      await harness.destroy();
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
