// An edit the server makes (a restore, an API edit) and a client's update stored in one commit are
// applied in the order of their seqs: the room's state stays the log's prefix, and it goes on writing
// checkpoints.

import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, type TestClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

/** An update that appends `text` to `doc`'s text 't'. */
function typed(doc: Y.Doc, text: string): Uint8Array {
  let update: Uint8Array | undefined;
  const keep = (u: Uint8Array) => (update = u);
  doc.once('update', keep);
  doc.getText('t').insert(doc.getText('t').length, text);
  return update!;
}

describe('server edits and client updates in one commit', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server?.destroy();
  });

  for (const durability of ['flush-before-broadcast', 'flush-before-ack', 'none'] as const) {
    it(`are applied in seq order, and checkpoints go on (${durability})`, async () => {
      server = await startTestServer({ CHECKPOINT_EVERY: '3', DURABILITY: durability });
      const ann = connectClient(server.url, 'd');
      clients.push(ann);
      await ann.synced();
      const head = async () => (await server.store.getDocument('d'))?.lastSeq;
      ann.text.insert(0, 'a');
      await expect.poll(head).toBe(1);

      await server.rooms.withRoom('d', async (room) => {
        const conn = [...room.connections][0]!;
        // In one synchronous step, as when a restore's update and a typed key reach the same commit:
        // the server's edit is queued first (seq 2), the client's update second (seq 3).
        const restore = room.commitServerEdit(typed(new Y.Doc(), 'R'), 'restore', 'test');
        room.receive(conn, { kind: 'update', update: typed(new Y.Doc(), 'k'), fromStep2: false });
        expect(await restore).toBe(2);
        await expect.poll(head).toBe(3);
        await expect.poll(() => room.lastSeq).toBe(3);
      });
      await server.rooms.withRoom('d', async (room) => {
        // Applied one at a time (waiting for the room, not the log: broadcasts are paced after the
        // commit, and a slow machine would merge several into one batch, moving the checkpoints).
        for (let i = 0; i < 9; i++) {
          ann.text.insert(ann.text.length, String(i));
          await expect.poll(() => room.lastSeq).toBe(4 + i);
        }
        await room.settled();
      });
      expect(await head()).toBe(12);
      expect(server.logs.filter((l) => l.event === 'log-gap')).toEqual([]);
      // Every 3 updates while the room's state is the log's prefix: the last one at 12.
      await expect.poll(async () => (await server.store.latestCheckpoint('d'))?.seq).toBe(12);
    });
  }
});
