import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { mintToken } from '../auth/token.js';
import { closeCodes, closed, connectClient, openRawSocket, updateFrame } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const textUpdate = (text: string) => {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
};
const limitsHit = async (server: TestServer, kind: string) => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(new RegExp(`tandem_limits_hit_total\\{kind="${kind}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
};
const lastSeq = async (server: TestServer, doc: string) => (await server.store.getDocument(doc))?.lastSeq ?? 0;
const SECRET = 'limits-secret-0123456789-0123456789';
const refusedWith = (url: string, path: string) => openRawSocket(url, path).then(() => 101, (e: Error) => e.message);

describe('limits', () => {
  let server: TestServer;
  afterEach(async () => {
    await server.destroy();
  });

  it('keeps no room in memory for a name opened and left without writing, so one address cannot pile them up past its connection limit', async () => {
    server = await startTestServer({ MAX_CONNECTIONS_PER_IP: '2', DOC_UNLOAD_DELAY_MS: '60000' });
    for (let i = 0; i < 200; i++) {
      const ws = await openRawSocket(server.url, `churn-${i}`);
      const done = closed(ws);
      ws.close();
      await done;
    }
    await expect.poll(() => server.rooms.openRooms).toBe(0);
    expect(await server.store.listDocuments()).toEqual([]);
    // A document that exists stays loaded for DOC_UNLOAD_DELAY_MS after its last client, as before.
    const writer = connectClient(server.url, 'kept');
    await writer.synced();
    writer.text.insert(0, 'x');
    await expect.poll(async () => (await server.store.getDocument('kept'))?.lastSeq).toBe(1);
    writer.destroy();
    await new Promise((r) => setTimeout(r, 300));
    expect(server.rooms.openRooms).toBe(1);
  });

  it('closes with 4413 a message over MAX_MESSAGE_BYTES, applying nothing of it', async () => {
    server = await startTestServer({ MAX_MESSAGE_BYTES: '4096' });
    const ws = await openRawSocket(server.url, 'big');
    const closing = closed(ws);
    ws.send(updateFrame(textUpdate('x'.repeat(5000))));
    expect((await closing).code).toBe(4413);
    expect(await server.store.getDocument('big')).toBeUndefined();
    expect(await limitsHit(server, 'too-large')).toBe(1);
    expect(server.logs.some((l) => l.event === 'connection-failed' && l.code === 'too-large')).toBe(true);
  });

  it('closes with 4413 an update that would grow the document past MAX_DOC_BYTES', async () => {
    server = await startTestServer({ MAX_DOC_BYTES: '2048' });
    const ws = await openRawSocket(server.url, 'growing');
    const closing = closed(ws);
    for (let i = 0; i < 4; i++) ws.send(updateFrame(textUpdate(`${i}`.repeat(700))));
    expect((await closing).code).toBe(4413);
    const info = await server.store.getDocument('growing');
    expect(info!.sizeBytes).toBeLessThanOrEqual(2048);
    expect(info!.updateCount).toBe(2);
  });

  it('closes with 4413 a deletion that would split the document past MAX_DOC_BYTES (deleting every other character grows it ~6× the update)', async () => {
    const cap = 1_000_000;
    server = await startTestServer({ MAX_DOC_BYTES: String(cap) });
    const ws = await openRawSocket(server.url, 'split');
    const closing = closed(ws);
    const local = new Y.Doc();
    const updates: Uint8Array[] = [];
    local.on('update', (u: Uint8Array) => updates.push(u));
    local.getText('t').insert(0, 'x'.repeat(200_000)); // a fifth of the cap
    // Every other character deleted: 100 000 one-clock ranges, about 390 KB (built directly: Yjs takes
    // a minute to make it one character at a time).
    const e = encoding.createEncoder();
    for (const n of [0, 1, local.clientID, 100_000]) encoding.writeVarUint(e, n);
    for (let clock = 1; clock < 200_000; clock += 2) {
      encoding.writeVarUint(e, clock);
      encoding.writeVarUint(e, 1);
    }
    updates.push(encoding.toUint8Array(e));
    for (const u of updates) ws.send(updateFrame(u));
    expect((await closing).code).toBe(4413);
    expect(await lastSeq(server, 'split')).toBe(1);
    const reader = connectClient(server.url, 'split');
    await reader.synced();
    // (The stored insert may still be on its way into the room's document: then it comes just after.)
    await expect.poll(() => reader.text.length).toBe(200_000);
    expect(Y.encodeStateAsUpdate(reader.doc).byteLength).toBeLessThanOrEqual(cap);
    reader.destroy();
  });

  it('stores a small offline edit to a document well under MAX_DOC_BYTES after a reconnect, whose sync step 2 carries every range the document ever deleted', async () => {
    // A document whose history left many separate deleted ranges (typing, then deleting here and there).
    const source = new Y.Doc();
    const text = source.getText('t');
    text.insert(0, 'abcdefghij'.repeat(300)); // 3000 characters
    for (let i = 2999; i >= 0; i -= 2) text.delete(i, 1); // 1500 separate deleted ranges
    const state = Y.encodeStateAsUpdate(source);
    const ranges = [...Y.decodeUpdate(state).ds.clients.values()].reduce((n, r) => n + r.length, 0);
    expect(ranges).toBe(1500);
    // The cap: the document's true size plus a generous 20 KB of room.
    const cap = state.byteLength + 20_000;
    server = await startTestServer({ MAX_DOC_BYTES: String(cap) });
    const put = await fetch(`${server.url}/api/docs/fragmented/updates`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: state });
    expect(put.status).toBe(201);

    const client = connectClient(server.url, 'fragmented', { params: { acks: '1' } });
    const codes = closeCodes(client);
    await client.synced();
    expect(client.text.toString()).toBe(text.toString());
    // Offline for a moment: one character typed. On reconnect the provider answers the server's sync
    // step 1 with what the server lacks (one character) plus its delete set (as Yjs always sends it).
    client.provider.disconnect();
    client.text.insert(0, 'X');
    client.provider.connect();
    await expect.poll(async () => (await server.store.getDocument('fragmented'))?.lastSeq).toBe(2);
    expect(codes).not.toContain(4413);
    client.destroy();
  });

  it('keeps accepting edits once the log is past MAX_DOC_BYTES while the document itself stays small', async () => {
    server = await startTestServer({ MAX_DOC_BYTES: '4096' });
    const client = connectClient(server.url, 'typed-and-deleted');
    const closes: number[] = [];
    client.provider.on('connection-close', (event: CloseEvent | null) => closes.push(event?.code ?? -1));
    await client.synced();
    // A typist's pace: a few edits, stored, then the next few (a burst all in flight at once counts
    // every update at full size until it is applied).
    const rounds = 150;
    const lastSeq = async () => (await server.store.getDocument('typed-and-deleted'))?.lastSeq;
    for (let i = 0; i < rounds; i++) {
      client.text.insert(0, `sentence number ${i}. `);
      client.text.delete(0, client.text.length);
      if (i % 10 === 9) await expect.poll(lastSeq).toBe(2 * (i + 1));
    }
    const info = await server.store.getDocument('typed-and-deleted');
    expect(info!.sizeBytes).toBeGreaterThan(1.5 * 4096); // the log is well past the cap...
    expect(closes).toEqual([]); // ...and no edit was refused
    // The document is still open for edits.
    client.text.insert(0, 'still editable');
    await expect.poll(lastSeq).toBe(2 * rounds + 1);
    expect(closes).toEqual([]);
    client.destroy();
  });

  it('closes with 4413, storing nothing of it, an update that would make the document itself larger than MAX_DOC_BYTES', async () => {
    server = await startTestServer({ MAX_DOC_BYTES: '4096' });
    const ws = await openRawSocket(server.url, 'filling');
    const local = new Y.Doc();
    let last: Uint8Array | undefined;
    local.on('update', (u: Uint8Array) => (last = u));
    const edit = (change: () => void) => {
      change();
      ws.send(updateFrame(last!));
    };
    // Type and delete well past the cap in log bytes: the content stays tiny, so all of it is stored.
    for (let i = 0; i < 100; i++) {
      edit(() => local.getText('t').insert(0, `line ${i} `));
      edit(() => local.getText('t').delete(0, local.getText('t').length));
    }
    await expect.poll(async () => (await server.store.getDocument('filling'))?.lastSeq).toBe(200);
    // Stored is not yet applied: until the room has applied them, the cap counts the edits in flight
    // at their full size. A client that receives all of them shows they are.
    const watcher = connectClient(server.url, 'filling');
    await expect.poll(() => Y.encodeStateVector(watcher.doc).join()).toBe(Y.encodeStateVector(local).join());
    watcher.destroy();
    edit(() => local.getText('t').insert(0, 'a'.repeat(2500))); // fits
    await expect.poll(async () => (await server.store.getDocument('filling'))?.lastSeq).toBe(201);
    const closing = closed(ws);
    edit(() => local.getText('t').insert(0, 'b'.repeat(2500))); // 5000+ bytes of content: refused
    expect((await closing).code).toBe(4413);
    expect((await server.store.getDocument('filling'))!.lastSeq).toBe(201);
    const stored = await server.store.readUpdates('filling', { afterSeq: 200 });
    expect(stored).toHaveLength(1);
    const check = connectClient(server.url, 'filling');
    await check.synced();
    // Stored is not yet applied (above): the last edit may reach it just after its sync step 2.
    await expect.poll(() => check.text.toString()).toBe('a'.repeat(2500));
    check.destroy();
  });

  it('closes with 4529 a connection that sends more messages per second than allowed', async () => {
    server = await startTestServer({ RATE_LIMIT_MESSAGES: '20' });
    const ws = await openRawSocket(server.url, 'chatty');
    const closing = closed(ws);
    for (let i = 0; i < 100; i++) ws.send(new Uint8Array([3]));
    expect((await closing).code).toBe(4529);
    expect(await limitsHit(server, 'rate-limited')).toBe(1);
    // A well-behaved client on the same document is unaffected.
    const calm = connectClient(server.url, 'chatty');
    await calm.synced();
    calm.destroy();
  });

  it('closes with 4529 (store-rate) the address that stores more than its burst, across its documents and connections', async () => {
    // 1 byte a second: nothing refills during the test.
    server = await startTestServer({ STORE_RATE_BYTES_PER_HOUR: '3600', STORE_BURST_BYTES: '4096' });
    const a = await openRawSocket(server.url, 'doc-a');
    a.send(updateFrame(textUpdate('a'.repeat(3000))));
    await expect.poll(() => lastSeq(server, 'doc-a')).toBe(1);
    // Another connection, another document, same address: the same bucket.
    const b = await openRawSocket(server.url, 'doc-b');
    const bClosed = closed(b);
    b.send(updateFrame(textUpdate('b'.repeat(2000))));
    expect((await bClosed).code).toBe(4529);
    expect(await server.store.getDocument('doc-b')).toBeUndefined();
    expect(await limitsHit(server, 'store-rate')).toBe(1);
    // What fits in what is left is still stored.
    a.send(updateFrame(textUpdate('c'.repeat(500))));
    await expect.poll(() => lastSeq(server, 'doc-a')).toBe(2);
    a.close();
  });

  it('charges each stored update what the log keeps beside its bytes, so a flood of one-character edits fills no more of the disk than the budget', async () => {
    // 1 byte a second: nothing refills during the test. Each one-character edit is ~20 bytes, while its
    // row (seq, time, author, time index) takes ~90 bytes more on disk (107 a row measured in SQLite).
    const burst = 20_000;
    server = await startTestServer({ STORE_RATE_BYTES_PER_HOUR: '3600', STORE_BURST_BYTES: String(burst), RATE_LIMIT_MESSAGES: '100000' });
    const ws = await openRawSocket(server.url, 'tiny-edits');
    const closing = closed(ws);
    const local = new Y.Doc();
    local.on('update', (update: Uint8Array) => ws.send(updateFrame(update)));
    for (let i = 0; i < 2000 && ws.readyState === ws.OPEN; i++) local.getText('t').insert(i, 'a');
    expect((await closing).code).toBe(4529);
    await server.rooms.loaded('tiny-edits')?.settled();
    const rows = await server.store.readUpdates('tiny-edits');
    // What the rows hold, plus the least a row and its index entry cost (SQLite, 46 bytes; PostgreSQL more).
    const footprint = rows.reduce((sum, r) => sum + r.update.byteLength + Buffer.byteLength(r.author) + 46, 0);
    expect(rows.length).toBeGreaterThan(0);
    expect(footprint).toBeLessThanOrEqual(burst);
  });

  it('gives each authenticated user a stored-bytes bucket of their own', async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET, STORE_RATE_BYTES_PER_HOUR: '3600', STORE_BURST_BYTES: '4096' });
    const token = (userId: string) => mintToken(SECRET, { userId, docs: ['*'], role: 'editor', ttl: '1h' });
    const alice = await openRawSocket(server.url, `shared?token=${await token('alice')}`);
    const aliceClosed = closed(alice);
    alice.send(updateFrame(textUpdate('a'.repeat(3000))));
    alice.send(updateFrame(textUpdate('b'.repeat(3000))));
    expect((await aliceClosed).code).toBe(4529);
    expect(await lastSeq(server, 'shared')).toBe(1);
    // Same address, another user: unaffected.
    const bob = await openRawSocket(server.url, `shared?token=${await token('bob')}`);
    bob.send(updateFrame(textUpdate('c'.repeat(3000))));
    await expect.poll(() => lastSeq(server, 'shared')).toBe(2);
    bob.close();
  });

  it('refuses upgrades past MAX_CONNECTIONS_PER_DOC and MAX_CONNECTIONS_PER_IP with 429', async () => {
    server = await startTestServer({ MAX_CONNECTIONS_PER_DOC: '2', MAX_CONNECTIONS_PER_IP: '3' });
    const a = await openRawSocket(server.url, 'crowded');
    const b = await openRawSocket(server.url, 'crowded');
    expect(await refusedWith(server.url, 'crowded')).toBe('HTTP 429');
    const c = await openRawSocket(server.url, 'elsewhere');
    expect(await refusedWith(server.url, 'third-doc')).toBe('HTTP 429');
    const closing = closed(a);
    a.close();
    await closing;
    await expect.poll(() => refusedWith(server.url, 'crowded')).toBe(101);
    expect(await limitsHit(server, 'connections-per-doc')).toBeGreaterThanOrEqual(1);
    expect(await limitsHit(server, 'connections-per-ip')).toBeGreaterThanOrEqual(1);
    b.close();
    c.close();
  });

  it('on a dual-stack socket counts each IPv4 client by its own address, not all of them as one IPv6 /64', async () => {
    server = await startTestServer({ HOST: '::', MAX_CONNECTIONS_PER_IP: '1' });
    // IPv4 clients reach a server bound to :: as ::ffff:127.0.0.x; each 127.0.0.0/8 address is its own.
    const from = (localAddress: string) =>
      new Promise<WebSocket | string>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws/d`, { localAddress });
        ws.once('open', () => resolve(ws));
        ws.once('unexpected-response', (_req, res) => resolve(`HTTP ${res.statusCode}`));
      });
    const a = await from('127.0.0.2');
    const b = await from('127.0.0.3');
    expect(a).toBeInstanceOf(WebSocket);
    expect(b).toBeInstanceOf(WebSocket);
    expect(await from('127.0.0.2')).toBe('HTTP 429');
    for (const ws of [a, b]) if (ws instanceof WebSocket) ws.close();
  });

  it('counts authenticated connections per user (MAX_CONNECTIONS_PER_USER) instead of per address', async () => {
    const secret = 'test-secret-that-is-long-enough-0123456789';
    server = await startTestServer({ AUTH_SECRET: secret, MAX_CONNECTIONS_PER_USER: '2', MAX_CONNECTIONS_PER_IP: '1' });
    const as = async (userId: string) => `d?token=${await mintToken(secret, { userId, docs: ['*'], role: 'editor' })}`;
    // Everyone here shares one address, as behind a reverse proxy or a NAT.
    const alice = [await openRawSocket(server.url, await as('alice')), await openRawSocket(server.url, await as('alice'))];
    expect(await refusedWith(server.url, await as('alice'))).toBe('HTTP 429');
    const bob = await openRawSocket(server.url, await as('bob'));
    expect(await limitsHit(server, 'connections-per-user')).toBe(1);
    expect(await limitsHit(server, 'connections-per-ip')).toBe(0);
    const closing = closed(alice[0]!);
    alice[0]!.close();
    await closing;
    await expect.poll(async () => refusedWith(server.url, await as('alice'))).toBe(101);
    for (const ws of [...alice, bob]) ws.close();
  });

  it('defaults to 1000 connections per address without a token and 100 per user with one', async () => {
    server = await startTestServer();
    expect(server.config).toMatchObject({ maxConnectionsPerIp: 1000, maxConnectionsPerUser: 100 });
  });

  it('keeps a client reading a document larger than MAX_BUFFERED_BYTES: its sync step 2 alone is no sign of a slow consumer', async () => {
    // A document under MAX_DOC_BYTES whose whole state is more than MAX_BUFFERED_BYTES (as 20 MB is by
    // default: 64 MiB and 16 MiB): the answer to a new client's sync step 1 sits in its send buffer
    // while the network carries it, and the next message to it (here the ack of its own empty sync
    // step 2, which the editor sends at once) must not find it "stopped reading".
    server = await startTestServer({ MAX_BUFFERED_BYTES: String(1024 * 1024), MAX_MESSAGE_BYTES: String(64 << 20) });
    const content = new Y.Doc();
    content.getText('t').insert(0, 'x'.repeat(12 << 20));
    const put = await fetch(`${server.url}/api/docs/large`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: Y.encodeStateAsUpdate(content) });
    expect(put.status).toBe(201);
    const ws = await openRawSocket(server.url, 'large?acks=1');
    const socket = (ws as WebSocket & { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause(); // a link slower than loopback: what the server writes waits in its buffer a while
    const acks: number[] = [];
    const synced = new Y.Doc();
    ws.on('message', (data: Buffer) => {
      const d = decoding.createDecoder(new Uint8Array(data));
      const type = decoding.readVarUint(d);
      if (type === 100) acks.push(decoding.readVarUint(d));
      if (type === 0 && decoding.readVarUint(d) === 1) Y.applyUpdate(synced, decoding.readVarUint8Array(d));
    });
    const closing = closed(ws);
    ws.send(Uint8Array.of(0, 0, 1, 0)); // y-websocket's sync step 1 (it knows nothing)...
    ws.send(updateFrame(Uint8Array.of(0, 0), 1)); // ...and its sync step 2 (nothing to give)
    await new Promise((r) => setTimeout(r, 500));
    socket.resume();
    await expect.poll(() => synced.getText('t').length, { timeout: 10_000 }).toBe(12 << 20);
    await expect.poll(() => acks.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await limitsHit(server, 'slow-consumer')).toBe(0);
    expect(await Promise.race([closing, new Promise((r) => setTimeout(() => r('open'), 200))])).toBe('open');
    ws.close();
  });

  it('drops a client that stops reading once its send buffer passes MAX_BUFFERED_BYTES', async () => {
    server = await startTestServer({
      MAX_BUFFERED_BYTES: String(256 * 1024),
      RATE_LIMIT_BYTES: String(1024 * 1024 * 1024),
      MAX_DOC_BYTES: String(1024 * 1024 * 1024),
    });
    const stalled = await openRawSocket(server.url, 'firehose');
    (stalled as WebSocket & { _socket: { pause(): void } })._socket.pause(); // stops reading, like a frozen client
    const stalledClosed = closed(stalled);
    const writer = await openRawSocket(server.url, 'firehose');
    const big = 'y'.repeat(512 * 1024);
    let sent = 0;
    while ((await limitsHit(server, 'slow-consumer')) === 0 && sent < 200) {
      const doc = new Y.Doc();
      doc.getText('t').insert(0, big);
      writer.send(updateFrame(Y.encodeStateAsUpdate(doc)));
      sent += 1;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await limitsHit(server, 'slow-consumer')).toBe(1);
    (stalled as WebSocket & { _socket: { resume(): void } })._socket.resume();
    expect((await stalledClosed).code).toBe(1006); // terminated: no close frame could get through
    // The writer was never affected and everything it sent is stored.
    await expect.poll(async () => (await server.store.getDocument('firehose'))?.updateCount).toBe(sent);
    writer.close();
  });
});
