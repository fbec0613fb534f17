// A document renamed or deleted through one instance while another has it open, and the message that
// says so never arrives (Redis away): the other instance finds out from the store (its head check, or
// the store refusing a new document at the old name) and sends its clients on; nothing is stored under
// the old name where the redirect would hide it.

import { openPostgresStore } from '@tandem/persistence';
import { testSchema } from '@tandem/persistence/testing/postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { closeCodes, connectClient, type TestClient } from '../testing/clients.js';
import { metricTotal, startTestServer, type TestServer } from '../testing/in-process.js';
import { startTestRedis, type TestRedis } from '../testing/redis-server.js';

describe('a move or a deletion through another instance, unheard', () => {
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];
  let redis: TestRedis | undefined;
  let db = testSchema('mov');

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const s of servers.splice(0)) await s.destroy();
    await redis?.stop();
    redis = undefined;
    await db.drop();
    db = testSchema('mov');
  });

  /** Two instances on one schema, Redis between them, then Redis stopped. */
  const twoInstancesWithoutRedis = async () => {
    redis = await startTestRedis();
    for (let i = 0; i < 2; i++) {
      servers.push(await startTestServer({ DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, REDIS_URL: redis.url, FANOUT_HEAD_CHECK_MS: '300' }));
    }
  };
  const client = async (server: TestServer, doc: string) => {
    const c = connectClient(server.url, doc);
    clients.push(c);
    await c.synced();
    return c;
  };

  it('renamed through A: B sends its clients on (4430) and stores nothing under the old name', async () => {
    await twoInstancesWithoutRedis();
    const a = await client(servers[0]!, 'draft');
    const b = await client(servers[1]!, 'draft');
    a.text.insert(0, 'base ');
    await expect.poll(() => b.text.toString(), { timeout: 5000 }).toBe('base ');
    const codes = closeCodes(b);
    expect(await metricTotal(servers[1]!, 'redis_connected')).toBe(1);
    await redis!.stop();
    await expect.poll(() => metricTotal(servers[1]!, 'redis_connected'), { timeout: 5000 }).toBe(0);

    const renamed = await fetch(`${servers[0]!.url}/api/docs/draft/rename`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: 'final' }) });
    expect(renamed.status).toBe(201);
    b.text.insert(0, 'X'); // at once: B has not heard
    await expect.poll(() => codes, { timeout: 5000 }).toContain(4430);

    const store = await openPostgresStore({ url: db.url, schema: db.schema, readOnly: true });
    try {
      expect(await store.getDocument('draft')).toBeUndefined();
      expect(await store.resolveRedirect('draft')).toBe('final');
      expect((await store.getDocument('final'))?.lastSeq).toBe(1);
    } finally {
      await store.close();
    }
    // The stock client stops at 4430 with its edit unsent (the editor takes it to the new name).
    expect(b.text.toString()).toBe('Xbase ');
  });

  it('deleted through A: B closes its clients within a few head checks, and stores nothing more into the trashed document', async () => {
    await twoInstancesWithoutRedis();
    const a = await client(servers[0]!, 'doomed');
    const b = await client(servers[1]!, 'doomed');
    a.text.insert(0, 'x');
    await expect.poll(() => b.text.toString(), { timeout: 5000 }).toBe('x');
    const codes = closeCodes(b);
    expect(await metricTotal(servers[1]!, 'redis_connected')).toBe(1);
    await redis!.stop();
    await expect.poll(() => metricTotal(servers[1]!, 'redis_connected'), { timeout: 5000 }).toBe(0);

    const deleted = await fetch(`${servers[0]!.url}/api/docs/doomed`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    await expect.poll(() => codes.length, { timeout: 5000 }).toBeGreaterThan(0);
    b.text.insert(0, 'still editing ');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const store = await openPostgresStore({ url: db.url, schema: db.schema, readOnly: true });
    try {
      expect(await store.inTrash('doomed')).toBeDefined();
      expect((await store.getDocument('doomed'))?.lastSeq).toBe(1);
    } finally {
      await store.close();
    }
  });
});
