// A document renamed through instance A, and its old name then taken back by a new document (PUT
// /api/docs/<old name>), while instance B still has the old name open and heard neither (Redis away).
// B's room must not go on serving the renamed document's content under the old name, nor store its
// clients' edits into the new, unrelated document that now holds that name.

import { materialize, openPostgresStore } from '@tandem/persistence';
import { testSchema } from '@tandem/persistence/testing/postgres';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { closeCodes, connectClient, type TestClient } from '../testing/clients.js';
import { metricTotal, startTestServer, type TestServer } from '../testing/in-process.js';
import { startTestRedis, type TestRedis } from '../testing/redis-server.js';

describe('an old name taken back by a new document through another instance, unheard', () => {
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];
  let redis: TestRedis | undefined;
  let db = testSchema('tkb');

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const s of servers.splice(0)) await s.destroy();
    await redis?.stop();
    redis = undefined;
    await db.drop();
    db = testSchema('tkb');
  });

  const client = async (server: TestServer, doc: string) => {
    const c = connectClient(server.url, doc);
    clients.push(c);
    await c.synced();
    return c;
  };

  it('B closes its room of the old name instead of serving the renamed content there and storing into the new document', async () => {
    redis = await startTestRedis();
    for (let i = 0; i < 2; i++) {
      servers.push(await startTestServer({ DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, REDIS_URL: redis.url, FANOUT_HEAD_CHECK_MS: '200' }));
    }
    const [a, b] = servers as [TestServer, TestServer];
    const onA = await client(a, 'plan');
    const onB = await client(b, 'plan');
    onA.text.insert(0, 'SECRET PLAN ');
    await expect.poll(() => onB.text.toString(), { timeout: 5000 }).toBe('SECRET PLAN ');
    const codes = closeCodes(onB);
    await redis.stop();
    await expect.poll(() => metricTotal(b, 'redis_connected'), { timeout: 5000 }).toBe(0);

    // Through A: "plan" becomes "plan-archived", and a new, unrelated document takes the name "plan" back.
    const renamed = await fetch(`${a.url}/api/docs/plan/rename`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: 'plan-archived' }) });
    expect(renamed.status).toBe(201);
    const fresh = new Y.Doc();
    fresh.getText('t').insert(0, 'new doc ');
    const put = await fetch(`${a.url}/api/docs/plan`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: Y.encodeStateAsUpdate(fresh) });
    expect(put.status).toBe(201);

    // Several head checks later, B has had every chance to find out from the store.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // B's client of the old "plan" types on.
    if (codes.length === 0) onB.text.insert(0, 'typed on B ');
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const store = await openPostgresStore({ url: db.url, schema: db.schema, readOnly: true });
    try {
      // Nothing of the renamed document's session went into the new document's log.
      expect((await store.getDocument('plan'))?.lastSeq).toBe(1);
      expect((await materialize(store, 'plan', 1)).getText('t').toString()).toBe('new doc ');
    } finally {
      await store.close();
    }
    // B sent its client on, as when the rename is heard.
    expect(codes).toContain(4430);
    // And someone opening "plan" on B gets the new document, not the renamed one's content.
    const late = await client(b, 'plan');
    expect(late.text.toString()).toBe('new doc ');
  }, 30_000);
});
