import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PersistenceError } from '../../errors.js';
import { describeStoreContract, type StoreHarness } from '../../testing/adapter-contract.js';
import { describeDocumentListContract } from '../../testing/document-list-contract.js';
import { describeImportContract } from '../../testing/import-contract.js';
import { describeRenameContract } from '../../testing/rename-contract.js';
import { describeShareLinkContract } from '../../testing/share-link-contract.js';
import { type TestSchema, testSchema } from '../../testing/postgres.js';
import type { DocumentStore } from '../../types.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { openPostgresStore } from './postgres-store.js';

const postgresHarness = async (): Promise<StoreHarness> => {
  const db = testSchema();
  return {
    open: () => openPostgresStore({ url: db.url, schema: db.schema, poolSize: 4 }),
    destroy: () => db.drop(),
  };
};
describeStoreContract('postgres', postgresHarness);
describeImportContract('postgres', postgresHarness);
describeDocumentListContract('postgres', postgresHarness);
describeRenameContract('postgres', postgresHarness);
describeShareLinkContract('postgres', postgresHarness);

const entry = (n: number, author = 'w') => ({ update: new Uint8Array([n & 0xff, n >> 8]), author, receivedAt: 1_700_000_000_000 + n });

async function withStores<T>(count: number, run: (stores: DocumentStore[], db: TestSchema) => Promise<T>): Promise<T> {
  const db = testSchema();
  const stores: DocumentStore[] = [];
  try {
    // Opened at once, as instances starting together would: the migrations run once.
    stores.push(...(await Promise.all(Array.from({ length: count }, () => openPostgresStore({ url: db.url, schema: db.schema, poolSize: 3 })))));
    return await run(stores, db);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
    await db.drop();
  }
}

