// A forged update published on a document's channel with the next seq (anyone who can publish on Redis
// can do so) is applied at once, as the README says. What it must not do: take the place of the real
// update of that seq (this instance's own client's, acknowledged as stored), and end up in a checkpoint
// in PostgreSQL, from which every later load of the document, on every instance, starts.

import { randomBytes } from 'node:crypto';
import { loadDocument, openPostgresStore } from '@tandem/persistence';
import { testSchema } from '@tandem/persistence/testing/postgres';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, type TestClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const MACHINE_REDIS = process.env.TANDEM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fan-out message (version 2) for an update at `seq`, from an instance id nobody has. */
function updateMessage(seq: number, update: Uint8Array, author = 'mallory'): Buffer {
  const authorBytes = Buffer.from(author);
  const head = Buffer.alloc(2 + 16 + 8 + 10 + authorBytes.length);
  head[0] = 2;
  head[1] = 1;
  randomBytes(16).copy(head, 2);
  head.writeDoubleBE(Date.now(), 18);
  head.writeDoubleBE(seq, 26);
  head.writeUInt16BE(authorBytes.length, 34);
  authorBytes.copy(head, 36);
  return Buffer.concat([head, update]);
}

describe('a forged update with the next seq', () => {
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];
  let db = testSchema('fcp');

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const s of servers.splice(0)) await s.destroy();
    await db.drop();
    db = testSchema('fcp');
  });

  it("neither replaces the real update of its seq nor reaches a checkpoint: every acknowledged edit reaches the instance's clients, and a load from the checkpoint is the log's replay", async () => {
    const server = await startTestServer({
      DATABASE_URL: db.url,
      DATABASE_SCHEMA: db.schema,
      REDIS_URL: MACHINE_REDIS,
      CHECKPOINT_EVERY: '3',
      FANOUT_HEAD_CHECK_MS: '200',
    });
    servers.push(server);
    const ann = connectClient(server.url, 'memo');
    const ben = connectClient(server.url, 'memo');
    clients.push(ann, ben);
    await Promise.all([ann.synced(), ben.synced()]);
    ann.text.insert(0, 'a');
    await expect.poll(() => server.rooms.loaded('memo')?.lastSeq, { timeout: 5000 }).toBe(1);

    const forged = new Y.Doc();
    forged.getText('t').insert(0, 'FORGED');
    const publisher = new Redis(MACHINE_REDIS);
    try {
      await publisher.publish(`tandem:${db.schema}:doc:memo`, updateMessage(2, Y.encodeStateAsUpdate(forged)));
    } finally {
      publisher.disconnect();
    }
    forged.destroy();
    await expect.poll(() => server.rooms.loaded('memo')?.lastSeq, { timeout: 5000 }).toBe(2);

    // Ann types on: her edits are stored (seqs 2, 3, 4) and acknowledged.
    for (const ch of 'bcd') {
      ann.text.insert(ann.text.length, ch);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const store = await openPostgresStore({ url: db.url, schema: db.schema, readOnly: true });
    try {
      await expect.poll(async () => (await store.getDocument('memo'))?.lastSeq, { timeout: 5000 }).toBe(4);
      await new Promise((resolve) => setTimeout(resolve, 1000)); // head checks, checkpoint writes
      // Ben, on the same instance, has every edit Ann made (her edit at the forged seq included).
      const real = (text: string) => text.replace('FORGED', ''); // wherever the forged text went, Ann's must all be there
      await expect.poll(() => real(ben.text.toString()), { timeout: 5000 }).toBe('abcd');
      // A load (what any instance does next, from the latest checkpoint) is what the log holds: every
      // stored edit, and nothing a checkpoint took from Redis that the log does not hold.
      const loaded = new Y.Doc();
      await loadDocument(store, 'memo', loaded, 'test');
      const replayed = new Y.Doc();
      for (const { update } of await store.readUpdates('memo')) Y.applyUpdate(replayed, update);
      expect(real(replayed.getText('t').toString())).toBe('abcd');
      expect(loaded.getText('t').toString()).toBe(replayed.getText('t').toString());
    } finally {
      await store.close();
    }
  });
});
