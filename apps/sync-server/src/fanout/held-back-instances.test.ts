// An update held back for its page's earlier one (see Room.holdBack), on an instance the earlier one reaches
// through Redis: it is judged again when that one arrives, not only at the end of its wait (found by a review:
// after its first catch-up with the log, nothing but the page's own next update or the 2 s deadline released it).
import { materialize, openPostgresStore } from '@tandem/persistence';
import { testSchema } from '@tandem/persistence/testing/postgres';
import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import * as Y from 'yjs';
import { openRawSocket, updateFrame } from '../testing/clients.js';
import { headingThenLevel } from '../testing/heading-updates.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const MACHINE_REDIS = process.env.TANDEM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('an update held back for an earlier one that arrives through another instance', () => {
  const servers: TestServer[] = [];
  const sockets: WebSocket[] = [];
  let db = testSchema('held');

  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.close();
    for (const s of servers.splice(0)) await s.destroy();
    await db.drop();
    db = testSchema('held');
  });

  const level = async () => {
    const store = await openPostgresStore({ url: db.url, schema: db.schema, readOnly: true });
    try {
      const doc = await materialize(store, 'held', (await store.getDocument('held'))?.lastSeq ?? 0);
      return (doc.getXmlFragment('prosemirror').get(0) as Y.XmlElement | undefined)?.getAttribute('level');
    } finally {
      await store.close();
    }
  };

  const twoInstances = async () => {
    for (let i = 0; i < 2; i++) servers.push(await startTestServer({ DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, REDIS_URL: MACHINE_REDIS }));
    const [a, b] = servers as [TestServer, TestServer];
    const open = async (server: TestServer) => {
      const ws = await openRawSocket(server.url, 'held');
      sockets.push(ws);
      return ws;
    };
    return { a, b, onA: await open(a), onB: await open(b) };
  };

  it('is stored as soon as the earlier update is applied there, not at the end of its 2 s wait', async () => {
    const { onA, onB } = await twoInstances();
    const { created, changed } = headingThenLevel(2);

    const sent = performance.now();
    onB.send(updateFrame(changed)); // held back on B: the heading is not there
    await new Promise((r) => setTimeout(r, 400)); // B has caught up with the log meanwhile: it holds nothing more
    onA.send(updateFrame(created, 1));
    await expect.poll(level, { timeout: 5_000, interval: 50 }).toBe(2);
    // Before the wait's end (2 s), which would store it too: released by the heading's arrival. Loose, the machine is shared.
    expect(performance.now() - sent).toBeLessThan(1_900);
    expect(onB.readyState).toBe(onB.OPEN);
  });

  it('is judged before the instance that holds it stops (SIGTERM): stored when the earlier update comes meanwhile', async () => {
    const { b, onA, onB } = await twoInstances();
    const { created, changed } = headingThenLevel(2);
    onB.send(updateFrame(changed)); // held back on B
    await new Promise((r) => setTimeout(r, 400));
    const stopping = b.close(); // its client is asked to close; what it sent is still B's to judge
    await new Promise((r) => setTimeout(r, 100));
    onA.send(updateFrame(created, 1)); // reaches B through Redis while it stops
    await stopping;
    expect(await level()).toBe(2);
  });
});
