// What the HTTP API builds on a room's live document (comments, exports, copies, restores) waits for
// `caughtUp()`. With one instance it returned at once, though the log may hold more than the document:
// an update is committed first and applied (shown to others) a little later, paced on a busy document
// (see Room.enqueueApply). A copy or a comment list asked for just after an edit was acknowledged left
// it out (CI saw a comment listed as absent once its update was in the log).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type DocumentStore, openSqliteStore } from '@tandem/persistence';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { updateFrame } from '../testing/clients.js';
import { registryDeps } from '../testing/registry-deps.js';
import { type RoomsSocket, serveRooms } from '../testing/rooms-socket.js';
import { RoomRegistry } from './rooms.js';

describe('a room caught up with its log, on one instance', () => {
  let dataDir: string;
  let store: DocumentStore;
  let rooms: RoomRegistry;
  let sockets: RoomsSocket;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-caught-up-'));
    store = openSqliteStore({ dataDir });
    // Broadcasts spaced 1 s apart with two clients: the second update waits in the room after its commit.
    rooms = new RoomRegistry(registryDeps(store, { maxBroadcastDelayMs: 1000, pacing: { perClientMs: 500 } }));
    sockets = await serveRooms(rooms);
  });

  afterEach(async () => {
    await rooms.shutdown(1000);
    await sockets.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('holds every update the log holds once caughtUp() resolves, though its broadcast is still paced', async () => {
    const writer = await sockets.open();
    const reader = await sockets.open();
    await expect.poll(() => rooms.connectionCount).toBe(2);
    const client = new Y.Doc();
    const sent: Uint8Array[] = [];
    client.on('update', (u: Uint8Array) => sent.push(u));
    client.getText('t').insert(0, 'hello');
    client.getText('t').insert(5, ' world');
    writer.send(updateFrame(sent[0]!));
    await expect.poll(async () => (await store.getDocument('doc'))?.lastSeq).toBe(1);
    await expect.poll(() => rooms.loaded('doc')?.doc.getText('t').toString()).toBe('hello');
    writer.send(updateFrame(sent[1]!));
    await expect.poll(async () => (await store.getDocument('doc'))?.lastSeq).toBe(2);

    const text = await rooms.withRoom('doc', async (room) => (await room.caughtUp(), room.doc.getText('t').toString()));
    expect(text).toBe('hello world');
    writer.close();
    reader.close();
  });
});
