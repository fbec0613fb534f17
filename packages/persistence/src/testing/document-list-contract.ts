// The contract of DocumentStore.listDocumentPage, which every adapter passes: search, both orders,
// paging by cursor through ties, the trash left out, scopes, and the author of the last update.
// An adapter's test file calls describeDocumentListContract with the harness of describeStoreContract.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMPACTED_AUTHOR } from '../authors/describe-author.js';
import { PersistenceError } from '../errors.js';
import type { DocumentPageQuery, DocumentStore, ListedDocument } from '../types.js';
import { closeAndDestroy, openFresh, type StoreHarness } from './adapter-contract.js';

const T0 = 1_700_000_000_000;

/** Creates `doc` with one update per author, the last at `at`. */
const write = (store: DocumentStore, doc: string, at: number, authors: readonly string[] = ['alice']) =>
  store.append([{ doc, entries: authors.map((author, i) => ({ update: new Uint8Array([i + 1]), author, receivedAt: at - (authors.length - 1 - i) })) }]);

const names = (docs: readonly ListedDocument[]) => docs.map((d) => d.name);

/** Every page of a query, followed by its cursors. */
async function allPages(store: DocumentStore, query: DocumentPageQuery): Promise<string[][]> {
  const pages: string[][] = [];
  let page = await store.listDocumentPage(query);
  pages.push(names(page.documents));
  while (page.next !== null) {
    page = await store.listDocumentPage({ ...query, after: page.next });
    pages.push(names(page.documents));
    if (pages.length > 100) throw new Error('the cursor does not advance');
  }
  return pages;
}

