// A document renamed through instance A while instance B, which has not heard (Redis away, or the
// message still on its way), holds its old name open: the next edit B stores under the old name is
// refused by the store (the old name starts no new document). That refusal is the one document's. It
// must not fail the edits of the other documents B commits in the same statement, nor make B take the
// database for unavailable (writes refused with 4503, /readyz 503: the balancer takes B out).

import { openPostgresStore } from '@tandem/persistence';
import { testSchema } from '@tandem/persistence/testing/postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { closeCodes, connectClient, type TestClient } from '../testing/clients.js';
import { metricTotal, startTestServer, type TestServer } from '../testing/in-process.js';
import { startTestRedis, type TestRedis } from '../testing/redis-server.js';

describe('an edit under a name renamed away through another instance', () => {
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];
  let redis: TestRedis | undefined;
  let db = testSchema('rab');

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const s of servers.splice(0)) await s.destroy();
    await redis?.stop();
    redis = undefined;
    await db.drop();
    db = testSchema('rab');
  });

  const client = async (server: TestServer, doc: string) => {
    const c = connectClient(server.url, doc);
    clients.push(c);
    await c.synced();
    return c;
  };

  it('is refused alone: the other documents edited in the same commit are stored, and the instance stays ready', async () => {
    redis = await startTestRedis();
    for (let i = 0; i < 2; i++) {
      servers.push(await startTestServer({ DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, REDIS_URL: redis.url, FANOUT_HEAD_CHECK_MS: '600000' }));
    }
    const [a, b] = servers as [TestServer, TestServer];
    const draftOnA = await client(a, 'draft');
    const draftOnB = await client(b, 'draft');
    const others = await Promise.all(['notes-1', 'notes-2', 'notes-3'].map((doc) => client(b, doc)));
    draftOnA.text.insert(0, 'base ');
    await expect.poll(() => draftOnB.text.toString(), { timeout: 5000 }).toBe('base ');
    for (const o of others) {
      o.text.insert(0, 'x');
    }
    const store = await openPostgresStore({ url: db.url, schema: db.schema, readOnly: true });
    try {
      for (const doc of ['notes-1', 'notes-2', 'notes-3']) await expect.poll(async () => (await store.getDocument(doc))?.lastSeq, { timeout: 5000 }).toBe(1);
      await redis.stop();
      await expect.poll(() => metricTotal(b, 'redis_connected'), { timeout: 5000 }).toBe(0);
      const renamed = await fetch(`${a.url}/api/docs/draft/rename`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: 'final' }) });
      expect(renamed.status).toBe(201);

      const otherCodes = others.map((o) => closeCodes(o));
      // In one turn: B's client of the old name types, and so do B's clients of three other documents.
      // Sent together, they reach B together and go to the store in one commit.
      for (let round = 0; round < 3; round++) {
        draftOnB.text.insert(0, 'X');
        for (const o of others) o.text.insert(o.text.length, String(round));
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // Nobody but the old name's client was closed; the others' edits are all stored.
      expect(otherCodes.flat()).toEqual([]);
      for (const doc of ['notes-1', 'notes-2', 'notes-3']) expect((await store.getDocument(doc))?.lastSeq).toBe(4);
      // B did not take the database for away.
      expect(b.logs.filter((l) => l.event === 'database-unavailable')).toEqual([]);
    } finally {
      await store.close();
    }
  }, 30_000);
});
