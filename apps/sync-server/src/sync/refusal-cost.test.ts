// What refused updates cost the server (found by a review): a viewer's tiny delete-set messages each walked
// the whole document (Y.snapshot), and each update the gate refused threw its shadow copy away, to be rebuilt
// from the whole document for the next one. A read-only or commenting person held the server's only thread
// for seconds with a few kilobytes. Now the document's delete set is kept until it changes, a connection's
// later updates in the same batch are refused with its first, and a connection refused again and again is
// closed (4529).
import * as encoding from 'lib0/encoding';
import { afterEach, expect, it } from 'vitest';
import type WebSocket from 'ws';
import * as Y from 'yjs';
import { mintToken } from '../auth/token.js';
import { openRawSocket } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const SECRET = 'x'.repeat(32);
const updateFrame = (update: Uint8Array, syncType = 2) => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, syncType);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
};
/** An update of no structs and a delete set of one range. */
const deleteOnly = (client: number, clock: number, len: number) => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0); // no structs
  encoding.writeVarUint(e, 1); // one client in the delete set
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, clock);
  encoding.writeVarUint(e, len);
  return encoding.toUint8Array(e);
};

let server: TestServer;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await server?.destroy();
});

it('a viewer\'s burst of tiny delete-set messages does not hold the event loop', { timeout: 60_000 }, async () => {
  server = await startTestServer({ AUTH_SECRET: SECRET, MAX_DOC_BYTES: String(64 * 1024 * 1024) });
  const editorToken = await mintToken(SECRET, { userId: 'ed', docs: ['*'], role: 'editor', ttl: '1h' });
  const viewerToken = await mintToken(SECRET, { userId: 'vi', docs: ['*'], role: 'viewer', ttl: '1h' });
  // A document of 100 000 items (each keystroke typed at the start; every other one deleted): ~1.2 MB.
  const local = new Y.Doc();
  const t = local.getText('t');
  const parts: Uint8Array[] = [];
  local.on('update', (u: Uint8Array) => parts.push(u));
  for (let k = 0; k < 5; k++) local.transact(() => {
    for (let i = 0; i < 20_000; i++) t.insert(0, 'x');
  });
  for (let k = 0; k < 5; k++) local.transact(() => {
    for (let i = 0; i < 10_000; i++) t.delete(k * 10_000 + i, 1);
  });
  const editor = await openRawSocket(server.url, `big?token=${editorToken}&acks=1`);
  sockets.push(editor);
  for (const part of parts) {
    editor.send(updateFrame(part));
    await new Promise((r) => setTimeout(r, 300));
  }
  await expect.poll(async () => (await server.store.getDocument('big'))?.updateCount, { timeout: 20_000 }).toBe(10);

  const viewer = await openRawSocket(server.url, `big?token=${viewerToken}`);
  sockets.push(viewer);
  await new Promise((r) => setTimeout(r, 500));
  // Measure how late a 10 ms timer fires while the viewer sends its (rate-limit-allowed) burst.
  const frame = updateFrame(deleteOnly(local.clientID, 1, 1), 2); // 9 bytes
  let worstLag = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worstLag = Math.max(worstLag, now - last - 10);
    last = now;
  }, 10);
  for (let i = 0; i < 600; i++) viewer.send(frame); // within the default burst (300/s × 2 s), ~5 KB in all
  await new Promise((r) => setTimeout(r, 200));
  await expect.poll(() => performance.now() - last < 50, { timeout: 60_000 }).toBe(true);
  clearInterval(timer);
  // 5 KB from a read-only user should not hold the server's only thread for long.
  expect(worstLag).toBeLessThan(500);
});

it('a commenter\'s refused updates do not hold the event loop, and a commenter refused again and again is disconnected (4529)', { timeout: 60_000 }, async () => {
  server = await startTestServer({ AUTH_SECRET: SECRET, MAX_DOC_BYTES: String(64 * 1024 * 1024) });
  const editorToken = await mintToken(SECRET, { userId: 'ed', docs: ['*'], role: 'editor', ttl: '1h' });
  const viewerToken = await mintToken(SECRET, { userId: 'co', docs: ['*'], role: 'commenter', ttl: '1h' });
  // A document of 100 000 items (each keystroke typed at the start; every other one deleted): ~1.2 MB.
  const local = new Y.Doc();
  const t = local.getText('t');
  const parts: Uint8Array[] = [];
  local.on('update', (u: Uint8Array) => parts.push(u));
  for (let k = 0; k < 5; k++) local.transact(() => {
    for (let i = 0; i < 20_000; i++) t.insert(0, 'x');
  });
  for (let k = 0; k < 5; k++) local.transact(() => {
    for (let i = 0; i < 10_000; i++) t.delete(k * 10_000 + i, 1);
  });
  const editor = await openRawSocket(server.url, `big?token=${editorToken}&acks=1`);
  sockets.push(editor);
  for (const part of parts) {
    editor.send(updateFrame(part));
    await new Promise((r) => setTimeout(r, 300));
  }
  await expect.poll(async () => (await server.store.getDocument('big'))?.updateCount, { timeout: 20_000 }).toBe(10);

  const viewer = await openRawSocket(server.url, `big?token=${viewerToken}`);
  sockets.push(viewer);
  await new Promise((r) => setTimeout(r, 500));
  // Measure how late a 10 ms timer fires while the viewer sends its (rate-limit-allowed) burst.
  const mine = new Y.Doc();
  mine.getText('t').insert(0, 'y');
  const frame = updateFrame(Y.encodeStateAsUpdate(mine)); // a one-letter text edit: refused (a commenter)
  let worstLag = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worstLag = Math.max(worstLag, now - last - 10);
    last = now;
  }, 10);
  const closed = new Promise<number>((resolve) => viewer.on('close', (code: number) => resolve(code)));
  for (let i = 0; i < 50; i++) viewer.send(frame); // 50 small messages in one burst
  await new Promise((r) => setTimeout(r, 200));
  // And spread out, one per event-loop turn of the server.
  for (let i = 0; i < 5 && viewer.readyState === viewer.OPEN; i++) {
    viewer.send(frame);
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(await closed).toBe(4529);
  await expect.poll(() => performance.now() - last < 50, { timeout: 60_000 }).toBe(true);
  clearInterval(timer);
  // A few hundred bytes from a commenter should not hold the server's only thread for long.
  expect(worstLag).toBeLessThan(500);
  // Refused three times within a minute, closed at the fourth.
  expect(server.logs.filter((l) => l.event === 'update-refused').length).toBe(4);
});
