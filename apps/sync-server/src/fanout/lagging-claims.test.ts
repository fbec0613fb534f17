// Whose a Yjs client id is, on an instance behind the log. A page that saw a collaborator's writing on
// one instance and reconnects to another that has not heard of it yet sends that writing in its sync
// step 2. That instance must not take the collaborator's id for the page's own: the collaborator's
// next edits there would be refused as written under someone else's id, and a stock client, never told,
// would keep them to itself for good (the documents diverge).

import { materialize, openPostgresStore } from '@tandem/persistence';
import { testSchema } from '@tandem/persistence/testing/postgres';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { mintToken } from '../auth/token.js';
import { connectClient, type TestClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const SECRET = 'lagging-claims-secret-0123456789-0123456789';
const token = (userId: string) => mintToken(SECRET, { userId, docs: ['*'], role: 'editor', ttl: '1h' });

describe('client ids on an instance that has not heard what another committed', () => {
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];
  const providers: WebsocketProvider[] = [];
  let db = testSchema('lagc');

  afterEach(async () => {
    for (const p of providers.splice(0)) p.destroy();
    for (const c of clients.splice(0)) c.destroy();
    for (const s of servers.splice(0)) await s.destroy();
    await db.drop();
    db = testSchema('lagc');
  });

  const stored = async (doc: string) => {
    const store = await openPostgresStore({ url: db.url, schema: db.schema, readOnly: true });
    try {
      return (await materialize(store, doc, (await store.getDocument(doc))?.lastSeq ?? 0)).getText('t').toString();
    } finally {
      await store.close();
    }
  };

  it("stores a collaborator's later edits after another page relayed their earlier ones to a lagging instance", async () => {
    // No Redis, the head check far off: B hears nothing of what A commits until it reads the log.
    for (let i = 0; i < 2; i++) {
      servers.push(await startTestServer({ DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, REDIS_URL: 'redis://127.0.0.1:1', FANOUT_HEAD_CHECK_MS: '600000', AUTH_SECRET: SECRET }));
    }
    const [a, b] = servers as [TestServer, TestServer];
    const connect = async (server: TestServer, user: string, doc: Y.Doc | undefined) => {
      const c = connectClient(server.url, 'lag', { connect: false, params: { token: await token(user) } });
      clients.push(c);
      if (doc !== undefined) Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(doc));
      c.provider.connect();
      await c.synced();
      return c;
    };
    // Someone on B keeps the document open there, loaded before anything is written.
    const watcher = await connect(b, 'cat', undefined);
    const ann = await connect(a, 'ann', undefined);
    const benOnA = await connect(a, 'ben', undefined);
    ann.text.insert(0, 'Hello');
    await expect.poll(() => benOnA.text.toString()).toBe('Hello');
    expect(watcher.text.toString()).toBe('');

    // Ben's page reconnects (a load balancer) to B, which has not heard of Ann's edit: its sync step 2 holds it.
    benOnA.provider.destroy();
    const ben = await connect(b, 'ben', benOnA.doc);
    await expect.poll(() => watcher.text.toString()).toBe('Hello');

    // Ann's page moves to B too (same page, same client id) and goes on typing there.
    ann.provider.destroy();
    const annOnB = new WebsocketProvider(`${b.url.replace(/^http/, 'ws')}/ws`, 'lag', ann.doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      params: { token: await token('ann') },
    });
    providers.push(annOnB);
    await new Promise<void>((resolve) => annOnB.once('sync', () => resolve()));
    ann.text.insert(5, ' world');
    // Her edit is stored and reaches the others, as on one instance.
    await expect.poll(() => stored('lag'), { timeout: 5_000 }).toBe('Hello world');
    await expect.poll(() => ben.text.toString()).toBe('Hello world');
  });
});
