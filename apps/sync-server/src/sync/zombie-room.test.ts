// A connection that arrives while its document is loading, after the document was moved to the trash
// (or renamed) during that load, used to join the room that closeTrashed (closeMoved) had just dropped:
// never closed, shown the trashed document, its edits neither stored nor refused, hearing nobody.
// A slow read of the log (a long history, a busy disk or database) holds the load open here.

import * as decoding from 'lib0/decoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { closed, connectClient, openRawSocket } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

describe('a connection joining a document trashed or renamed while it loads', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.destroy();
    server = undefined;
  });

  it('is closed with 4410 like every other connection to a trashed document', async () => {
    server = await startTestServer();
    const seed = connectClient(server.url, 'gone');
    await seed.synced();
    seed.text.insert(0, 'secret plans');
    await expect.poll(async () => (await server!.store.getDocument('gone'))?.lastSeq).toBe(1);
    seed.destroy();
    await expect.poll(() => server!.rooms.openRooms).toBe(0);

    // A slow read of the log (a long history, a busy disk or database): the load waits here.
    const store = server.store;
    const readUpdates = store.readUpdates.bind(store);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reading = false;
    store.readUpdates = async (...args: Parameters<typeof readUpdates>) => {
      reading = true;
      await gate;
      return readUpdates(...args);
    };

    // First connection: starts loading the room.
    const first = await openRawSocket(server.url, 'gone');
    const firstClosed = closed(first);
    await expect.poll(() => reading).toBe(true);

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

    release();
    store.readUpdates = readUpdates;
    expect((await firstClosed).code).toBe(4410);

    // The second is closed too, by a new load that finds the document in the trash.
    const outcome = await Promise.race([secondClosed, new Promise<'still open'>((r) => setTimeout(() => r('still open'), 2000))]);
    // It was never shown the trashed content, nor acknowledged anything.
    expect({ sees: doc.getText('t').toString(), acked }).toEqual({ sees: '', acked: 0 });
    expect(outcome).toMatchObject({ code: 4410 });
  });
  it('is sent on with 4430 when the document is renamed while it loads', async () => {
    server = await startTestServer();
    const seed = connectClient(server.url, 'old-name');
    await seed.synced();
    seed.text.insert(0, 'moving soon');
    await expect.poll(async () => (await server!.store.getDocument('old-name'))?.lastSeq).toBe(1);
    seed.destroy();
    await expect.poll(() => server!.rooms.openRooms).toBe(0);

    const store = server.store;
    // The load's first read (the document's row) is slow; everything else goes through.
    const getDocument = store.getDocument.bind(store);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reading = false;
    store.getDocument = async (...args: Parameters<typeof getDocument>) => {
      if (!reading) {
        reading = true;
        await gate;
      }
      return getDocument(...args);
    };
    const first = await openRawSocket(server.url, 'old-name');
    const firstClosed = closed(first);
    await expect.poll(() => reading).toBe(true);
    const renamed = await fetch(`${server.url}/api/docs/old-name/rename`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: 'new-name' }),
    });
    expect(renamed.status).toBe(201);
    const second = await openRawSocket(server.url, 'old-name?acks=1');
    const secondClosed = closed(second);
    await expect.poll(() => server!.rooms.connectionCount).toBe(2);
    release();
    store.getDocument = getDocument;
    expect((await firstClosed).code).toBe(4430);
    const outcome = await Promise.race([secondClosed, new Promise<'still open'>((r) => setTimeout(() => r('still open'), 2000))]);
    expect(outcome).toMatchObject({ code: 4430 });
  });
});