describe('postgres store: several instances on one database', () => {
  it('gives authors that instances record at the same moment colours of their own', async () => {
    await withStores(3, async (stores) => {
      await Promise.all(
        stores.flatMap((store, i) =>
          [0, 1, 2].map((j) => store.recordAuthors([{ id: `a${i}-${j}`, name: `A${i}${j}`, verified: false, seenAt: 1000 + j }])),
        ),
      );
      const ids = stores.flatMap((_, i) => [0, 1, 2].map((j) => `a${i}-${j}`));
      const authors = await stores[0]!.listAuthors(ids);
      expect(authors).toHaveLength(9);
      expect(new Set(authors.map((a) => a.color)).size).toBe(9);
    });
  });

  it('gives concurrent writers on several instances contiguous seqs, loses none, and commits in seq order', async () => {
    await withStores(4, async ([reader, ...writers]) => {
      const perWriter = 150;
      let writing = true;
      const seen: number[][] = [];
      // A reader polling throughout: every read must be a gap-free prefix (a later seq is never
      // visible before an earlier one commits).
      const polling = (async () => {
        while (writing) seen.push((await reader!.readUpdates('shared')).map((u) => u.seq));
      })();
      await Promise.all(
        writers.map(async (store, w) => {
          for (let i = 0; i < perWriter; i++) {
            const n = w * perWriter + i;
            // Some batches also touch two other documents, in both orders, to contend for their rows too.
            const others = i % 3 === 0 ? (w % 2 ? ['x', 'y'] : ['y', 'x']).map((doc) => ({ doc, entries: [entry(n, `w${w}`)] })) : [];
            const entries = i % 5 === 0 ? [entry(n, `w${w}`), entry(n, `w${w}`)] : [entry(n, `w${w}`)];
            await store.append([{ doc: 'shared', entries }, ...others]);
          }
        }),
      );
      writing = false;
      await polling;
      const expected = writers.length * perWriter + writers.length * Math.ceil(perWriter / 5);
      const updates = await reader!.readUpdates('shared');
      expect(updates.map((u) => u.seq)).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
      expect(await reader!.getDocument('shared')).toMatchObject({ lastSeq: expected, updateCount: expected });
      // Every writer's updates, each exactly as often as it was sent.
      const counts = new Map<string, number>();
      for (const u of updates) counts.set(`${u.author}:${u.update.join(',')}`, (counts.get(`${u.author}:${u.update.join(',')}`) ?? 0) + 1);
      expect(counts.size).toBe(writers.length * perWriter);
      expect(seen.length).toBeGreaterThan(1);
      for (const read of seen) expect(read).toEqual(Array.from({ length: read.length }, (_, i) => i + 1));
      for (const doc of ['x', 'y']) {
        expect((await reader!.readUpdates(doc)).map((u) => u.seq)).toEqual(Array.from({ length: writers.length * perWriter / 3 }, (_, i) => i + 1));
      }
    });
  });

  it('hands each webhook delivery to one of several instances claiming at once, and merges their debounced changes into one', async () => {
    await withStores(3, async (stores) => {
      const target = 'http://receiver.test/hook';
      await stores[0]!.enqueueWebhooks(
        Array.from({ length: 60 }, (_, i) => ({ eventId: `e${i}`, target, type: 'version.named', doc: 'd', occurredAt: 1, dueAt: 1, data: { i } })),
      );
      const claimed = await Promise.all(stores.flatMap((store) => [0, 1, 2, 3].map(() => store.claimWebhooks(10, 60_000, 7))));
      const ids = claimed.flat().map((d) => d.eventId);
      expect(ids).toHaveLength(new Set(ids).size);
      // Instances debouncing the same document at once: one pending delivery covering all of it.
      await Promise.all(
        stores.map((store, i) =>
          store.enqueueWebhooks([
            { eventId: `c${i}`, target, type: 'document.changed', doc: 'd', occurredAt: 100 + i, dueAt: 1_000_000, mergeKey: 'd', data: { fromSeq: i + 1, toSeq: i + 1, firstAt: 100 + i, lastAt: 100 + i, authors: [`a${i}`] } },
          ]),
        ),
      );
      const changed = (await stores[1]!.claimWebhooks(1_000_000, 60_000, 100)).filter((d) => d.type === 'document.changed');
      expect(changed).toHaveLength(1);
      expect(changed[0]!.data).toMatchObject({ fromSeq: 1, toSeq: 3, firstAt: 100, lastAt: 102 });
    });
  });

  it('leaves no gap when an append fails: the whole batch is rolled back, seqs included', async () => {
    await withStores(1, async ([store], db) => {
      await store!.append([{ doc: 'a', entries: [entry(1)] }]);
      // A constraint the database checks (authors with NUL are refused before any statement now): the
      // statement fails after document a's head was raised.
      const client = new pg.Client({ connectionString: db.url, options: `-c search_path=${db.schema}` });
      await client.connect();
      try {
        await client.query(`ALTER TABLE updates ADD CONSTRAINT test_no_bad_author CHECK (author <> 'bad author')`);
      } finally {
        await client.end();
      }
      await expect(store!.append([{ doc: 'a', entries: [entry(2)] }, { doc: 'b', entries: [entry(3, 'bad author')] }])).rejects.toMatchObject({
        code: 'write-failed',
      });
      expect(await store!.append([{ doc: 'a', entries: [entry(4)] }])).toEqual([{ doc: 'a', firstSeq: 2, lastSeq: 2 }]);
      expect(await store!.getDocument('b')).toBeUndefined();
      expect((await store!.readUpdates('a')).map((u) => u.update[0])).toEqual([1, 4]);
    });
  });

  it('applies each migration once when instances start together, and refuses a schema newer than it knows', async () => {
    await withStores(3, async (stores, db) => {
      const client = new pg.Client({ connectionString: db.url, options: `-c search_path=${db.schema}` });
      await client.connect();
      try {
        const { rows } = await client.query<{ version: number }>('SELECT version FROM tandem_migrations ORDER BY version');
        expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
        await client.query(`INSERT INTO tandem_migrations (version, description) VALUES (${SCHEMA_VERSION + 1}, 'from the future')`);
      } finally {
        await client.end();
      }
      await expect(openPostgresStore({ url: db.url, schema: db.schema })).rejects.toThrow(/newer than this server understands/);
      expect(stores).toHaveLength(3);
    });
  });

  it('upgrading a version-8 schema revokes the share links of users revoked before (at their revocation), and no others', async () => {
    await withStores(1, async ([store], db) => {
      const link = { doc: 'plan', role: 'viewer' as const, createdAt: 1_000, expiresAt: 9_000_000_000_000, revokedAt: null };
      await store!.createShareLink({ ...link, id: 'by-mallory', createdBy: 'mallory' });
      await store!.createShareLink({ ...link, id: 'by-mallory-later', createdBy: 'mallory', createdAt: 3_000 });
      await store!.createShareLink({ ...link, id: 'by-ann', createdBy: 'ann' });
      const client = new pg.Client({ connectionString: db.url, options: `-c search_path=${db.schema}` });
      await client.connect();
      try {
        // A user revoked by a version that did not end their links.
        await client.query("INSERT INTO revocations (kind, value, until, created_at, reason) VALUES ('user', 'mallory', NULL, 2000, '')");
        await client.query('DROP INDEX share_links_by_creator');
        await client.query('DELETE FROM tandem_migrations WHERE version > 8');
      } finally {
        await client.end();
      }
      const upgraded = await openPostgresStore({ url: db.url, schema: db.schema, poolSize: 1 });
      try {
        expect((await upgraded.getShareLink('by-mallory'))?.revokedAt).toBe(2_000);
        expect((await upgraded.getShareLink('by-mallory-later'))?.revokedAt).toBeNull();
        expect((await upgraded.getShareLink('by-ann'))?.revokedAt).toBeNull();
      } finally {
        await upgraded.close();
      }
    });
  });

  it('lets one of two compactions of the same range through and refuses the other (conflict)', async () => {
    await withStores(2, async ([a, b]) => {
      await a!.append([{ doc: 'c', entries: Array.from({ length: 20 }, (_, i) => entry(i + 1)) }]);
      const merged = { update: new Uint8Array([9]), author: 'compacted', receivedAt: 1 };
      const results = await Promise.allSettled([a!.replaceRange('c', 1, 10, merged, [], 10), b!.replaceRange('c', 1, 10, merged, [], 10)]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict' });
      expect((await a!.readUpdates('c')).map((u) => u.seq)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
      expect(await b!.getDocument('c')).toMatchObject({ updateCount: 11, lastSeq: 20 });
    });
  });

  it('does not keep a checkpoint at a seq a compaction merged away', async () => {
    await withStores(1, async ([store]) => {
      await store!.append([{ doc: 'k', entries: Array.from({ length: 5 }, (_, i) => entry(i + 1)) }]);
      await store!.replaceRange('k', 1, 4, { update: new Uint8Array([7]), author: 'compacted', receivedAt: 1 });
      await store!.writeCheckpoint('k', { seq: 3, state: new Uint8Array([1]), createdAt: 1 }); // read before the merge
      expect(await store!.latestCheckpoint('k')).toBeUndefined();
      await store!.writeCheckpoint('k', { seq: 4, state: new Uint8Array([2]), createdAt: 2 });
      expect(await store!.latestCheckpoint('k')).toMatchObject({ seq: 4 });
    });
  });

  it('says which database it cannot reach, without its password', async () => {
    const error = await openPostgresStore({ url: 'postgres://tandem:s3cret@127.0.0.1:1/nowhere', queryTimeoutMs: 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PersistenceError);
    expect((error as Error).message).toMatch(/Cannot open PostgreSQL store at postgres:\/\/tandem:\*\*\*@127\.0\.0\.1:1\/nowhere/);
    expect((error as Error).message).not.toContain('s3cret');
  });
});

describe('postgres store reads', () => {
  it('reads a long log in chunks, by rows and by bytes, byte for byte and in order', async () => {
    await withStores(1, async ([store]) => {
      // Larger than a chunk's byte budget alone, several in one budget, and more rows than one chunk holds.
      const sizes = [1, 0x300000, 7, 0x900000, 0x200000, 0x200000, 0x200000, ...Array.from({ length: 25_000 }, (_, i) => 1 + (i % 300))];
      const updates = sizes.map((n, i) => new Uint8Array(n).map((_, j) => (i * 31 + j) & 0xff));
      for (let i = 0; i < updates.length; i += 5000) {
        await store!.append([{ doc: 'big', entries: updates.slice(i, i + 5000).map((update, j) => ({ update, author: (i + j) % 2 ? 'a"\u00e9\n,' : 'b', receivedAt: 1_700_000_000_000 + i + j })) }]);
      }
      const read = await store!.readUpdates('big');
      expect(read.map((u) => u.seq)).toEqual(sizes.map((_, i) => i + 1));
      expect(read.every((u, i) => Buffer.from(u.update).equals(Buffer.from(updates[i]!)))).toBe(true);
      expect(read.map((u) => [u.author, u.receivedAt])).toEqual(sizes.map((_, i) => [i % 2 ? 'a"\u00e9\n,' : 'b', 1_700_000_000_000 + i]));
      expect((await store!.readUpdates('big', { afterSeq: 2, toSeq: 6, limit: 3 })).map((u) => [u.seq, u.update.byteLength])).toEqual([
        [3, 7],
        [4, 0x900000],
        [5, 0x200000],
      ]);
      expect((await store!.readUpdates('big', { afterSeq: 10, limit: 20_001 })).map((u) => u.seq)).toEqual(Array.from({ length: 20_001 }, (_, i) => i + 11));
      expect(await store!.readUpdates('big', { afterSeq: sizes.length })).toEqual([]);
    });
  });
});
