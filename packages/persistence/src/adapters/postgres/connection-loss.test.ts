// The database going away under the store: every query fails with a PersistenceError, the process
// never crashes on a connection's error event, and the store works again once the database is back.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PersistenceError } from '../../errors.js';
import { startTcpProxy, type TcpProxy } from '../../testing/tcp-proxy.js';
import { TEST_DATABASE_URL, type TestSchema, testSchema } from '../../testing/postgres.js';
import type { DocumentStore } from '../../types.js';
import { createPool, withClient } from './connection.js';
import { openPostgresStore } from './postgres-store.js';

const entry = (n: number) => ({ update: new Uint8Array([n]), author: 'w', receivedAt: 1_700_000_000_000 + n });

describe('postgres store: the connection is lost', () => {
  let proxy: TcpProxy;
  let db: TestSchema;
  let store: DocumentStore;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);

  beforeEach(async () => {
    const target = new URL(TEST_DATABASE_URL);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    db = testSchema();
    // One connection, so that the transaction below runs on the connection that is cut.
    store = await openPostgresStore({ url: proxy.via(db.url), schema: db.schema, poolSize: 1, queryTimeoutMs: 5_000 });
    await store.commit([{ doc: 'd', entries: [entry(1), entry(2)] }]);
    uncaught.length = 0;
    process.prependListener('uncaughtException', onUncaught);
  });

  afterEach(async () => {
    process.off('uncaughtException', onUncaught);
    proxy.restore();
    await store.close();
    await proxy.close();
    await db.drop();
  });

  it('fails a transaction whose connection is cut midway with a PersistenceError, and does not crash', async () => {
    proxy.silence();
    const naming = store.createVersion('d', { label: 'v', seq: 1, author: 'w', createdAt: 1 });
    const outcome = naming.then(
      () => 'stored',
      (error: unknown) => error,
    );
    // The transaction has its connection and waits on the database; then the connection drops.
    await new Promise((resolve) => setTimeout(resolve, 300));
    proxy.cut();
    expect(await outcome).toBeInstanceOf(PersistenceError);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(uncaught).toEqual([]);
    proxy.restore();
    await expect(store.createVersion('d', { label: 'v', seq: 1, author: 'w', createdAt: 1 })).resolves.toMatchObject({ label: 'v' });
    await expect(store.commit([{ doc: 'd', entries: [entry(3)] }])).resolves.toMatchObject({ results: [{ firstSeq: 3 }] });
  });

  it('fails every kind of query while cut, and works again once restored', async () => {
    proxy.cut();
    await expect(store.commit([{ doc: 'd', entries: [entry(3)] }])).rejects.toBeInstanceOf(PersistenceError);
    await expect(store.readUpdates('d')).rejects.toMatchObject({ code: 'read-failed' });
    await expect(store.checkHealth()).rejects.toBeInstanceOf(PersistenceError);
    proxy.restore();
    await expect(store.commit([{ doc: 'd', entries: [entry(3)] }])).resolves.toMatchObject({ results: [{ firstSeq: 3 }] });
    expect((await store.readUpdates('d')).map((u) => u.seq)).toEqual([1, 2, 3]);
    expect(uncaught).toEqual([]);
  });

  it('survives a connection that drops while it is checked out between two statements', async () => {
    const pool = createPool({ url: proxy.via(db.url), schema: db.schema, poolSize: 1 });
    pool.on('error', () => {});
    try {
      const work = withClient(pool, async (client) => {
        await client.query('BEGIN');
        proxy.cut();
        await new Promise((resolve) => setTimeout(resolve, 200));
        await client.query('SELECT 1');
      });
      await expect(work).rejects.toThrow();
      expect(uncaught).toEqual([]);
      proxy.restore();
      // The broken connection was discarded: the next one works.
      await expect(withClient(pool, async (client) => (await client.query('SELECT 1 AS one')).rows[0])).resolves.toEqual({ one: 1 });
    } finally {
      await pool.end();
    }
  });
});
