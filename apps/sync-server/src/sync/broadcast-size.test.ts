// What the room sends on is what an update adds. It sends the stored updates' own bytes (Yjs encoding the
// transaction instead costs time in the number of client ids the document ever held), and a client may
// send an update that repeats much of what the document holds (a resend, a whole state with one new
// character): stored as sent, it must not go out to everyone whole (a review).

import { afterEach, expect, it } from 'vitest';
import type WebSocket from 'ws';
import * as Y from 'yjs';
import { connectClient, openRawSocket, type TestClient, updateFrame } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

let server: TestServer | undefined;
const clients: TestClient[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of sockets.splice(0)) s.close();
  await server?.destroy();
  server = undefined;
});

it('sends on only what an update adds to the document, not what it repeats', async () => {
  server = await startTestServer();
  const alice = connectClient(server.url, 'repeat');
  clients.push(alice);
  await alice.synced();
  alice.text.insert(0, 'x'.repeat(5_000) + 'y'.repeat(5_000)); // two runs, so that the text stays 10 kB when encoded
  for (let i = 0; i < 200; i++) alice.text.insert(i * 7, 'ab');
  await expect.poll(async () => (await server!.store.getDocument('repeat'))?.updateCount).toBe(201);

  const watcher = await openRawSocket(server.url, 'repeat');
  sockets.push(watcher);
  const heard: number[] = [];
  watcher.on('message', (data: Buffer) => {
    if (data[0] === 0 && data[1] === 2) heard.push(data.byteLength); // sync, update
  });
  // Someone else's copy of the whole document, one character more, as one update.
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(alice.doc));
  copy.getText('t').insert(0, '!');
  const whole = Y.encodeStateAsUpdate(copy);
  expect(whole.byteLength).toBeGreaterThan(10_000);
  const sender = await openRawSocket(server.url, 'repeat');
  sockets.push(sender);
  sender.send(updateFrame(whole));
  await expect.poll(() => alice.text.toString().startsWith('!')).toBe(true);
  await expect.poll(() => heard.length).toBeGreaterThan(0);
  expect(Math.max(...heard)).toBeLessThan(200);
});
