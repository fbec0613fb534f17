import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGroupCommit, type DocumentStore, openSqliteStore } from '@tandem/persistence';
import * as encoding from 'lib0/encoding';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { LOCAL_PRINCIPAL } from '../auth/token.js';
import { closed } from '../testing/clients.js';
import { registryDeps } from '../testing/registry-deps.js';
import { RoomRegistry } from './rooms.js';

/** A y-websocket sync-update frame carrying `text` typed into a fresh document. */
function updateFrame(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, 2);
  encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(doc));
  return encoding.toUint8Array(e);
}


describe('room registry lifecycle', () => {
  let dataDir: string;
  let store: DocumentStore;
  let wss: WebSocketServer;
  let rooms: RoomRegistry;
  /** Loads of documents wait for this to resolve, so a test can act while a document is loading. */
  let loadsMayProceed: Promise<void>;
  let letLoadsProceed: () => void;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-rooms-'));
    store = openSqliteStore({ dataDir });
    loadsMayProceed = new Promise((resolve) => (letLoadsProceed = resolve));
    // The real store, with a load that can be held open.
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
    rooms = new RoomRegistry(registryDeps(slowStore, { log: createGroupCommit({ store }) }));
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    wss.on('connection', (ws, req) => rooms.connect(ws, 'doc', { socket: req.socket }));
    await new Promise((resolve) => wss.once('listening', resolve));
  });

  afterEach(async () => {
    letLoadsProceed();
    await rooms.shutdown(1000);
    await new Promise((resolve) => wss.close(resolve));
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const open = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });

  it('stores what a client sent before it closed, even if it closed while the document was loading', async () => {
    const ws = await open();
    ws.send(updateFrame('sent then gone'));
    ws.close();
    await closed(ws);
    letLoadsProceed();
    await expect.poll(async () => (await store.getDocument('doc'))?.updateCount).toBe(1);
    const reread = new Y.Doc();
    for (const { update } of await store.readUpdates('doc')) Y.applyUpdate(reread, update);
    expect(reread.getText('t').toString()).toBe('sent then gone');
  });

  it('forgets a connection once it closes, whether it closed before or after joining its room', async () => {
    const early = await open();
    await expect.poll(() => rooms.connectionCount).toBe(1);
    early.close();
    await closed(early);
    // Closed while the document was loading: it no longer counts, and does not stay in the room.
    await expect.poll(() => rooms.connectionCount).toBe(0);
    letLoadsProceed();
    // (A room of a document nobody wrote leaves memory as soon as it is empty.)
    await expect.poll(() => rooms.loaded('doc')?.connections.size ?? 0).toBe(0);

    const joined = await open();
    await expect.poll(() => rooms.loaded('doc')?.connections.size).toBe(1);
    joined.close();
    await closed(joined);
    expect(rooms.connectionCount).toBe(0);
    // The room it left unloads (after unloadDelayMs), as nobody is in it.
    await expect.poll(() => rooms.openRooms).toBe(0);
  });

  it('closes with 1001 a connection that arrives after shutdown began, and shutdown still finishes', async () => {
    letLoadsProceed();
    const early = await open();
    const earlyClosed = closed(early);
    const shutdown = rooms.shutdown(5000);
    // An upgrade that was admitted before shutdown began completes only now.
    const late = await open();
    expect((await closed(late)).code).toBe(1001);
    expect((await earlyClosed).code).toBe(1001);
    await shutdown;
    expect(rooms.connectionCount).toBe(0);
  });
});

describe('per-address connection limit', () => {
  let dataDir: string;
  let store: DocumentStore;
  let wss: WebSocketServer;
  let rooms: RoomRegistry;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-rooms-'));
    store = openSqliteStore({ dataDir });
    rooms = new RoomRegistry(registryDeps(store, { maxConnectionsPerIp: 1 }));
    // Each test connection arrives from the address it names, as the WebSocket route passes on the
    // socket's remote address (only ::1 and 127.0.0.0/8 can really connect here).
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    wss.on('connection', (ws, req) => rooms.connect(ws, 'doc', { socket: req.socket, ip: String(req.headers['x-address']) }));
    await new Promise((resolve) => wss.once('listening', resolve));
  });

  afterEach(async () => {
    await rooms.shutdown(1000);
    await new Promise((resolve) => wss.close(resolve));
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const openFrom = (address: string): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { headers: { 'x-address': address } });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  const admits = (address: string) => {
    try {
      rooms.admit('doc', LOCAL_PRINCIPAL, address);
      return true;
    } catch {
      return false;
    }
  };

  it('counts an IPv6 client by its /64, so rotating through it gains nothing', async () => {
    const ws = await openFrom('2001:db8:1:2::a');
    await expect.poll(() => rooms.connectionCount).toBe(1);
    expect(admits('2001:db8:1:2::a')).toBe(false);
    expect(admits('2001:db8:1:2:ffff:1:2:3')).toBe(false);
    expect(admits('2001:db8:1:3::a')).toBe(true);
    ws.close();
    await closed(ws);
    await expect.poll(() => admits('2001:db8:1:2:ffff:1:2:3')).toBe(true);
  });

  it('counts an IPv4-mapped client as its IPv4 address', async () => {
    const ws = await openFrom('::ffff:192.0.2.7');
    await expect.poll(() => rooms.connectionCount).toBe(1);
    expect(admits('192.0.2.7')).toBe(false);
    expect(admits('::ffff:192.0.2.7')).toBe(false);
    expect(admits('192.0.2.8')).toBe(true);
    expect(admits('::ffff:192.0.2.8')).toBe(true);
    ws.close();
  });
});
