// Room.tellRestored clears the restore still due (one recorded through another instance that
// this room does not hold yet) whenever it tells a LOWER restore (`if (seq <= this.restoreDue)`): a
// restore made through this instance, applied after the room heard of a later one made elsewhere, makes
// the room forget the later one. Its editors are then never told ([104]) of the latest restore, and
// keep undo steps that take it back.
//
// Driven deterministically: the registry with a stand-in fan-out (what Redis would bring is called by
// hand) and the real SQLite store, whose reads of the log can be held (the gap below this instance's own
// restore is being read when the other instance's restore is announced).

import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGroupCommit, type DocumentStore, openSqliteStore } from '@tandem/persistence';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import * as Y from 'yjs';
import type { DocFanout, Fanout, RemoteHandler } from '../fanout/redis-fanout.js';
import { connectClient, hearRestores, type TestClient } from '../testing/clients.js';
import { registryDeps } from '../testing/registry-deps.js';
import { RoomRegistry } from './rooms.js';
import { StoreRate } from './store-rate.js';

function edit(text: string): Uint8Array {
  const d = new Y.Doc();
  d.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(d);
}

describe('a restore through this instance applied after one made elsewhere was announced', () => {
  let dataDir: string | undefined;
  let store: DocumentStore | undefined;
  let wss: WebSocketServer | undefined;
  let rooms: RoomRegistry | undefined;
  const clients: TestClient[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await rooms?.shutdown(1000);
    await new Promise((r) => (wss === undefined ? r(undefined) : wss.close(() => r(undefined))));
    await store?.close();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('tells the editors here of the latest restore, not only of the one made here', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-review-restore-due-'));
    const real = openSqliteStore({ dataDir });
    store = real;
    // Reads of the log may be held: the room's gap fill waits while the test acts as another instance.
    let hold: Promise<void> | undefined;
    const held = new Proxy(real, {
      get(target, prop) {
        if (prop === 'readUpdates') {
          return async (...args: Parameters<DocumentStore['readUpdates']>) => {
            if (hold !== undefined) await hold;
            return target.readUpdates(...args);
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    // The other instances, as the room sees them: what Redis would bring is called by hand.
    const handlers = new Map<string, RemoteHandler>();
    const fanout: Fanout = {
      ready: async () => true,
      announceTrashed() {},
      announceMoved() {},
      announceRestored() {},
      join: async (doc, handler): Promise<DocFanout> => {
        handlers.set(doc, handler);
        return { publishUpdate() {}, publishAwareness() {}, leave: () => void handlers.delete(doc) };
      },
      connected: true,
      close: async () => {},
    };
    rooms = new RoomRegistry(
      registryDeps(held, { log: createGroupCommit({ store: real }), unloadDelayMs: 60_000, storeRate: new StoreRate(0, 1 << 20), fanout, headCheckMs: 600_000 }),
    );
    const registry = rooms;
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    wss.on('connection', (ws, req) => registry.connect(ws, 'doc', { socket: req.socket, acks: true }));
    await new Promise((resolve) => wss!.once('listening', resolve));
    const url = `http://127.0.0.1:${(wss.address() as AddressInfo).port}`;

    const editor = connectClient(url, 'doc');
    clients.push(editor);
    const heard = hearRestores(editor);
    await editor.synced();
    editor.text.insert(0, 'a');
    await expect.poll(() => registry.loaded('doc')?.lastSeq).toBe(1);
    const room = registry.loaded('doc')!;

    // Another instance stores an edit (seq 2); this one has not heard of it yet.
    await real.append([{ doc: 'doc', entries: [{ update: edit('b'), author: 'bob', receivedAt: Date.now() }] }]);
    // A restore made through this instance is stored at seq 3: applied once seq 2 is read from the log,
    // a read held here.
    let release!: () => void;
    hold = new Promise<void>((r) => (release = r));
    const mine = await room.commitServerEdit(edit('restore here'), 'carol', 'carol');
    expect(mine).toBe(3);
    // Meanwhile another instance restores too (seq 4, recorded), and says so through Redis.
    await real.append([{ doc: 'doc', entries: [{ update: edit('restore there'), author: 'dan', receivedAt: Date.now() }] }]);
    await real.recordRestore('doc', { seq: 4, restoredTo: 1, author: 'dan', at: Date.now() });
    handlers.get('doc')!.restored();
    await new Promise((r) => setTimeout(r, 100)); // the store answered which restore
    hold = undefined;
    release();

    await expect.poll(() => room.lastSeq).toBe(4);
    // The editor holds the restoring edit of seq 4: it must hear that the latest restore is 4.
    await expect.poll(() => heard.at(-1), { timeout: 2000 }).toBe(4);
  });
});
