import { testSchema } from '@tandem/persistence/testing/postgres';
import net from 'node:net';
import * as decoding from 'lib0/decoding';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { materialize, openPostgresStore } from '@tandem/persistence';
import { connectClient, hearBindings, hearRestores, type TestClient } from '../testing/clients.js';
import { metricTotal as metric, startTestServer, type TestServer } from '../testing/in-process.js';
import { freePort } from '../testing/free-port.js';
import { mintToken } from '../auth/token.js';
import { startTestRedis, type TestRedis } from '../testing/redis-server.js';

const MACHINE_REDIS = process.env.TANDEM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Types `count` characters at random places, one per `ms`. */
async function type(client: TestClient, label: string, count: number, ms = 3): Promise<void> {
  for (let i = 0; i < count; i++) {
    client.text.insert(Math.floor(Math.random() * (client.text.length + 1)), label);
    await new Promise((r) => setTimeout(r, ms));
  }
}

/** A TCP proxy to the machine's Redis that can be cut (its connections closed, new ones refused) and restored: one instance partitioned. */
async function redisProxy(target: string) {
  const { hostname, port: targetPort } = new URL(target);
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((inbound) => {
        const outbound = net.connect(Number(targetPort || 6379), hostname);
        for (const s of [inbound, outbound]) sockets.add(s);
        inbound.pipe(outbound);
        outbound.pipe(inbound);
        const end = () => {
          for (const s of [inbound, outbound]) (s.destroy(), sockets.delete(s));
        };
        inbound.on('error', end).on('close', end);
        outbound.on('error', end).on('close', end);
      });
      server.listen(port, '127.0.0.1', () => resolve());
    });
  const cut = () =>
    new Promise<void>((resolve) => {
      if (server === undefined) return resolve();
      server.close(() => resolve());
      server = undefined;
      for (const s of sockets) s.destroy();
    });
  await listen();
  return { url: `redis://127.0.0.1:${port}`, cut, restore: listen, close: cut };
}

