import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { describeStoreContract, type StoreHarness } from '../../testing/adapter-contract.js';
import { describeDocumentListContract } from '../../testing/document-list-contract.js';
import { describeImportContract } from '../../testing/import-contract.js';
import { describeRenameContract } from '../../testing/rename-contract.js';
import { describeShareLinkContract } from '../../testing/share-link-contract.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import { openSqliteStore, sqliteStorePath } from './sqlite-store.js';

const sqliteHarness = async (): Promise<StoreHarness> => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-sqlite-'));
  return {
    open: async () => openSqliteStore({ dataDir }),
    destroy: () => rm(dataDir, { recursive: true, force: true }),
  };
};
describeStoreContract('sqlite', sqliteHarness);
describeImportContract('sqlite', sqliteHarness);
describeDocumentListContract('sqlite', sqliteHarness);
describeRenameContract('sqlite', sqliteHarness);
describeShareLinkContract('sqlite', sqliteHarness);

describe('sqlite store reads', () => {
  it('reads a log of many updates, some larger than one read chunk, byte for byte and in order', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-sqlite-'));
    const store = openSqliteStore({ dataDir, synchronous: 'normal' });
    try {
      const sizes = [1, 0x300000, 7, 0x500000, ...Array.from({ length: 3000 }, (_, i) => 1 + (i % 300))];
      const updates = sizes.map((n, i) => new Uint8Array(n).map((_, j) => (i * 31 + j) & 0xff));
      await store.append([{ doc: 'big', entries: updates.map((update, i) => ({ update, author: i % 2 ? 'a"\u00e9\n' : 'b', receivedAt: 1_700_000_000_000 + i })) }]);
      const read = await store.readUpdates('big');
      expect(read.map((u) => u.seq)).toEqual(sizes.map((_, i) => i + 1));
      expect(read.every((u, i) => Buffer.from(u.update).equals(Buffer.from(updates[i]!)))).toBe(true);
      expect(read.map((u) => [u.author, u.receivedAt])).toEqual(sizes.map((_, i) => [i % 2 ? 'a"\u00e9\n' : 'b', 1_700_000_000_000 + i]));
      expect((await store.readUpdates('big', { afterSeq: 2, toSeq: 5, limit: 2 })).map((u) => [u.seq, u.update.byteLength])).toEqual([
        [3, 7],
        [4, 0x500000],
      ]);
      // A second, read-only connection sees what the first committed, and refuses to write.
      const reader = openSqliteStore({ dataDir, readOnly: true });
      expect((await reader.readUpdates('big', { afterSeq: 3000 })).map((u) => u.seq)).toEqual([3001, 3002, 3003, 3004]);
      await expect(reader.append([{ doc: 'big', entries: [{ update: updates[0]!, author: 'x', receivedAt: 0 }] }])).rejects.toMatchObject({ code: 'write-failed' });
      await reader.close();
    } finally {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('sqlite schema migration', () => {
  it('upgrades a version-1 store (the first release: no named versions) in place, keeping its log and checkpoints', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-sqlite-v1-'));
    try {
      // Laid out exactly as the first release did: its migration alone, and its rows.
      const raw = new Database(sqliteStorePath({ dataDir }));
      raw.pragma('journal_mode = WAL');
      raw.exec(MIGRATIONS[0]!.sql);
      raw.prepare('INSERT INTO documents (id, name, created_at, last_seq, update_count, size_bytes, last_change_at) VALUES (1, ?, 10, 2, 2, 2, 20)').run('v1 doc');
      raw.prepare('INSERT INTO updates (doc_id, seq, received_at, author, data) VALUES (1, 1, 10, ?, ?), (1, 2, 20, ?, ?)').run('ann', Buffer.from([1]), 'ben', Buffer.from([2]));
      raw.prepare('INSERT INTO checkpoints (doc_id, seq, created_at, state) VALUES (1, 2, 21, ?)').run(Buffer.from([7]));
      raw.pragma('user_version = 1');
      raw.close();

      const store = openSqliteStore({ dataDir });
      try {
        expect((await store.readUpdates('v1 doc')).map((u) => [u.seq, u.author, Array.from(u.update)])).toEqual([
          [1, 'ann', [1]],
          [2, 'ben', [2]],
        ]);
        expect(await store.latestCheckpoint('v1 doc')).toMatchObject({ seq: 2, state: new Uint8Array([7]) });
        // What later migrations added works on the upgraded store.
        await store.createVersion('v1 doc', { label: 'kept', seq: 1, author: 'ann', createdAt: 30 });
        expect((await store.listVersions('v1 doc')).map((v) => v.label)).toEqual(['kept']);
        expect(await store.readCompactedSessions('v1 doc')).toEqual([]);
        expect(await store.append([{ doc: 'v1 doc', entries: [{ update: new Uint8Array([3]), author: 'ann', receivedAt: 40 }] }])).toEqual([
          { doc: 'v1 doc', firstSeq: 3, lastSeq: 3 },
        ]);
      } finally {
        await store.close();
      }
      const check = new Database(sqliteStorePath({ dataDir }), { readonly: true });
      expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      check.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a store whose schema is newer than this version understands, changing nothing', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-sqlite-new-'));
    try {
      await openSqliteStore({ dataDir }).close();
      const raw = new Database(sqliteStorePath({ dataDir }));
      raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      raw.close();
      expect(() => openSqliteStore({ dataDir })).toThrow(/newer than this server understands/);
      const check = new Database(sqliteStorePath({ dataDir }), { readonly: true });
      expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
      check.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('upgrading a version-10 store revokes the share links of users revoked before (at their revocation), and no others', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-sqlite-v10-'));
    try {
      let store = openSqliteStore({ dataDir });
      const link = { doc: 'plan', role: 'viewer' as const, createdAt: 1_000, expiresAt: 9_000_000_000_000, revokedAt: null };
      await store.createShareLink({ ...link, id: 'by-mallory', createdBy: 'mallory' });
      await store.createShareLink({ ...link, id: 'by-mallory-later', createdBy: 'mallory', createdAt: 3_000 });
      await store.createShareLink({ ...link, id: 'by-ann', createdBy: 'ann' });
      await store.close();
      // A user revoked by a version that did not end their links.
      const raw = new Database(sqliteStorePath({ dataDir }));
      raw.exec("INSERT INTO revocations (kind, value, until, created_at, reason) VALUES ('user', 'mallory', NULL, 2000, '')");
      raw.pragma('user_version = 10');
      raw.close();
      store = openSqliteStore({ dataDir });
      expect((await store.getShareLink('by-mallory'))?.revokedAt).toBe(2_000);
      expect((await store.getShareLink('by-mallory-later'))?.revokedAt).toBeNull();
      expect((await store.getShareLink('by-ann'))?.revokedAt).toBeNull();
      await store.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('opens a version-2 store (before compacted sessions) and upgrades it in place', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-sqlite-v2-'));
    try {
      let store = openSqliteStore({ dataDir });
      await store.append([{ doc: 'old', entries: [1, 2, 3].map((n) => ({ update: new Uint8Array([n]), author: 'a', receivedAt: n })) }]);
      await store.close();
      const raw = new Database(sqliteStorePath({ dataDir }));
      raw.exec('DROP TABLE compacted_sessions; DROP TABLE authors');
      raw.pragma('user_version = 2');
      raw.close();

      store = openSqliteStore({ dataDir });
      expect(await store.readCompactedSessions('old')).toEqual([]);
      const session = { fromSeq: 1, toSeq: 2, author: 'a', startedAt: 1, endedAt: 2, updates: 2, added: 0, removed: 0 };
      await store.replaceRange('old', 1, 2, { update: new Uint8Array([9]), author: 'a', receivedAt: 2 }, [session]);
      expect(await store.readCompactedSessions('old')).toEqual([{ entrySeq: 2, ...session }]);
      await store.recordAuthors([{ id: 'a', name: 'A', verified: true, seenAt: 3 }]); // version 4: authors
      expect(await store.listAuthors(['a'])).toMatchObject([{ name: 'A' }]);
      await store.close();
      const check = new Database(sqliteStorePath({ dataDir }), { readonly: true });
      expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      check.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
