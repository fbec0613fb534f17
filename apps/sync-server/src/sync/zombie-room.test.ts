// A connection that arrives while its document is loading, after the document was moved to the trash
// (or renamed) during that load, used to join the room that closeTrashed (closeMoved) had just dropped:
// never closed, shown the trashed document, its edits neither stored nor refused, hearing nobody.
// A slow first read of the store (holdFirstCall) holds the load open.

import * as decoding from 'lib0/decoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { closed, connectClient, openRawSocket } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

/** A document written and closed: nothing of it in memory, so the next connection loads it. */
async function stored(server: TestServer, doc: string, text: string): Promise<void> {
  const seed = connectClient(server.url, doc);
  await seed.synced();
  seed.text.insert(0, text);
  await expect.poll(async () => (await server.store.getDocument(doc))?.lastSeq).toBe(1);
  seed.destroy();
  await expect.poll(() => server.rooms.openRooms).toBe(0);
}

/**
 * Holds the store's first call of `method` until released (a long history, a busy disk or database):
 * a load that makes it waits there; the calls after it go through.
 */
function holdFirstCall(server: TestServer, method: 'readUpdates' | 'getDocument') {
  const store = server.store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = store[method]!.bind(store);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let held = false;
  store[method] = async (...args: unknown[]) => {
    if (!held) {
      held = true;
      await gate;
    }
    return original(...args);
  };
  return {
    held: () => held,
    release: () => {
      release();
      store[method] = original;
    },
  };
}

describe('a connection joining a document trashed or renamed while it loads', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.destroy();
    server = undefined;
  });

  it('is closed with 4410 like every other connection to a trashed document', async () => {
    server = await startTestServer();
    await stored(server, 'gone', 'secret plans');
    const load = holdFirstCall(server, 'readUpdates');

    // First connection: starts loading the room.
    const first = await openRawSocket(server.url, 'gone');
    const firstClosed = closed(first);
    await expect.poll(() => load.held()).toBe(true);

    // The document is moved to the trash while it loads.
    const deleted = await fetch(`${server.url}/api/docs/gone`, { method: 'DELETE', headers: { 'content-type': 'application/json' } });
    expect(deleted.status).toBe(200);

    // Second connection: admitted (the route does not look at the trash), it waits for the same load.
    const second = await openRawSocket(server.url, 'gone?acks=1');
    const secondClosed = closed(second);
    const doc = new Y.Doc();
    let acked = 0;
    second.on('message', (data: Buffer) => {
      const d = decoding.createDecoder(new Uint8Array(data));
      const type = decoding.readVarUint(d);
      if (type === 100) acked += decoding.readVarUint(d);
      if (type === 0 && decoding.readVarUint(d) !== 0) Y.applyUpdate(doc, decoding.readVarUint8Array(d), 'remote');
    });
    await expect.poll(() => server!.rooms.connectionCount).toBe(2);

    load.release();
    expect((await firstClosed).code).toBe(4410);

    // The second is closed too, by a new load that finds the document in the trash.
    const outcome = await Promise.race([secondClosed, new Promise<'still open'>((r) => setTimeout(() => r('still open'), 2000))]);
    // It was never shown the trashed content, nor acknowledged anything.
    expect({ sees: doc.getText('t').toString(), acked }).toEqual({ sees: '', acked: 0 });
    expect(outcome).toMatchObject({ code: 4410 });
  });
  it('is sent on with 4430 when the document is renamed while it loads', async () => {
    server = await startTestServer();
    await stored(server, 'old-name', 'moving soon');
    // The load's first read (the document's row) is slow; everything else goes through.
    const load = holdFirstCall(server, 'getDocument');
    const first = await openRawSocket(server.url, 'old-name');
    const firstClosed = closed(first);
    await expect.poll(() => load.held()).toBe(true);
    const renamed = await fetch(`${server.url}/api/docs/old-name/rename`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: 'new-name' }),
    });
    expect(renamed.status).toBe(201);
    const second = await openRawSocket(server.url, 'old-name?acks=1');
    const secondClosed = closed(second);
    await expect.poll(() => server!.rooms.connectionCount).toBe(2);
    load.release();
    expect((await firstClosed).code).toBe(4430);
    const outcome = await Promise.race([secondClosed, new Promise<'still open'>((r) => setTimeout(() => r('still open'), 2000))]);
    expect(outcome).toMatchObject({ code: 4430 });
  });
});
