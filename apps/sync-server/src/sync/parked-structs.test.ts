// An editor's struct may wait on the server for an item its author has not typed yet (a Yjs update may
// refer ahead to another client's next clock). When that client's update arrives, the server's apply
// releases the parked struct, and the transaction's update holds both: it was sent to everyone but its
// sender, who then never got the released struct and diverged (found by a review).

import * as encoding from 'lib0/encoding';
import { afterEach, expect, it } from 'vitest';
import type WebSocket from 'ws';
import * as Y from 'yjs';
import { connectClient, openRawSocket, type TestClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const updateFrame = (update: Uint8Array) => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, 2);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
};

let server: TestServer | undefined;
const clients: TestClient[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of sockets.splice(0)) s.close();
  await server?.destroy();
  server = undefined;
});

it("sends a struct released by a client's own update to that client too: everyone holds what the log holds", async () => {
  server = await startTestServer();
  const alice = connectClient(server.url, 'park');
  const watcher = connectClient(server.url, 'park');
  clients.push(alice, watcher);
  await Promise.all([alice.synced(), watcher.synced()]);
  alice.text.insert(0, 'hello');
  await expect.poll(() => watcher.text.toString()).toBe('hello');
  // Someone writes right after a character Alice has not typed yet (her next clock): parked on the server.
  const future = new Y.Doc();
  Y.applyUpdate(future, Y.encodeStateAsUpdate(alice.doc));
  future.clientID = alice.doc.clientID;
  future.getText('t').insert(5, '?');
  const other = new Y.Doc();
  Y.applyUpdate(other, Y.encodeStateAsUpdate(future));
  const before = Y.encodeStateVector(other);
  other.getText('t').insert(6, ' more');
  const ws = await openRawSocket(server.url, 'park');
  sockets.push(ws);
  ws.send(updateFrame(Y.encodeStateAsUpdate(other, before)));
  await expect.poll(async () => (await server!.store.getDocument('park'))?.updateCount).toBe(2);
  // Alice types her next character: it releases the parked struct on the server.
  alice.text.insert(5, '!');
  await expect.poll(() => watcher.text.toString()).toBe('hello! more');
  await expect.poll(() => alice.text.toString()).toBe('hello! more');
  const replay = new Y.Doc();
  for (const u of await server.store.readUpdates('park')) Y.applyUpdate(replay, u.update);
  expect(replay.getText('t').toString()).toBe('hello! more');
});
