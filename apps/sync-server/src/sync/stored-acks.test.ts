import * as decoding from 'lib0/decoding';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import * as Y from 'yjs';
import { mintToken } from '../auth/token.js';
import { closed, openRawSocket, updateFrame } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';


/** Collects the message types a socket receives, and the counts of stored-acks. */
const watch = (ws: WebSocket) => {
  const types: number[] = [];
  const acks: number[] = [];
  ws.on('message', (data: Buffer) => {
    const d = decoding.createDecoder(new Uint8Array(data));
    const type = decoding.readVarUint(d);
    types.push(type);
    if (type === 100) acks.push(decoding.readVarUint(d));
  });
  return { types, acks };
};

describe('stored-acks (?acks=1)', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.destroy();
  });

  it('acknowledges each update message once it is stored, in order, including empty ones', async () => {
    const ws = await openRawSocket(server.url, 'acked?acks=1');
    const seen = watch(ws);
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    for (const ch of 'abc') doc.getText('t').insert(0, ch);
    const storedWhenAcked: number[] = [];
    ws.on('message', async (data: Buffer) => {
      if (data[0] === 100) storedWhenAcked.push((await server.store.getDocument('acked'))?.updateCount ?? 0);
    });
    for (const u of updates) ws.send(updateFrame(u));
    ws.send(updateFrame(new Uint8Array([0, 0]), 1)); // an empty sync step 2: nothing to store, still acked
    await expect.poll(() => seen.acks.reduce((a, b) => a + b, 0)).toBe(4);
    expect(storedWhenAcked.every((n) => n === 3)).toBe(true);
    ws.close();
  });

  it('never sends acks to a client that did not ask (stock y-websocket clients)', async () => {
    const ws = await openRawSocket(server.url, 'plain');
    const seen = watch(ws);
    const doc = new Y.Doc();
    doc.on('update', (u: Uint8Array) => ws.send(updateFrame(u)));
    doc.getText('t').insert(0, 'x');
    await expect.poll(async () => (await server.store.getDocument('plain'))?.updateCount).toBe(1);
    // A later round trip proves the server had every chance to send an ack.
    ws.send(new Uint8Array([3]));
    await expect.poll(() => seen.types.at(-1)).toBe(1);
    expect(seen.types).not.toContain(100);
    ws.close();
  });
});

describe('stored-acks for a viewer', () => {
  const SECRET = 'viewer-acks-secret-0123456789-0123456789';
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET });
  });
  afterEach(async () => {
    await server.destroy();
  });

  it('settles every update message: one holding nothing new (its sync step 2) as stored, a change as refused', async () => {
    const token = (role: 'editor' | 'viewer') => mintToken(SECRET, { userId: role, docs: ['*'], role, ttl: '1h' });
    // The editor writes, and deletes some of it, so the state carries a delete set.
    const editor = await openRawSocket(server.url, `shared?token=${await token('editor')}`);
    const written = new Y.Doc();
    written.on('update', (u: Uint8Array) => editor.send(updateFrame(u)));
    written.getText('t').insert(0, 'hello world');
    written.getText('t').delete(0, 6);
    await expect.poll(async () => (await server.store.getDocument('shared'))?.updateCount).toBe(2);
    // Applied to the room's document too (a viewer only ever holds what the room sent it).
    await expect.poll(() => server.rooms.loaded('shared')?.doc.getText('t').toString()).toBe('world');

    const viewer = await openRawSocket(server.url, `shared?acks=1&token=${await token('viewer')}`);
    const seen = watch(viewer);
    // What a stock provider answers the server's sync step 1 with, holding what the server has.
    viewer.send(updateFrame(Y.encodeStateAsUpdate(written), 2));
    await expect.poll(() => seen.acks).toEqual([1]);
    // A change of its own: never stored, and said to be refused (103) rather than left unanswered.
    const own = new Y.Doc();
    Y.applyUpdate(own, Y.encodeStateAsUpdate(written));
    const changes: Uint8Array[] = [];
    own.on('update', (u: Uint8Array) => changes.push(u));
    own.getText('t').insert(0, 'viewer ');
    viewer.send(updateFrame(changes[0]!));
    await expect.poll(() => seen.types.includes(103)).toBe(true);
    expect((await server.store.getDocument('shared'))?.updateCount).toBe(2);
    editor.close();
    viewer.close();
  });
});

describe('stored-acks for a deletion the document already holds, while another write fails', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ MAX_DOC_BYTES: '20000' });
  });
  afterEach(async () => {
    await server.destroy();
  });

  it("a client resending a deletion the document already holds is not closed because another client's update was too large", async () => {
    // A writes and deletes: stored and acknowledged.
    const a = await openRawSocket(server.url, 'doc?acks=1');
    const aAcks = watch(a).acks;
    const aDoc = new Y.Doc();
    const aUpdates: Uint8Array[] = [];
    aDoc.on('update', (u: Uint8Array) => aUpdates.push(u));
    aDoc.getText('t').insert(0, 'hello world');
    aDoc.getText('t').delete(0, 6);
    for (const u of aUpdates) a.send(updateFrame(u));
    await expect.poll(() => aAcks.reduce((x, y) => x + y, 0)).toBe(2);

    // B, another client, sends something far past MAX_DOC_BYTES (refused with 4413: its own problem).
    const b = await openRawSocket(server.url, 'doc');
    const bClosed = closed(b);
    const bDoc = new Y.Doc();
    const big: Uint8Array[] = [];
    bDoc.on('update', (u: Uint8Array) => big.push(u));
    bDoc.getText('other').insert(0, 'x'.repeat(60_000));

    // A, in the same turn (as on a reconnect, its sync step 2 carries its delete set, nothing new).
    const aClosed = closed(a);
    const { ds } = Y.decodeUpdate(aUpdates[1]!);
    expect(ds.clients.size).toBe(1);
    b.send(updateFrame(big[0]!));
    a.send(updateFrame(aUpdates[1]!)); // the deletion again: the document has it, stored and flushed long ago

    expect((await bClosed).code).toBe(4413);
    // A did nothing wrong (it used to be closed with 4503): its deletion is stored, and it hears so.
    const outcome = await Promise.race([aClosed, new Promise((r) => setTimeout(() => r('open'), 1000))]);
    expect(outcome).toBe('open');
    expect(aAcks.reduce((x, y) => x + y, 0)).toBe(3);
    a.close();
  });
});