export function describeDocumentListContract(adapterName: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`DocumentStore document list contract: ${adapterName}`, () => {
    let harness: StoreHarness;
    let store: DocumentStore;

    beforeEach(async () => {
      ({ harness, store } = await openFresh(makeHarness));
    });
    afterEach(() => closeAndDestroy(harness, store));

    it('lists by last change, newest first, ties by name, with each one’s last author; the trash is left out', async () => {
      await write(store, 'old', T0);
      await write(store, 'tie/b', T0 + 10, ['alice', 'bob']);
      await write(store, 'tie/a', T0 + 10, ['bob', 'carol']);
      await write(store, 'new', T0 + 20);
      await write(store, 'binned', T0 + 30);
      await store.trashDocument('binned', { at: T0 + 40, by: 'alice' });
      const page = await store.listDocumentPage({ limit: 10 });
      expect(names(page.documents)).toEqual(['new', 'tie/a', 'tie/b', 'old']);
      expect(page.next).toBeNull();
      expect(page.documents.map((d) => [d.name, d.lastAuthor, d.lastChangeAt])).toEqual([
        ['new', 'alice', T0 + 20],
        ['tie/a', 'carol', T0 + 10],
        ['tie/b', 'bob', T0 + 10],
        ['old', 'alice', T0],
      ]);
      expect(page.documents[1]).toMatchObject({ updateCount: 2, lastSeq: 2, sizeBytes: 2 });
      // The same document as getDocument describes it, plus its last author.
      const { lastAuthor, ...info } = page.documents[0]!;
      expect(info).toEqual(await store.getDocument('new'));
      expect(lastAuthor).toBe('alice');
      await store.untrashDocument('binned');
      expect(names((await store.listDocumentPage({ limit: 1 })).documents)).toEqual(['binned']);
    });

    it('names the last writer of a last update that compaction merged from several people, not “compacted”', async () => {
      await write(store, 'merged', T0, ['alice', 'bob', 'alice', 'carol']);
      await write(store, 'older', T0 - 10, ['dave', 'erin']);
      const session = (author: string, fromSeq: number, toSeq: number) => ({ fromSeq, toSeq, author, startedAt: T0 - 3, endedAt: T0, updates: 1, added: 1, removed: 0 });
      // carol wrote the last update of the merged range; alice's run began first and ends before hers.
      await store.replaceRange('merged', 1, 4, { update: new Uint8Array([9]), author: COMPACTED_AUTHOR, receivedAt: T0 }, [
        session('alice', 1, 3),
        session('bob', 2, 2),
        session('carol', 4, 4),
      ]);
      // Merged before sessions were kept: nothing better to say than what the row says.
      await store.replaceRange('older', 1, 2, { update: new Uint8Array([9]), author: COMPACTED_AUTHOR, receivedAt: T0 - 10 });
      const page = await store.listDocumentPage({ limit: 10 });
      expect(page.documents.map((d) => [d.name, d.lastAuthor])).toEqual([
        ['merged', 'carol'],
        ['older', COMPACTED_AUTHOR],
      ]);
    });

    it('sorts by name in code point order, the same on every engine', async () => {
      for (const [i, doc] of ['b', 'a/z', 'B', 'a', 'é', 'a-b', 'ab'].entries()) await write(store, doc, T0 + i);
      expect(names((await store.listDocumentPage({ limit: 10, sort: 'name' })).documents)).toEqual(['B', 'a', 'a-b', 'a/z', 'ab', 'b', 'é']);
    });

    it('pages through ties by cursor, each document once, in both orders', async () => {
      // 23 documents: three change times shared by many, so pages end inside a tie.
      const all = Array.from({ length: 23 }, (_, i) => `doc-${String(i).padStart(2, '0')}`);
      for (const [i, doc] of all.entries()) await write(store, doc, T0 + (i % 3) * 1000);
      const byChange = [...all].sort((a, b) => (Number(b.slice(4)) % 3) - (Number(a.slice(4)) % 3) || (a < b ? -1 : 1));
      const pages = await allPages(store, { limit: 5 });
      expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
      expect(pages.flat()).toEqual(byChange);
      expect((await allPages(store, { limit: 4, sort: 'name' })).flat()).toEqual(all);
      // A page that ends exactly on the last document says there is no next one.
      const exact = await store.listDocumentPage({ limit: 23 });
      expect(exact.documents).toHaveLength(23);
      expect(exact.next).toBeNull();
    });

    it('a document changed between two pages does not shift the rest: the cursor is a key, not an offset', async () => {
      for (const [i, doc] of ['a', 'b', 'c', 'd'].entries()) await write(store, doc, T0 + 100 - i);
      const first = await store.listDocumentPage({ limit: 2 });
      expect(names(first.documents)).toEqual(['a', 'b']);
      await write(store, 'new', T0 + 500); // lands before the cursor: not on the next page, nothing skipped
      expect(names((await store.listDocumentPage({ limit: 2, after: first.next! })).documents)).toEqual(['c', 'd']);
    });

    it('searches names for a substring in any case, taking % and _ literally', async () => {
      for (const [i, doc] of ['Team/Plan', 'team/notes', 'rate 100%', 'rate 1000', 'snake_case', 'snakeXcase', '100 percent', 'École'].entries()) {
        await write(store, doc, T0 + i);
      }
      const search = async (text: string) => names((await store.listDocumentPage({ limit: 20, search: text, sort: 'name' })).documents);
      expect(await search('TEAM/')).toEqual(['Team/Plan', 'team/notes']);
      expect(await search('plan')).toEqual(['Team/Plan']);
      expect(await search('100%')).toEqual(['rate 100%']);
      expect(await search('%')).toEqual(['rate 100%']);
      expect(await search('_')).toEqual(['snake_case']);
      expect(await search('e_c')).toEqual(['snake_case']);
      expect(await search('école')).toEqual(['École']);
      expect(await search('nothing')).toEqual([]);
      expect(await search('')).toHaveLength(8);
      // Search and paging together: the cursor continues inside the matches.
      const pages = await allPages(store, { limit: 1, search: 'rate', sort: 'name' });
      expect(pages).toEqual([['rate 100%'], ['rate 1000']]);
    });

    it('keeps to a scope of exact names and prefixes inside the query, so pages are full while more documents are visible', async () => {
      // Visible documents are few and far apart in the order: a filter after the query would return empty pages.
      const visible = ['shared', 'team/1', 'team/2', 'team/3', 'team/4', 'teamwork'];
      let t = T0;
      for (const doc of visible) {
        for (let i = 0; i < 6; i++) await write(store, `other/${doc}-${i}`, ++t);
        await write(store, doc, ++t);
      }
      await write(store, 'Team/upper', ++t); // a prefix is case-sensitive, as mayOpen is
      await write(store, 'team%/x', ++t); // and literal
      const scope = { names: ['shared', 'absent'], prefixes: ['team/', 'teamw'] };
      const pages = await allPages(store, { limit: 2, scope });
      expect(pages).toEqual([['teamwork', 'team/4'], ['team/3', 'team/2'], ['team/1', 'shared']]);
      expect((await allPages(store, { limit: 10, scope: { names: [], prefixes: ['team%'] } })).flat()).toEqual(['team%/x']);
      expect((await store.listDocumentPage({ limit: 10, scope: { names: [], prefixes: [] } })).documents).toEqual([]);
      expect((await store.listDocumentPage({ limit: 100, scope: { names: [], prefixes: [''] } })).documents).toHaveLength(44);
      expect(names((await store.listDocumentPage({ limit: 10, scope, search: 'WORK' })).documents)).toEqual(['teamwork']);
    });

    it('refuses a bad limit or cursor', async () => {
      for (const limit of [0, -1, 1.5, 1001]) {
        await expect(store.listDocumentPage({ limit })).rejects.toSatisfy((e) => e instanceof PersistenceError && e.code === 'invalid-argument');
      }
      const badCursor = { lastChangeAt: Number.NaN, name: 'x' };
      await expect(store.listDocumentPage({ limit: 5, after: badCursor })).rejects.toSatisfy((e) => e instanceof PersistenceError && e.code === 'invalid-argument');
    });
  });
}
