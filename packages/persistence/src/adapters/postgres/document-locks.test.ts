// A document's lock across processes sharing one schema (see document-locks.ts): one holder at a time,
// whichever store asks; let go when released, or when its holder's connection dies (a killed instance).

import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PersistenceError } from '../../errors.js';
import { testSchema } from '../../testing/postgres.js';
import { openPostgresStore } from './postgres-store.js';

describe('PostgreSQL document locks', () => {
  it('hold a document for one store at a time, and no other document', async () => {
    const db = testSchema('lk');
    const [a, b] = await Promise.all([0, 1].map(() => openPostgresStore({ url: db.url, schema: db.schema, poolSize: 2 })));
    try {
      const release = await a!.lockDocument!('report', 1_000);
      await expect(b!.lockDocument!('report', 200)).rejects.toSatisfy((e: unknown) => e instanceof PersistenceError && e.code === 'busy');
      // The same store asking again waits too (a session's advisory lock would let it in twice).
      await expect(a!.lockDocument!('report', 100)).rejects.toSatisfy((e: unknown) => e instanceof PersistenceError && e.code === 'busy');
      const other = await b!.lockDocument!('notes', 200);
      await other();
      const waiting = b!.lockDocument!('report', 5_000);
      await release();
      const released = await waiting;
      await released();
    } finally {
      await Promise.all([a!.close(), b!.close()]);
      await db.drop();
    }
  });

  it('are let go when their holder dies', async () => {
    const db = testSchema('lk');
    const [a, b] = await Promise.all([0, 1].map((i) => openPostgresStore({ url: db.url, schema: db.schema, poolSize: 2, applicationName: `lk-test-${i}` })));
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      await a!.lockDocument!('report', 1_000);
      await expect(b!.lockDocument!('report', 100)).rejects.toBeInstanceOf(PersistenceError);
      // As kill -9 of its instance: PostgreSQL ends the session holding the lock.
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lk-test-0-locks' AND pid <> pg_backend_pid()");
      const release = await b!.lockDocument!('report', 5_000);
      await release();
    } finally {
      await admin.end();
      await Promise.all([a!.close(), b!.close()]);
      await db.drop();
    }
  });
});
