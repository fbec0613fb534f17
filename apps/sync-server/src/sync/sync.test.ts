import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { connectClient, openRawSocket, type TestClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

describe('sync over the stock y-websocket client', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const client = (doc: string) => {
    const c = connectClient(server.url, doc);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    server = await startTestServer();
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server.destroy();
  });

  it('converges two clients editing the same text concurrently, and a late joiner gets the full state', async () => {
    const a = client('shared');
    const b = client('shared');
    await Promise.all([a.synced(), b.synced()]);
    // Interleave edits from both sides without waiting for each other.
    for (let i = 0; i < 50; i++) {
      a.text.insert(0, 'a');
      b.text.insert(b.text.length, 'b');
    }
    await expect.poll(() => a.text.toString() === b.text.toString() && a.text.length === 100).toBe(true);
    expect(a.text.toString().replace(/b/g, '')).toBe('a'.repeat(50));
    expect(a.text.toString().replace(/a/g, '')).toBe('b'.repeat(50));

    const late = client('shared');
    await late.synced();
    await expect.poll(() => late.text.toString()).toBe(a.text.toString());
  });

  it('keeps documents apart: edits in one never reach another', async () => {
    const one = client('team/one');
    const two = client('team/two');
    const oneAgain = client('team/one');
    await Promise.all([one.synced(), two.synced(), oneAgain.synced()]);
    one.text.insert(0, 'first');
    two.text.insert(0, 'second');
    await expect.poll(() => oneAgain.text.toString()).toBe('first');
    expect(two.text.toString()).toBe('second');
    const names = await server.store.listDocuments();
    expect(names.map((d) => d.name)).toEqual(['team/one', 'team/two']);
  });

  it('relays awareness to the other client and removes it when its owner disconnects', async () => {
    const a = client('presence');
    const b = client('presence');
    await Promise.all([a.synced(), b.synced()]);
    a.provider.awareness.setLocalStateField('user', { name: 'Alice', color: '#ff8800' });
    const aId = a.doc.clientID;
    await expect.poll(() => b.provider.awareness.getStates().get(aId)?.user).toEqual({ name: 'Alice', color: '#ff8800' });

    // A client joining later receives the states that are already there.
    const c = client('presence');
    await c.synced();
    await expect.poll(() => c.provider.awareness.getStates().get(aId)?.user?.name).toBe('Alice');

    a.provider.ws?.close(); // an abrupt disconnect, without the client removing its own state first
    a.provider.shouldConnect = false;
    await expect.poll(() => b.provider.awareness.getStates().has(aId)).toBe(false);
    await expect.poll(() => c.provider.awareness.getStates().has(aId)).toBe(false);
  });

  it('stores every update with its sequence number, author and time before it changes the shared doc', async () => {
    const a = client('log');
    const b = client('log');
    await Promise.all([a.synced(), b.synced()]);
    const room = server.rooms.loaded('log')!;
    const notYetStored: number[] = [];
    let checks = 0;
    // The room broadcasts from inside this same event, so whatever it holds here must already be in
    // the log. The SQLite read below runs synchronously at call time.
    room.doc.on('update', () => {
      const roomState = Y.decodeStateVector(Y.encodeStateVector(room.doc));
      const pending = server.store.readUpdates('log');
      checks += 1;
      void pending.then((stored) => {
        const replica = new Y.Doc();
        for (const u of stored) Y.applyUpdate(replica, u.update);
        const logState = Y.decodeStateVector(Y.encodeStateVector(replica));
        for (const [client, clock] of roomState) if ((logState.get(client) ?? 0) < clock) notYetStored.push(clock);
      });
    });
    for (const ch of 'hello') a.text.insert(a.text.length, ch);
    await expect.poll(() => b.text.toString()).toBe('hello');
    // Updates committed together are applied in one transaction: at least one event, at most one per update.
    expect(checks).toBeGreaterThanOrEqual(1);
    expect(checks).toBeLessThanOrEqual(5);
    expect(notYetStored).toEqual([]);

    const stored = await server.store.readUpdates('log');
    expect(stored.map((u) => u.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(stored.length).toBeGreaterThanOrEqual(5);
    expect(stored.every((u) => u.author.startsWith('conn-'))).toBe(true);
    expect(stored.every((u) => Math.abs(u.receivedAt - Date.now()) < 60_000)).toBe(true);
  });

  it('unloads a document after its last client leaves and loads it again on the next connect', async () => {
    const a = client('unload-me');
    await a.synced();
    a.text.insert(0, 'kept');
    await expect.poll(async () => (await server.store.getDocument('unload-me'))?.updateCount).toBe(1);
    expect(server.rooms.openRooms).toBe(1);
    a.destroy();
    await expect.poll(() => server.rooms.openRooms).toBe(0);
    expect(server.logs.some((l) => l.event === 'document-unloaded' && l.doc === 'unload-me')).toBe(true);

    const b = client('unload-me');
    await b.synced();
    expect(b.text.toString()).toBe('kept');
  });

  it('sends the updates of one commit batch to the other clients as one message, from several senders too', async () => {
    const observer = await openRawSocket(server.url, 'burst');
    const messages: Uint8Array[] = [];
    let received = 0;
    observer.on('message', (data: Buffer) => {
      const d = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(d) !== 0 || decoding.readVarUint(d) !== 2) return;
      messages.push(decoding.readVarUint8Array(d));
      received += 1;
    });
    const senders = await Promise.all([openRawSocket(server.url, 'burst'), openRawSocket(server.url, 'burst')]);
    const docs = senders.map(() => new Y.Doc());
    // 2 × 20 keystrokes written in the same turn: they arrive together and are committed together.
    docs.forEach((doc, i) => {
      doc.on('update', (u: Uint8Array) => {
        const e = encoding.createEncoder();
        encoding.writeVarUint(e, 0);
        encoding.writeVarUint(e, 2);
        encoding.writeVarUint8Array(e, u);
        senders[i]!.send(encoding.toUint8Array(e));
      });
    });
    for (let k = 0; k < 20; k++) docs.forEach((doc, i) => doc.getText('t').insert(0, String(i)));
    await expect.poll(async () => (await server.store.getDocument('burst'))?.updateCount).toBe(40);
    const seen = new Y.Doc();
    await expect
      .poll(() => {
        for (const m of messages.splice(0)) Y.applyUpdate(seen, m);
        return [...seen.getText('t').toString()].sort().join('');
      })
      .toBe('0'.repeat(20) + '1'.repeat(20));
    // One message per apply batch, not per update (40 updates arrive in far fewer turns).
    expect(received).toBeLessThan(40);
    expect(server.logs.filter((l) => l.event === 'log-gap')).toEqual([]);
    for (const ws of [observer, ...senders]) ws.close();
  });

  it('sends the awareness changes of one turn as one message carrying every cursor', async () => {
    const observer = await openRawSocket(server.url, 'presence');
    const seen = new awarenessProtocol.Awareness(new Y.Doc());
    let received = 0;
    observer.on('message', (data: Buffer) => {
      const d = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(d) !== 1) return;
      awarenessProtocol.applyAwarenessUpdate(seen, decoding.readVarUint8Array(d), 'server');
      received += 1;
    });
    const senders = await Promise.all(Array.from({ length: 10 }, () => openRawSocket(server.url, 'presence')));
    const states = senders.map(() => new awarenessProtocol.Awareness(new Y.Doc()));
    // Ten cursors move in the same turn.
    senders.forEach((ws, i) => {
      states[i]!.setLocalState({ cursor: i });
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(states[i]!, [states[i]!.clientID]));
      ws.send(encoding.toUint8Array(e));
    });
    const cursors = () =>
      [...seen.getStates().values()].flatMap((s) => (typeof s.cursor === 'number' ? [s.cursor] : [])).sort((x, y) => x - y);
    await expect.poll(cursors).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(received).toBeLessThan(10);
    for (const ws of [observer, ...senders]) ws.close();
  });

  it('delivers broadcasts of every frame length (7-bit, 16-bit and 64-bit payload lengths)', async () => {
    const a = client('sizes');
    const b = client('sizes');
    await Promise.all([a.synced(), b.synced()]);
    const pieces = ['x', 'y'.repeat(200), 'z'.repeat(70_000)];
    for (const piece of pieces) {
      a.text.insert(a.text.length, piece);
      await expect.poll(() => b.text.length).toBe(a.text.length);
    }
    expect(b.text.toString()).toBe(pieces.join(''));
  });

  it('writes checkpoints every N updates and loads from the latest checkpoint plus the tail', async () => {
    await server.destroy();
    server = await startTestServer({ CHECKPOINT_EVERY: '10' });
    const a = client('cp');
    await a.synced();
    // Applied one at a time: checkpoints fall after the first batch that reaches N updates since the last
    // (waiting for the room, not the log: broadcasts are paced after the commit, and a slow machine would
    // merge several into one batch, moving the checkpoints).
    for (let i = 0; i < 25; i++) {
      a.text.insert(a.text.length, String(i % 10));
      await expect.poll(() => server.rooms.loaded('cp')?.lastSeq).toBe(i + 1);
    }
    await expect.poll(async () => (await server.store.latestCheckpoint('cp'))?.seq).toBe(20);
    a.destroy();
    await expect.poll(() => server.rooms.openRooms).toBe(0);

    const b = client('cp');
    await b.synced();
    expect(b.text.toString()).toBe('0123456789012345678901234');
    const loaded = server.logs.filter((l) => l.event === 'document-loaded' && l.doc === 'cp').at(-1);
    expect(loaded).toMatchObject({ checkpointSeq: 20, tailLength: 5, lastSeq: 25 });
  });
});
