import { openPostgresStore } from '@tandem/persistence';
import { TEST_DATABASE_URL, testSchema, type TestSchema } from '@tandem/persistence/testing/postgres';
import { startTcpProxy, type TcpProxy } from '@tandem/persistence/testing/tcp-proxy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { createHistoryPool } from './pool.js';

describe('history threads on a PostgreSQL database that is away', () => {
  let proxy: TcpProxy;
  let schema: TestSchema;

  beforeEach(async () => {
    const db = new URL(TEST_DATABASE_URL);
    proxy = await startTcpProxy({ host: db.hostname, port: Number(db.port || 5432) });
    schema = testSchema('history_outage');
    const store = await openPostgresStore({ url: schema.url, schema: schema.schema, poolSize: 1 });
    await store.commit([{ doc: 'doc', entries: [{ update: new Uint8Array([0, 0]), author: 'ann', receivedAt: 1 }] }]);
    await store.close();
  });

  afterEach(async () => {
    await proxy.close();
    await schema.drop();
  });

  it('says the store cannot be read (503) while a thread cannot connect, and connects once the database is back', { timeout: 30_000 }, async () => {
    proxy.cut();
    const pool = createHistoryPool({
      store: { engine: 'postgres', postgres: { url: proxy.via(schema.url), schema: schema.schema, poolSize: 1, queryTimeoutMs: 1_000 } },
      workers: 1,
      timeoutMs: 20_000,
      maxQueue: 4,
      logger: createLogger('silent'),
      events: { limitHit: () => {} },
    });
    try {
      const job = { kind: 'timeline', doc: 'doc', afterSeq: 0, limit: 10, gapMs: 60_000 } as const;
      await expect(pool.run(job)).rejects.toMatchObject({ name: 'PersistenceError', code: 'read-failed' });
      proxy.restore();
      await expect(pool.run(job)).resolves.toMatchObject({ sessions: [{ authors: [{ id: 'ann' }] }], authors: { ann: { name: 'ann' } } });
    } finally {
      await pool.close();
    }
  });
});
