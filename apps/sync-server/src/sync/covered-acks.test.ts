import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGroupCommit, type DocumentStore, openSqliteStore, type UpdateLog } from '@tandem/persistence';
import * as decoding from 'lib0/decoding';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { closed, updateFrame } from '../testing/clients.js';
import { registryDeps } from '../testing/registry-deps.js';
import { type RoomsSocket, serveRooms } from '../testing/rooms-socket.js';
import { RoomRegistry } from './rooms.js';


/** Stores "hello world" in `doc` through `log`; returns the update that deletes "hello " from it. */
async function helloWorldThenADeletion(log: UpdateLog): Promise<Uint8Array> {
  const base = new Y.Doc();
  base.getText('t').insert(0, 'hello world');
  await (await log.write('doc', { update: Y.encodeStateAsUpdate(base), author: 'seed', receivedAt: Date.now() })).flushed;
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(base));
  let deletion: Uint8Array | undefined;
  client.once('update', (u: Uint8Array) => (deletion = u));
  client.getText('t').delete(0, 6);
  return deletion!;
}

// Updates that arrive in one turn are judged together; a deletion another update of the batch already
// makes is "covered": stored, as far as its sender is told, once the covering write is.
describe('a deletion covered by an update of the same batch', () => {
  let dataDir: string;
  let store: DocumentStore;
  let log: UpdateLog;
  let rooms: RoomRegistry;
  let sockets: RoomsSocket;
  let loadsMayProceed: Promise<void>;
  let letLoadsProceed: () => void;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-covered-'));
    store = openSqliteStore({ dataDir });
    loadsMayProceed = new Promise((resolve) => (letLoadsProceed = resolve));
    // A load held open, so that what several clients send meanwhile reaches the gate in one batch.
    const slowStore = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'getDocument') {
          return async (name: string) => {
            await loadsMayProceed;
            return target.getDocument(name);
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    log = createGroupCommit({ store });
    rooms = new RoomRegistry(registryDeps(slowStore, { log }));
    sockets = await serveRooms(rooms, (req) => ({ acks: req.url?.includes('acks=1') === true }));
  });

  afterEach(async () => {
    letLoadsProceed();
    await rooms.shutdown(1000);
    await sockets.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is not acknowledged when the update that covered it is dropped because its sender failed in the same batch', async () => {
    // The document holds "hello world"; both clients delete "hello " (the same items): one delete set.
    const deletion = await helloWorldThenADeletion(log);

    const careless = await sockets.open();
    const careful = await sockets.open('?acks=1');
    const acks: number[] = [];
    careful.on('message', (data: Buffer) => {
      const d = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(d) === 100) acks.push(decoding.readVarUint(d));
    });
    await expect.poll(() => rooms.connectionCount).toBe(2);
    const carelessClosed = closed(careless);
    careless.send(updateFrame(Uint8Array.of(0xff, 0xff, 0xff))); // not an update: closes `careless` (4422)
    careless.send(updateFrame(deletion)); // judged with the batch, then dropped: its sender failed
    careful.send(updateFrame(deletion)); // the same deletion: covered by the one just dropped
    await new Promise((r) => setTimeout(r, 100));
    letLoadsProceed();
    expect((await carelessClosed).code).toBe(4422);

    // `careful` is told its deletion is stored only once it is: in the log, and in the room's document.
    await expect.poll(() => acks.reduce((a, b) => a + b, 0)).toBe(1);
    const reread = new Y.Doc();
    for (const { update } of await store.readUpdates('doc')) Y.applyUpdate(reread, update);
    expect(reread.getText('t').toString()).toBe('world');
    expect(rooms.loaded('doc')?.doc.getText('t').toString()).toBe('world');
    careful.close();
  });
});

// The same for a program's deletion (POST …/updates): covered by a client's write under way, it was
// answered "nothing to store" at once, though that write could still fail (the store refused it).
describe("a program's deletion covered by a client's write under way", () => {
  let dataDir: string;
  let store: DocumentStore;
  let rooms: RoomRegistry;
  let sockets: RoomsSocket;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-covered-api-'));
    store = openSqliteStore({ dataDir });
  });

  afterEach(async () => {
    await rooms.shutdown(1000);
    await sockets.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is stored by the program itself when that write fails, not answered as already held', async () => {
    const log = createGroupCommit({ store });
    const deletion = await helloWorldThenADeletion(log);

    // The client's write waits until the test fails it (a store that refuses it, as a full disk would).
    let failClientWrite: (() => void) | undefined;
    let writes = 0;
    const controlled: UpdateLog = new Proxy(log, {
      get(target, prop, receiver) {
        if (prop === 'write') {
          return (doc: string, entry: Parameters<UpdateLog['write']>[1]) => {
            writes += 1;
            if (writes > 1) return target.write(doc, entry);
            return new Promise<never>((_, reject) => (failClientWrite = () => reject(new Error('the disk refused it'))));
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    rooms = new RoomRegistry(registryDeps(store, { log: controlled }));
    sockets = await serveRooms(rooms);
    const ws = await sockets.open();
    const wsClosed = closed(ws);
    ws.send(updateFrame(deletion));
    await expect.poll(() => failClientWrite !== undefined).toBe(true);

    const answer = rooms.withRoom('doc', (room) => room.commitApiUpdate(deletion, 'api', 'program', false));
    let answered = false;
    void answer.then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 50));
    // Not answered while the write that would make its deletion is still under way...
    expect(answered).toBe(false);
    failClientWrite!();
    await wsClosed;
    // ...and that write failed: the program's deletion is stored itself, with a seq of its own.
    expect(await answer).toBe(2);
    const reread = new Y.Doc();
    for (const { update } of await store.readUpdates('doc')) Y.applyUpdate(reread, update);
    expect(reread.getText('t').toString()).toBe('world');
  });
});
