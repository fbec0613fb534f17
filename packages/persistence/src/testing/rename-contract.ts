// The rename part of the DocumentStore contract: a document moves to a new name whole, in one
// transaction, and its old names lead to it. Every adapter's test file calls describeRenameContract.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppendEntry, DocumentStore, NewWebhookDelivery } from '../types.js';
import { closeAndDestroy, openFresh, type StoreHarness } from './adapter-contract.js';

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);
const entry = (update: Uint8Array, author = 'conn-a', receivedAt = 1_700_000_000_000): AppendEntry => ({ update, author, receivedAt });

export function describeRenameContract(adapterName: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`DocumentStore contract, renames: ${adapterName}`, () => {
    let harness: StoreHarness;
    let store: DocumentStore;

    beforeEach(async () => {
      ({ harness, store } = await openFresh(makeHarness));
    });
    afterEach(() => closeAndDestroy(harness, store));

    it('renames a document with its log, checkpoints, named versions, compacted sessions and trash entry; the old name redirects', async () => {
      await store.append([{ doc: 'old', entries: [entry(bytes(1)), entry(bytes(2), 'alice', 1_700_000_000_100), entry(bytes(3)), entry(bytes(4))] }]);
      await store.writeCheckpoint('old', { seq: 2, state: bytes(9), createdAt: 5 });
      const version = await store.createVersion('old', { label: 'draft', seq: 4, author: 'alice', createdAt: 6 });
      await store.replaceRange('old', 1, 3, entry(bytes(7)), [{ fromSeq: 1, toSeq: 3, author: 'conn-a', startedAt: 1, endedAt: 2, updates: 3, added: 3, removed: 0 }]);
      await store.trashDocument('old', { at: 8, by: 'bob' });
      const before = await store.getDocument('old');

      await store.renameDocument('old', 'team/new', 1_700_000_001_000);

      expect(await store.getDocument('old')).toBeUndefined();
      expect(await store.readUpdates('old')).toEqual([]);
      expect(await store.getDocument('team/new')).toEqual({ ...before, name: 'team/new' });
      expect((await store.readUpdates('team/new')).map((u) => [u.seq, Array.from(u.update)])).toEqual([[3, [7]], [4, [4]]]);
      expect(await store.latestCheckpoint('team/new')).toBeUndefined(); // the one at 2 was merged away, as before
      expect(await store.listVersions('team/new')).toEqual([version]);
      expect(await store.readCompactedSessions('team/new')).toEqual([expect.objectContaining({ entrySeq: 3, fromSeq: 1, toSeq: 3 })]);
      expect(await store.inTrash('team/new')).toEqual({ doc: 'team/new', trashedAt: 8, trashedBy: 'bob' });
      expect(await store.inTrash('old')).toBeUndefined();
      expect((await store.listDocuments()).map((d) => d.name)).toEqual(['team/new']);
      expect(await store.resolveRedirect('old')).toBe('team/new');
      expect(await store.resolveRedirect('team/new')).toBeUndefined();
      expect(await store.listRedirects()).toEqual([{ from: 'old', to: 'team/new', renamedAt: 1_700_000_001_000 }]);
      expect(await store.getRedirect('old')).toEqual({ from: 'old', to: 'team/new', renamedAt: 1_700_000_001_000 });
      expect(await store.getRedirect('team/new')).toBeUndefined();
      // The log goes on from where it was.
      expect(await store.append([{ doc: 'team/new', entries: [entry(bytes(5))] }])).toEqual([{ doc: 'team/new', firstSeq: 5, lastSeq: 5 }]);
      await store.close();
      store = await harness.open();
      expect(await store.resolveRedirect('old')).toBe('team/new');
    });

    it('refuses an append that would start a new document at an old name (a writer that missed the rename), storing nothing of its batch', async () => {
      await store.append([{ doc: 'draft', entries: [entry(bytes(1)), entry(bytes(2))] }]);
      await store.renameDocument('draft', 'final', 10);
      // Another instance still had 'draft' open: its next commit holds that and another document's update.
      await expect(store.append([{ doc: 'draft', entries: [entry(bytes(3))] }, { doc: 'other', entries: [entry(bytes(4))] }])).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringMatching(/draft.*renamed/),
      });
      expect(await store.getDocument('draft')).toBeUndefined();
      expect(await store.getDocument('other')).toBeUndefined();
      expect((await store.getDocument('final'))?.lastSeq).toBe(2);
      expect(await store.resolveRedirect('draft')).toBe('final');
      // A writer that holds the renamed document (its creation time) hears where it went too.
      const created = (await store.getDocument('final'))!.createdAt;
      await expect(store.append([{ doc: 'draft', entries: [{ ...entry(bytes(3)), documentCreatedAt: created }] }])).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringMatching(/draft.*renamed to "final"/),
      });
      expect(await store.getDocument('draft')).toBeUndefined();
      // Taken back on purpose (PUT at the old name removes the redirect first), the name starts a new document.
      await store.removeRedirect('draft');
      expect(await store.append([{ doc: 'draft', entries: [entry(bytes(5))] }])).toEqual([{ doc: 'draft', firstSeq: 1, lastSeq: 1 }]);
    });

    it('keeps a checkpoint with the document', async () => {
      await store.append([{ doc: 'c', entries: [entry(bytes(1)), entry(bytes(2))] }]);
      await store.writeCheckpoint('c', { seq: 2, state: bytes(9), createdAt: 5 });
      await store.renameDocument('c', 'd', 10);
      expect(await store.latestCheckpoint('d')).toEqual({ seq: 2, state: bytes(9), createdAt: 5 });
      expect(await store.latestCheckpoint('c')).toBeUndefined();
    });

    it('refuses to rename a document that does not exist, onto a name a document holds (in the trash too), or onto itself, changing nothing', async () => {
      await store.append([{ doc: 'a', entries: [entry(bytes(1))] }, { doc: 'b', entries: [entry(bytes(2))] }, { doc: 'binned', entries: [entry(bytes(3))] }]);
      await store.trashDocument('binned', { at: 1, by: 'x' });
      await expect(store.renameDocument('nothing', 'z', 1)).rejects.toMatchObject({ code: 'not-found' });
      await expect(store.renameDocument('a', 'b', 1)).rejects.toMatchObject({ code: 'conflict' });
      await expect(store.renameDocument('a', 'binned', 1)).rejects.toMatchObject({ code: 'conflict' });
      await expect(store.renameDocument('a', 'a', 1)).rejects.toMatchObject({ code: 'conflict' });
      await expect(store.renameDocument('a', 'bad//name', 1)).rejects.toMatchObject({ code: 'invalid-doc-name' });
      expect((await store.listDocuments()).map((d) => d.name)).toEqual(['a', 'b', 'binned']);
      expect(await store.listRedirects()).toEqual([]);
    });

    it('collapses chains (a→b then b→c leaves a→c and b→c); renaming back to an old name removes that redirect', async () => {
      await store.append([{ doc: 'a', entries: [entry(bytes(1))] }]);
      await store.renameDocument('a', 'b', 1);
      await store.renameDocument('b', 'c', 2);
      expect(await store.resolveRedirect('a')).toBe('c');
      expect(await store.resolveRedirect('b')).toBe('c');
      await store.renameDocument('c', 'a', 3);
      expect(await store.resolveRedirect('a')).toBeUndefined();
      expect(await store.listRedirects()).toEqual([
        { from: 'b', to: 'a', renamedAt: 2 },
        { from: 'c', to: 'a', renamedAt: 3 },
      ]);
      expect((await store.readUpdates('a')).map((u) => Array.from(u.update))).toEqual([[1]]);
    });

    it('removes a redirect when its name is taken back, and when the document it leads to is purged', async () => {
      await store.append([{ doc: 'a', entries: [entry(bytes(1))] }]);
      await store.renameDocument('a', 'b', 1);
      expect(await store.removeRedirect('a')).toBe(true);
      expect(await store.removeRedirect('a')).toBe(false);
      expect(await store.resolveRedirect('a')).toBeUndefined();
      await store.renameDocument('b', 'c', 2);
      await store.trashDocument('c', { at: 3, by: 'x' });
      expect(await store.purgeDocument('c')).toBe(true);
      expect(await store.resolveRedirect('b')).toBeUndefined();
      expect(await store.listRedirects()).toEqual([]);
    });

    it('moves the pending webhook deliveries of the document, and its debounce key, to the new name', async () => {
      const delivery = (over: Partial<NewWebhookDelivery>): NewWebhookDelivery => ({
        eventId: 'e', target: 'http://receiver.test/hook', type: 'document.changed', doc: 'w', occurredAt: 100, dueAt: 10_000, data: {}, ...over,
      });
      const changes = (fromSeq: number, toSeq: number, author: string) => ({ fromSeq, toSeq, firstAt: 100, lastAt: 100, authors: [author] });
      await store.append([{ doc: 'w', entries: [entry(bytes(1)), entry(bytes(2))] }]);
      await store.enqueueWebhooks([
        delivery({ eventId: 'created', type: 'document.created', data: { seq: 1 } }),
        delivery({ eventId: 'c1', mergeKey: 'w', data: changes(1, 2, 'alice') }),
        delivery({ eventId: 'unrelated', doc: 'other', mergeKey: 'other', data: changes(1, 1, 'dan') }),
      ]);
      await store.renameDocument('w', 'w2', 1);
      // A change reported under the new name merges into the pending one.
      await store.enqueueWebhooks([delivery({ eventId: 'c2', doc: 'w2', mergeKey: 'w2', data: changes(3, 3, 'bob') })]);
      const claimed = await store.claimWebhooks(10_000, 60_000, 10);
      expect(claimed.map((d) => [d.eventId, d.doc]).sort()).toEqual([['c1', 'w2'], ['created', 'w2'], ['unrelated', 'other']]);
      expect(claimed.find((d) => d.eventId === 'c1')!.data).toMatchObject({ fromSeq: 1, toSeq: 3, authors: ['alice', 'bob'] });
      // The range goes on after the last one queued under the old name.
      await store.enqueueWebhooks([delivery({ eventId: 'c3', doc: 'w2', mergeKey: 'w2', data: changes(2, 4, 'carol') })]);
      const [next] = await store.claimWebhooks(10_000, 60_000, 10);
      expect(next!.data).toMatchObject({ fromSeq: 4, toSeq: 4 });
    });

    it('imports redirects whose document exists and whose name is free, once', async () => {
      await store.append([{ doc: 'now', entries: [entry(bytes(1))] }, { doc: 'taken', entries: [entry(bytes(2))] }]);
      const redirects = [
        { from: 'then', to: 'now', renamedAt: 5 },
        { from: 'taken', to: 'now', renamedAt: 5 },
        { from: 'orphan', to: 'missing', renamedAt: 5 },
      ];
      expect(await store.importRedirects(redirects)).toBe(1);
      expect(await store.importRedirects(redirects)).toBe(0);
      expect(await store.listRedirects()).toEqual([{ from: 'then', to: 'now', renamedAt: 5 }]);
    });
  });
}
