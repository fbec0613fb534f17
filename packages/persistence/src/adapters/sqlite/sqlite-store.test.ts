import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { describeStoreContract } from '../../testing/adapter-contract.js';
import { openSqliteStore, sqliteStorePath } from './sqlite-store.js';

describeStoreContract('sqlite', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-sqlite-'));
  return {
    open: async () => openSqliteStore({ dataDir }),
    destroy: () => rm(dataDir, { recursive: true, force: true }),
  };
});

describe('sqlite schema migration', () => {
  it('opens a version-2 store (before compacted sessions) and upgrades it in place', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-sqlite-v2-'));
    try {
      let store = openSqliteStore({ dataDir });
      await store.append([{ doc: 'old', entries: [1, 2, 3].map((n) => ({ update: new Uint8Array([n]), author: 'a', receivedAt: n })) }]);
      await store.close();
      const raw = new Database(sqliteStorePath({ dataDir }));
      raw.exec('DROP TABLE compacted_sessions');
      raw.pragma('user_version = 2');
      raw.close();

      store = openSqliteStore({ dataDir });
      expect(await store.readCompactedSessions('old')).toEqual([]);
      const session = { fromSeq: 1, toSeq: 2, author: 'a', startedAt: 1, endedAt: 2, updates: 2, added: 0, removed: 0 };
      await store.replaceRange('old', 1, 2, { update: new Uint8Array([9]), author: 'a', receivedAt: 2 }, [session]);
      expect(await store.readCompactedSessions('old')).toEqual([{ entrySeq: 2, ...session }]);
      await store.close();
      const check = new Database(sqliteStorePath({ dataDir }), { readonly: true });
      expect(check.pragma('user_version', { simple: true })).toBe(3);
      check.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