describe('several instances on one PostgreSQL log, Redis between them', () => {
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];
  let redis: TestRedis | undefined;
  let db = testSchema('fan');

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const s of servers.splice(0)) await s.destroy();
    await redis?.stop();
    redis = undefined;
    await db.drop();
    db = testSchema('fan');
  });

  const start = async (count: number, redisUrl: string, env: Record<string, string> = {}) => {
    for (let i = 0; i < count; i++) {
      servers.push(
        await startTestServer({ DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, REDIS_URL: redisUrl, FANOUT_HEAD_CHECK_MS: '500', ...env }),
      );
    }
  };
  const client = (server: TestServer, doc: string) => {
    const c = connectClient(server.url, doc);
    clients.push(c);
    return c;
  };
  const converged = async (doc: string, all: TestClient[], timeout = 10_000) => {
    await expect.poll(() => new Set(all.map((c) => c.text.toString())).size, { timeout, interval: 50 }).toBe(1);
    // What every client shows is exactly the log's replay.
    const store = await openPostgresStore({ url: db.url, schema: db.schema, readOnly: true });
    try {
      await expect
        .poll(async () => {
          const head = (await store.getDocument(doc))?.lastSeq ?? 0;
          return (await materialize(store, doc, head)).getText('t').toString();
        }, { timeout, interval: 100 })
        .toBe(all[0]!.text.toString());
    } finally {
      await store.close();
    }
  };

  it('applies what one instance commits on the others, in seq order, live: concurrent typists converge on the log', async () => {
    await start(3, MACHINE_REDIS);
    const typists = servers.flatMap((s) => [client(s, 'shared'), client(s, 'shared')]);
    await Promise.all(typists.map((c) => c.synced()));
    await Promise.all(typists.map((c, i) => type(c, String.fromCharCode(97 + i), 40)));
    await converged('shared', typists);
    expect(typists[0]!.text.length).toBe(typists.length * 40);
    // Delivered through Redis, not only healed from the log.
    for (const s of servers) expect(await metric(s, 'fanout_received_total')).toBeGreaterThan(0);
    // A client that joins later, on any instance, gets it all.
    const late = client(servers[1]!, 'shared');
    await late.synced();
    expect(late.text.toString()).toBe(typists[0]!.text.toString());
  });

  it('shows a person on one instance to people on the others, and drops their state everywhere when they leave', async () => {
    await start(2, MACHINE_REDIS);
    const ann = client(servers[0]!, 'people');
    const ben = client(servers[1]!, 'people');
    await Promise.all([ann.synced(), ben.synced()]);
    ann.provider.awareness.setLocalStateField('user', { name: 'Ann' });
    ben.provider.awareness.setLocalStateField('user', { name: 'Ben' });
    const nameOn = (c: TestClient, id: number) => (c.provider.awareness.getStates().get(id) as { user?: { name?: string } } | undefined)?.user?.name;
    await expect.poll(() => nameOn(ben, ann.doc.clientID), { timeout: 5000 }).toBe('Ann');
    await expect.poll(() => nameOn(ann, ben.doc.clientID), { timeout: 5000 }).toBe('Ben');
    // Someone on the second instance cannot speak for Ann.
    const mallory = client(servers[1]!, 'people');
    await mallory.synced();
    (mallory.provider.awareness as unknown as { clientID: number }).clientID = ann.doc.clientID;
    mallory.provider.awareness.setLocalStateField('user', { name: 'Mallory' });
    // Refused by the second instance (Ann's id belongs to the first), and counted there.
    await expect.poll(() => metric(servers[1]!, 'awareness_states_dropped_total'), { timeout: 3000 }).toBeGreaterThan(0);
    expect(nameOn(ben, ann.doc.clientID)).toBe('Ann');
    // Ann leaves: gone for Ben at once, not after a timeout.
    const annId = ann.doc.clientID;
    ann.destroy();
    clients.splice(clients.indexOf(ann), 1);
    await expect.poll(() => ben.provider.awareness.getStates().has(annId), { timeout: 2000 }).toBe(false);
  });

  it('shows who is already there to someone who opens the document on another instance, without waiting for them to move', async () => {
    await start(2, MACHINE_REDIS);
    const nameOn = (c: TestClient, id: number) => (c.provider.awareness.getStates().get(id) as { user?: { name?: string } } | undefined)?.user?.name;
    const ann = client(servers[0]!, 'arrivals');
    await ann.synced();
    ann.provider.awareness.setLocalStateField('user', { name: 'Ann' });
    await expect.poll(() => servers[0]!.rooms.loaded('arrivals')?.awareness.getStates().has(ann.doc.clientID)).toBe(true);
    // The second instance does not have the document open: it opens it for Ben. Ann's client renews its
    // state only every 15 s; Ben sees her at once, because the second instance asks the others on opening.
    expect(servers[1]!.rooms.loaded('arrivals')).toBeUndefined();
    const ben = client(servers[1]!, 'arrivals');
    await ben.synced();
    await expect.poll(() => nameOn(ben, ann.doc.clientID), { timeout: 3000, interval: 50 }).toBe('Ann');
    // Only what an instance's own clients hold answers: the first instance does not send Ben's state back as its own.
    ben.provider.awareness.setLocalStateField('user', { name: 'Ben' });
    await expect.poll(() => nameOn(ann, ben.doc.clientID), { timeout: 3000 }).toBe('Ben');
    const cat = client(servers[1]!, 'arrivals');
    await cat.synced();
    await expect.poll(() => nameOn(cat, ann.doc.clientID), { timeout: 3000 }).toBe('Ann');
    expect(await metric(servers[1]!, 'awareness_states_dropped_total')).toBe(0);
  });

  it('answers a flood of presence queries on a document channel at most once a second, and goes on', async () => {
    await start(2, MACHINE_REDIS);
    const ann = client(servers[0]!, 'asked');
    await ann.synced();
    ann.provider.awareness.setLocalStateField('user', { name: 'Ann' });
    const published = () => metric(servers[0]!, 'fanout_published_total');
    await expect.poll(() => servers[0]!.rooms.loaded('asked')?.awareness.getStates().has(ann.doc.clientID)).toBe(true);
    const publisher = new Redis(MACHINE_REDIS);
    try {
      const query = Buffer.alloc(2 + 16 + 8);
      query[0] = 2;
      query[1] = 7; // presence query, from an instance id nobody has
      query.fill(0xab, 2, 18);
      query.writeDoubleBE(Date.now(), 18);
      await new Promise((r) => setTimeout(r, 1100)); // past any answer the join itself caused
      const before = await published();
      const started = performance.now();
      for (let i = 0; i < 200; i++) await publisher.publish(`tandem:${db.schema}:doc:asked`, query);
      await new Promise((r) => setTimeout(r, 1500));
      const seconds = (performance.now() - started) / 1000;
      const answers = (await published()) - before;
      expect(answers).toBeGreaterThan(0);
      expect(answers).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    } finally {
      publisher.disconnect();
    }
    // Still answering, and still delivering presence, to a newcomer on the other instance.
    const ben = client(servers[1]!, 'asked');
    await ben.synced();
    await expect.poll(() => (ben.provider.awareness.getStates().get(ann.doc.clientID) as { user?: { name?: string } } | undefined)?.user?.name, { timeout: 3000 }).toBe('Ann');
  });

  it('keeps every instance editing while Redis is down, converges through the log meanwhile, and delivers through Redis again once it is back', async () => {
    redis = await startTestRedis();
    await start(2, redis.url);
    const a = client(servers[0]!, 'doc');
    const b = client(servers[1]!, 'doc');
    await Promise.all([a.synced(), b.synced()]);
    await Promise.all([type(a, 'a', 10), type(b, 'b', 10)]);
    await converged('doc', [a, b]);

    await redis.stop();
    await expect.poll(() => metric(servers[0]!, 'redis_connected'), { timeout: 5000 }).toBe(0);
    const healedBefore = await metric(servers[1]!, 'fanout_healed_updates_total');
    await Promise.all([type(a, 'x', 10), type(b, 'y', 10)]);
    // Through the head check of the log (FANOUT_HEAD_CHECK_MS, 500 ms here).
    await converged('doc', [a, b], 5000);
    expect(a.text.length).toBe(40);
    expect(await metric(servers[1]!, 'fanout_healed_updates_total')).toBeGreaterThan(healedBefore);
    for (const s of servers) expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
    // Presence set while Redis is away is not delivered then (nothing keeps it)...
    a.provider.awareness.setLocalStateField('user', { name: 'Ann' });
    const annOnB = () => (b.provider.awareness.getStates().get(a.doc.clientID) as { user?: { name?: string } } | undefined)?.user?.name;

    await redis.start();
    await expect.poll(() => metric(servers[0]!, 'redis_connected'), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => metric(servers[1]!, 'redis_connected'), { timeout: 10_000 }).toBe(1);
    // ...but asked for again when Redis is back, not left until Ann's client renews it (every 15 s).
    await expect.poll(annOnB, { timeout: 3000, interval: 50 }).toBe('Ann');
    const receivedBefore = await metric(servers[1]!, 'fanout_received_total');
    await type(a, 'z', 10);
    await converged('doc', [a, b]);
    expect(await metric(servers[1]!, 'fanout_received_total')).toBeGreaterThan(receivedBefore);
  });

  it('shows the people of an instance cut off from Redis again once it is back, at once, though the others took it for dead', async () => {
    const proxy = await redisProxy(MACHINE_REDIS);
    try {
      const env = { DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, FANOUT_HEAD_CHECK_MS: '500', FANOUT_HEARTBEAT_MS: '200' };
      servers.push(await startTestServer({ ...env, REDIS_URL: proxy.url }));
      servers.push(await startTestServer({ ...env, REDIS_URL: MACHINE_REDIS }));
      const ann = client(servers[0]!, 'returns');
      const ben = client(servers[1]!, 'returns');
      await Promise.all([ann.synced(), ben.synced()]);
      ann.provider.awareness.setLocalStateField('user', { name: 'Ann' });
      const annOnBen = () => (ben.provider.awareness.getStates().get(ann.doc.clientID) as { user?: { name?: string } } | undefined)?.user?.name;
      await expect.poll(annOnBen, { timeout: 5000 }).toBe('Ann');
      // The first instance loses Redis; the second takes it for dead (5 heartbeats of 200 ms) and drops Ann.
      await proxy.cut();
      await expect.poll(annOnBen, { timeout: 5000 }).toBeUndefined();
      // Back: Ann shows again at once, not at her client's second renewal (about 30 s) past the removal's clock.
      await proxy.restore();
      await expect.poll(() => metric(servers[0]!, 'redis_connected'), { timeout: 10_000 }).toBe(1);
      await expect.poll(annOnBen, { timeout: 3000, interval: 50 }).toBe('Ann');
      // Ann's client took the raised clock as its own: what she sets next reaches Ben too.
      ann.provider.awareness.setLocalStateField('user', { name: 'Ann B.' });
      await expect.poll(annOnBen, { timeout: 3000 }).toBe('Ann B.');
      expect(ann.provider.awareness.getStates().get(ann.doc.clientID)).toMatchObject({ user: { name: 'Ann B.' } });
    } finally {
      await proxy.close();
    }
  });

  it('drops everywhere, once Redis is back, a person who left while their instance was briefly cut off from it (not 30 s later)', async () => {
    const proxy = await redisProxy(MACHINE_REDIS);
    try {
      const env = { DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, FANOUT_HEAD_CHECK_MS: '500' };
      servers.push(await startTestServer({ ...env, REDIS_URL: proxy.url }));
      servers.push(await startTestServer({ ...env, REDIS_URL: MACHINE_REDIS }));
      const ann = client(servers[0]!, 'left-away');
      const carl = client(servers[0]!, 'left-away'); // keeps the room open on the first instance
      const ben = client(servers[1]!, 'left-away');
      await Promise.all([ann.synced(), carl.synced(), ben.synced()]);
      ann.provider.awareness.setLocalStateField('user', { name: 'Ann' });
      const annId = ann.doc.clientID;
      await expect.poll(() => ben.provider.awareness.getStates().has(annId), { timeout: 5000 }).toBe(true);
      // The first instance loses Redis for a moment (shorter than the 5 s after which the others take it
      // for dead); Ann closes her tab meanwhile: the removal cannot be published.
      await proxy.cut();
      await expect.poll(() => metric(servers[0]!, 'redis_connected'), { timeout: 3000 }).toBe(0);
      ann.destroy();
      clients.splice(clients.indexOf(ann), 1);
      await expect.poll(() => carl.provider.awareness.getStates().has(annId), { timeout: 2000 }).toBe(false);
      await proxy.restore();
      await expect.poll(() => metric(servers[0]!, 'redis_connected'), { timeout: 10_000 }).toBe(1);
      // Back: Ann is gone for Ben too, at once, not when her state times out (30 s after her last renewal).
      await expect.poll(() => ben.provider.awareness.getStates().has(annId), { timeout: 3000, interval: 50 }).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it('takes a Redis that stops answering without closing its connections (a hung host) for away: says so, and keeps nothing waiting on it', async () => {
    redis = await startTestRedis();
    await start(2, redis.url, { FANOUT_HEAD_CHECK_MS: '300' });
    const a = client(servers[0]!, 'hung');
    const b = client(servers[1]!, 'hung');
    await Promise.all([a.synced(), b.synced()]);
    a.text.insert(0, 'x');
    await expect.poll(() => b.text.toString(), { timeout: 5000 }).toBe('x');
    const settled = async () => (await metric(servers[0]!, 'fanout_published_total')) + (await metric(servers[0]!, 'fanout_publish_failed_total'));
    const before = await settled();

    redis.pause();
    const typed = 50;
    for (let i = 0; i < typed; i++) {
      a.text.insert(a.text.length, 'y');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Within a few heartbeats (HEARTBEATS_TO_GONE × 1 s), as when Redis closes its connections.
    for (const s of servers) await expect.poll(() => metric(s, 'redis_connected'), { timeout: 10_000 }).toBe(0);
    expect(servers[0]!.logs.some((l) => l.event === 'redis-unavailable')).toBe(true);
    // Every update published meanwhile has settled (failed), none waits in memory for a Redis that does not answer.
    await expect.poll(async () => (await settled()) - before, { timeout: 5000 }).toBeGreaterThanOrEqual(typed);
    // The log carries the edits meanwhile (head check).
    await expect.poll(() => b.text.toString(), { timeout: 5000 }).toBe(a.text.toString());

    redis.resume();
    for (const s of servers) await expect.poll(() => metric(s, 'redis_connected'), { timeout: 10_000 }).toBe(1);
    const receivedBefore = await metric(servers[1]!, 'fanout_received_total');
    a.text.insert(0, 'z');
    await expect.poll(() => b.text.toString(), { timeout: 5000 }).toBe(a.text.toString());
    await expect.poll(() => metric(servers[1]!, 'fanout_received_total'), { timeout: 5000 }).toBeGreaterThan(receivedBefore);
  }, 60_000);

  it('publishes a big update as its seq only: the others read it from the log at once, not at the next head check', async () => {
    // A head check far away: only the seq-only message can make the second instance read the log soon.
    await start(2, MACHINE_REDIS, { FANOUT_HEAD_CHECK_MS: '600000' });
    const a = client(servers[0]!, 'big');
    const b = client(servers[1]!, 'big');
    await Promise.all([a.synced(), b.synced()]);
    const bytesBefore = await metric(servers[1]!, 'fanout_received_bytes_total');
    const healedBefore = await metric(servers[1]!, 'fanout_healed_updates_total');
    const paste = 'lorem ipsum '.repeat(20_000); // 240 kB: past what goes through Redis whole
    a.text.insert(0, paste);
    await expect.poll(() => b.text.length, { timeout: 3000, interval: 20 }).toBe(paste.length);
    // It came from the log (healed), and Redis carried a few bytes, not the paste.
    expect(await metric(servers[1]!, 'fanout_healed_updates_total')).toBe(healedBefore + 1);
    expect((await metric(servers[1]!, 'fanout_received_bytes_total')) - bytesBefore).toBeLessThan(1_000);
    // Small updates still travel whole.
    b.text.insert(0, 'x');
    await expect.poll(() => a.text.toString().startsWith('x'), { timeout: 3000 }).toBe(true);
    expect(await metric(servers[0]!, 'fanout_healed_updates_total')).toBe(0);
  });

  it('drops what a hostile or broken publisher sends on a document channel, and goes on converging', async () => {
    await start(2, MACHINE_REDIS);
    const a = client(servers[0]!, 'target');
    const b = client(servers[1]!, 'target');
    await Promise.all([a.synced(), b.synced()]);
    await type(a, 'a', 5);
    await converged('target', [a, b]);
    // An editor that would forget its undo steps if told of a restore.
    const editor = connectClient(servers[1]!.url, 'target', { params: { acks: '1' } });
    clients.push(editor);
    const restores = hearRestores(editor);
    await editor.synced();
    const publisher = new Redis(MACHINE_REDIS);
    try {
      const channel = `tandem:${db.schema}:doc:target`;
      const message = (kind: number, seq: number | undefined, payload: Uint8Array, version = 2) => {
        const author = Buffer.from('mallory');
        const head = Buffer.alloc(2 + 16 + 8 + (seq === undefined ? 0 : version === 1 ? 8 : 10 + author.length));
        head[0] = version;
        head[1] = kind;
        head.writeDoubleBE(Date.now(), 18);
        if (seq !== undefined) head.writeDoubleBE(seq, 26);
        if (seq !== undefined && version !== 1) (head.writeUInt16BE(author.length, 34), author.copy(head, 36));
        return Buffer.concat([head, payload]);
      };
      const forged = new Y.Doc();
      forged.getText('t').insert(0, 'FORGED');
      const forgedUpdate = Y.encodeStateAsUpdate(forged);
      forged.destroy();
      for (const m of [
        Buffer.from([1]), // too short
        message(1, 3, forgedUpdate, 9), // an unknown version
        message(1, 3, forgedUpdate, 1), // the format before authors travelled with updates
        message(1, 999_999_999, forgedUpdate), // a seq far past the log's head
        message(1, Number.NaN, forgedUpdate),
        message(1, -4, forgedUpdate),
        message(1, 7, new Uint8Array([0xff, 0xfe, 0x01])), // not a Yjs update
        message(2, undefined, new Uint8Array([0x01, 0x99])), // presence that does not decode
        message(99, 1, new Uint8Array([0])), // an unknown kind
        message(5, undefined, new Uint8Array()), // "moved to the trash", for a document that is not
        message(6, undefined, new Uint8Array()), // "renamed", for a document that was not
        ...Array.from({ length: 100 }, () => message(8, undefined, new Uint8Array())), // "restored", for a document that was not
      ]) {
        await publisher.publish(channel, m);
      }
      await expect.poll(async () => (await metric(servers[0]!, 'fanout_dropped_total')) + (await metric(servers[1]!, 'fanout_dropped_total')), { timeout: 3000 }).toBeGreaterThanOrEqual(7);
    } finally {
      publisher.disconnect();
    }
    // Nothing of it reached a document, and both rooms go on (nobody was closed): later edits converge on the log.
    const closes: number[] = [];
    for (const c of [a, b]) c.provider.on('connection-close', (event: CloseEvent | null) => event !== null && closes.push(event.code));
    await new Promise((r) => setTimeout(r, 300));
    expect(closes).toEqual([]);
    await Promise.all([type(a, 'x', 5), type(b, 'y', 5)]);
    await converged('target', [a, b]);
    expect(a.text.toString()).not.toContain('FORGED');
    expect(a.text.length).toBe(15);
    // "Restored" is a hint: the store, which recorded no restore, decides.
    expect(restores).toEqual([0]);
  });

  it('closes a deleted document on every instance at once, and no instance opens it again', async () => {
    await start(2, MACHINE_REDIS, { FANOUT_HEAD_CHECK_MS: '600000' });
    const a = client(servers[0]!, 'doomed');
    const b = client(servers[1]!, 'doomed');
    await Promise.all([a.synced(), b.synced()]);
    a.text.insert(0, 'x');
    await expect.poll(() => b.text.toString()).toBe('x');
    const codes: number[] = [];
    b.provider.on('connection-close', (event: CloseEvent | null) => event !== null && codes.push(event.code));
    const deleted = await fetch(`${servers[0]!.url}/api/docs/doomed`, { method: 'DELETE', headers: { 'content-type': 'application/json' } });
    expect(deleted.status).toBe(200);
    await expect.poll(() => codes[0], { timeout: 2000 }).toBe(4410);
    const late = connectClient(servers[1]!.url, 'doomed', { connect: false });
    clients.push(late);
    const lateCodes: number[] = [];
    late.provider.on('connection-close', (event: CloseEvent | null) => event !== null && lateCodes.push(event.code));
    late.provider.connect();
    await expect.poll(() => lateCodes[0], { timeout: 2000 }).toBe(4410);
  });

  it('closes, at its next head check, a document deleted and purged through another instance unheard: its clients are not left editing it, nor their edits stored under its name', async () => {
    const proxy = await redisProxy(MACHINE_REDIS);
    try {
      const env = { DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, FANOUT_HEAD_CHECK_MS: '2000' };
      servers.push(await startTestServer({ ...env, REDIS_URL: MACHINE_REDIS }));
      servers.push(await startTestServer({ ...env, REDIS_URL: proxy.url }));
      const a = client(servers[0]!, 'purged');
      const b = client(servers[1]!, 'purged');
      await Promise.all([a.synced(), b.synced()]);
      a.text.insert(0, 'secret');
      await expect.poll(() => b.text.toString()).toBe('secret');
      const codes: number[] = [];
      b.provider.on('connection-close', (event: CloseEvent | null) => event !== null && codes.push(event.code));
      // The second instance does not hear the deletion (Redis lost it); the document is purged at once after.
      await proxy.cut();
      const json = { headers: { 'content-type': 'application/json' } };
      expect((await fetch(`${servers[0]!.url}/api/docs/purged`, { method: 'DELETE', ...json })).status).toBe(200);
      expect((await fetch(`${servers[0]!.url}/api/trash/purged`, { method: 'DELETE', ...json })).status).toBe(200);
      // Its head check finds the document gone: its clients are closed, as those of a deleted document
      // (not left editing a document that no longer exists, whose next keystroke would create it again).
      await expect.poll(() => codes[0], { timeout: 6000 }).toBe(4410);
      b.text.insert(0, 'more ');
      // And nothing of the purged document was stored again under its name.
      const store = await openPostgresStore({ url: db.url, schema: db.schema, readOnly: true });
      try {
        await new Promise((r) => setTimeout(r, 500));
        expect(await store.getDocument('purged')).toBeUndefined();
      } finally {
        await store.close();
      }
    } finally {
      await proxy.close();
    }
  });

  it('sends the clients of a renamed document on, on every instance at once, and no instance opens the old name again', async () => {
    await start(2, MACHINE_REDIS, { FANOUT_HEAD_CHECK_MS: '600000' });
    const a = client(servers[0]!, 'draft');
    const b = client(servers[1]!, 'draft');
    await Promise.all([a.synced(), b.synced()]);
    a.text.insert(0, 'x');
    await expect.poll(() => b.text.toString()).toBe('x');
    const seen: Array<{ code: number; reason: string }> = [];
    b.provider.on('connection-close', (event: CloseEvent | null) => event !== null && seen.push({ code: event.code, reason: event.reason }));
    const renamed = await fetch(`${servers[0]!.url}/api/docs/draft/rename`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: 'final' }) });
    expect(renamed.status).toBe(201);
    await expect.poll(() => seen[0], { timeout: 2000 }).toEqual({ code: 4430, reason: 'moved: final' });
    const late = connectClient(servers[1]!.url, 'draft', { connect: false });
    clients.push(late);
    const lateCodes: number[] = [];
    late.provider.on('connection-close', (event: CloseEvent | null) => event !== null && lateCodes.push(event.code));
    late.provider.connect();
    await expect.poll(() => lateCodes[0], { timeout: 2000 }).toBe(4430);
    const next = client(servers[1]!, 'final');
    await next.synced();
    expect(next.text.toString()).toBe('x');
  });

  it.each([
    // The head check far off: only what Redis says makes it live.
    ['through Redis', MACHINE_REDIS, '600000'],
    // Nobody there: the head check finds the restore's edit in the log, and asks the store.
    ['through the log, Redis lost', 'redis://127.0.0.1:1', '300'],
  ])('tells editors on every instance of a restore made through one, once they hold the restoring edit (%s)', async (_how, redisUrl, headCheckMs) => {
    await start(2, redisUrl, { FANOUT_HEAD_CHECK_MS: headCheckMs });
    const doc = `restored-${servers.length}`;
    const here = connectClient(servers[0]!.url, doc, { params: { acks: '1' } });
    const there = connectClient(servers[1]!.url, doc, { params: { acks: '1' } });
    clients.push(here, there);
    // What the editor writes: paragraphs in the fragment y-prosemirror binds (restore diffs it).
    const paragraphs = (c: TestClient) => c.doc.getXmlFragment('prosemirror').toArray().map((p) => (p as Y.XmlElement).toString());
    const write = (c: TestClient, text: string) => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(text)]);
      const fragment = c.doc.getXmlFragment('prosemirror');
      fragment.insert(fragment.length, [p]);
    };
    const heardHere = hearRestores(here);
    const heardThere: Array<{ seq: number; holding: string[] }> = [];
    there.provider.messageHandlers[104] = (_encoder, decoder) => heardThere.push({ seq: decoding.readVarUint(decoder), holding: paragraphs(there) });
    await Promise.all([here.synced(), there.synced()]);
    write(here, 'first');
    await expect.poll(() => paragraphs(there).length).toBe(1);
    write(there, 'second');
    await expect.poll(() => paragraphs(here).length).toBe(2);
    // Both heard at join that nothing was restored yet.
    expect(heardHere).toEqual([0]);
    expect(heardThere.map((h) => h.seq)).toEqual([0]);
    const res = await fetch(`${servers[0]!.url}/api/docs/${doc}/restore`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seq: 1 }) });
    expect(res.status).toBe(201);
    const { seq } = (await res.json()) as { seq: number };
    await expect.poll(() => heardHere.at(-1)).toBe(seq);
    await expect.poll(() => heardThere.at(-1)?.seq, { timeout: 3_000 }).toBe(seq);
    // Told once it holds the restoring edit: its undo steps go with the text the restore replaced.
    expect(heardThere.at(-1)!.holding).toEqual(['<paragraph>first</paragraph>']);
  });

  it("settles a viewer's sync on an instance that has not yet heard an update the viewer holds: the instance catches up from the log first", async () => {
    // No Redis, the head check far off: B hears nothing of what A commits until it reads the log.
    const SECRET = 'lagging-viewer-secret-0123456789-0123456789';
    await start(2, 'redis://127.0.0.1:1', { FANOUT_HEAD_CHECK_MS: '600000', AUTH_SECRET: SECRET });
    const token = (role: 'editor' | 'viewer') => mintToken(SECRET, { userId: role, docs: ['*'], role, ttl: '1h' });
    const [a, b] = servers as [TestServer, TestServer];
    const editor = connectClient(a.url, 'lag', { params: { token: await token('editor') } });
    // Someone on B keeps the document open there (loaded before the edit).
    const present = connectClient(b.url, 'lag', { params: { token: await token('editor') } });
    clients.push(editor, present);
    await Promise.all([editor.synced(), present.synced()]);
    editor.text.insert(0, 'seen on A');
    // The viewer saw it on A (its page holds it), then reconnects through the load balancer to B.
    const viewerOnA = connectClient(a.url, 'lag', { params: { token: await token('viewer') } });
    clients.push(viewerOnA);
    await expect.poll(() => viewerOnA.text.toString()).toBe('seen on A');
    expect(present.text.toString()).toBe('');
    const viewer = connectClient(b.url, 'lag', { connect: false, params: { token: await token('viewer'), acks: '1' } });
    clients.push(viewer);
    Y.applyUpdate(viewer.doc, Y.encodeStateAsUpdate(viewerOnA.doc));
    const heard = hearBindings(viewer);
    const refused: string[] = [];
    viewer.provider.messageHandlers[103] = (_encoder, decoder) => void refused.push(decoding.readVarString(decoder));
    let acked = 0;
    viewer.provider.messageHandlers[100] = (_encoder, decoder) => void (acked += decoding.readVarUint(decoder));
    viewer.provider.connect();
    await viewer.synced();
    // Its sync step 2 is settled as holding nothing new: the page does not reload or say it lost anything.
    await expect.poll(() => acked, { timeout: 5_000 }).toBeGreaterThan(0);
    expect(refused).toEqual([]);
    expect(heard.types.has(103)).toBe(false);
    // And B caught up: its own people see the edit.
    await expect.poll(() => present.text.toString()).toBe('seen on A');
  });

  it('unloads the room of an instance its last client left, whatever the others type', async () => {
    await start(2, MACHINE_REDIS, { DOC_UNLOAD_DELAY_MS: '200' });
    const [a, b] = servers as [TestServer, TestServer];
    const writer = client(a, 'busy');
    const visitor = client(b, 'busy');
    await Promise.all([writer.synced(), visitor.synced()]);
    writer.text.insert(0, 'start ');
    await expect.poll(() => visitor.text.toString(), { timeout: 5000 }).toBe('start ');
    // The visitor on B leaves; the writer on A types on, one character every 50 ms.
    visitor.provider.destroy();
    let typing = true;
    const typed = (async () => {
      while (typing) {
        writer.text.insert(writer.text.length, 'x');
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      // Well past the unload delay: B's room has nobody and nothing of its own to write.
      await expect.poll(() => b.rooms.loaded('busy'), { timeout: 2500, interval: 100 }).toBeUndefined();
    } finally {
      typing = false;
      await typed;
    }
  });

  it('binds what another instance commits to the author it stored, whether Redis brings it or the log', async () => {
    for (const redisUrl of [MACHINE_REDIS, 'redis://127.0.0.1:1' /* nobody there: only the log heals */]) {
      await start(2, redisUrl);
      const [a, b] = servers.slice(-2) as [TestServer, TestServer];
      const doc = `bound-${servers.length}`;
      const typist = client(a, doc);
      const watcher = connectClient(b.url, doc, { params: { authors: '1' } });
      clients.push(watcher);
      const heard = hearBindings(watcher);
      await Promise.all([typist.synced(), watcher.synced()]);
      typist.text.insert(0, 'hello');
      await converged(doc, [typist, watcher]);
      const store = await openPostgresStore({ url: db.url, schema: db.schema, readOnly: true });
      const [stored] = await store.readUpdates(doc);
      await store.close();
      expect(stored!.author).toMatch(/^conn-/);
      await expect.poll(() => heard.bound().get(typist.doc.clientID), { timeout: 5_000 }).toBe(stored!.author);
    }
  });

  it('refuses REDIS_URL without DATABASE_URL: instances must share the log', async () => {
    await expect(startTestServer({ REDIS_URL: MACHINE_REDIS })).rejects.toThrow(/REDIS_URL needs DATABASE_URL/);
  });
});
