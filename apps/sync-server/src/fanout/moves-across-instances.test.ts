// A document renamed or deleted through one instance while another has it open, and the message that
// says so never arrives (Redis away): the other instance finds out from the store (its head check, or
// the store refusing a new document at the old name) and sends its clients on; nothing is stored under
// the old name where the redirect would hide it.

import { materialize, openPostgresStore } from '@tandem/persistence';
import { testSchema } from '@tandem/persistence/testing/postgres';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
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

  /** Two instances on one schema, Redis (of their own, which a test stops) between them. */
  const twoInstances = async (headCheckMs = '300') => {
    redis = await startTestRedis();
    for (let i = 0; i < 2; i++) {
      servers.push(await startTestServer({ DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, REDIS_URL: redis.url, FANOUT_HEAD_CHECK_MS: headCheckMs }));
    }
    return servers as [TestServer, TestServer];
  };
  const client = async (server: TestServer, doc: string) => {
    const c = connectClient(server.url, doc);
    clients.push(c);
    await c.synced();
    return c;
  };

  it('renamed through A: B sends its clients on (4430) and stores nothing under the old name', async () => {
    await twoInstances();
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
    await twoInstances();
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

  // A document renamed through instance A, and its old name then taken back by a new document (PUT
  // /api/docs/<old name>), while instance B still has the old name open and heard neither (Redis away).
  // B's room must not go on serving the renamed document's content under the old name, nor store its
  // clients' edits into the new, unrelated document that now holds that name.
  it('B closes its room of the old name instead of serving the renamed content there and storing into the new document', async () => {
    const [a, b] = await twoInstances('200');
    const onA = await client(a, 'plan');
    const onB = await client(b, 'plan');
    onA.text.insert(0, 'SECRET PLAN ');
    await expect.poll(() => onB.text.toString(), { timeout: 5000 }).toBe('SECRET PLAN ');
    const codes = closeCodes(onB);
    // Sent on, a client goes where it is sent (the editor does); a stock one would reconnect to the name
    // and sync its copy into whatever document holds it then (on one instance as well).
    onB.provider.on('connection-close', (event: CloseEvent | null) => event?.code === 4430 && onB.provider.disconnect());
    await redis!.stop();
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

  // A document renamed through instance A while instance B, which has not heard (Redis away, or the
  // message still on its way), holds its old name open: the next edit B stores under the old name is
  // refused by the store (the old name starts no new document). That refusal is the one document's. It
  // must not fail the edits of the other documents B commits in the same statement, nor make B take the
  // database for unavailable (writes refused with 4503, /readyz 503: the balancer takes B out).
  it('is refused alone: the other documents edited in the same commit are stored, and the instance stays ready', async () => {
    const [a, b] = await twoInstances('600000');
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
  // Purged through A (deleted, then purged from the trash) before B heard of either, and before B's next
  // head check: B's next edit must not start a new document at the name (holding one update made for a
  // document that no longer exists), nor go into a new document that took the name meanwhile. The store
  // refuses it, as made for the document B holds (its creation time), and B closes its room.
  const purgedUnheard = async (takenBack: boolean) => {
    const [a, b] = await twoInstances('600000');
    const onA = await client(a, 'minutes');
    const onB = await client(b, 'minutes');
    onA.text.insert(0, 'SECRET ');
    await expect.poll(() => onB.text.toString(), { timeout: 5000 }).toBe('SECRET ');
    // B has read which document the name holds (it does so once it applies what created it).
    const heldOnB = () => (b.rooms.loaded('minutes') as unknown as { createdAt?: number } | undefined)?.createdAt;
    await expect.poll(heldOnB).toBeGreaterThan(0);
    const codes = closeCodes(onB);
    // The editor goes where it is sent, or stops on a deleted document; a stock client would reconnect
    // and sync its copy into whatever the name holds then.
    onB.provider.on('connection-close', (event: CloseEvent | null) => event !== null && [4410, 4430].includes(event.code) && onB.provider.disconnect());
    await redis!.stop();
    await expect.poll(() => metricTotal(b, 'redis_connected'), { timeout: 5000 }).toBe(0);
    const json = { headers: { 'content-type': 'application/json' } };
    expect((await fetch(`${a.url}/api/docs/minutes`, { method: 'DELETE', ...json })).status).toBe(200);
    expect((await fetch(`${a.url}/api/trash/minutes`, { method: 'DELETE', ...json })).status).toBe(200);
    if (takenBack) {
      const fresh = new Y.Doc();
      fresh.getText('t').insert(0, 'new doc ');
      const put = await fetch(`${a.url}/api/docs/minutes`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: Y.encodeStateAsUpdate(fresh) });
      expect(put.status).toBe(201);
    }
    onB.text.insert(0, 'typed on B ');
    // The refusal sends B's client away: as from a deleted document, or on (the name holds another one).
    await expect.poll(() => codes, { timeout: 5000 }).toContain(takenBack ? 4430 : 4410);
    const store = await openPostgresStore({ url: db.url, schema: db.schema, readOnly: true });
    try {
      if (!takenBack) expect(await store.getDocument('minutes')).toBeUndefined();
      else {
        expect((await store.getDocument('minutes'))?.lastSeq).toBe(1);
        expect((await materialize(store, 'minutes', 1)).getText('t').toString()).toBe('new doc ');
      }
    } finally {
      await store.close();
    }
  };

  it('purged through A, unheard: B\'s next edit is refused by the store, starts no document at the name, and B closes its clients (4410)', async () => {
    await purgedUnheard(false);
  });

  it('purged through A and the name taken by a new document, unheard: B\'s next edit is refused, not added to the new document, and B sends its clients on (4430)', async () => {
    await purgedUnheard(true);
  });
});
