// A Yjs client id is one person's: what a signed-in connection writes under a client id someone else
// wrote under first (or holds in presence now) is not stored. Without this, a collaborator could write
// under another's client id at that person's next clock; the person's own next edit then arrived
// "already held", was acknowledged as stored, and changed nothing: silently lost, and everyone else
// saw the impostor's text in its place.

import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import * as Y from 'yjs';
import { compactDocument } from '@tandem/persistence';
import { mintToken } from '../auth/token.js';
import { awarenessFrame, closed, openRawSocket, updateFrame } from '../testing/clients.js';
import { metricTotal, startTestServer, type TestServer } from '../testing/in-process.js';

const SECRET = 'test-secret-that-is-long-enough-0123456789';
const DOC = 'team/owned';

/** A signed-in person's socket with stored-acks: what it was told about each update it sent. */
interface Person {
  readonly ws: WebSocket;
  readonly doc: Y.Doc;
  /** Acknowledged update messages, and the refusals' reasons, in the order they came. */
  readonly answers: Array<'stored' | string>;
  /** Sends `update` and resolves with the answer to it. */
  send(update: Uint8Array): Promise<'stored' | string>;
  /** Sends an awareness state for `id` (a stock client's announcement of itself). */
  announce(id: number, clock?: number, state?: unknown): void;
}

async function person(server: TestServer, userId: string, clientID: number): Promise<Person> {
  const token = await mintToken(SECRET, { userId, docs: ['team/*'], role: 'editor', ttl: '1h' });
  const ws = await openRawSocket(server.url, `${encodeURIComponent(DOC)}?acks=1&token=${token}`);
  const doc = new Y.Doc();
  doc.clientID = clientID;
  const answers: Array<'stored' | string> = [];
  const waiting: Array<(answer: 'stored' | string) => void> = [];
  const answer = (a: 'stored' | string) => {
    answers.push(a);
    waiting.shift()?.(a);
  };
  ws.on('message', (data: Buffer) => {
    const d = decoding.createDecoder(new Uint8Array(data));
    const type = decoding.readVarUint(d);
    if (type === 100) for (let n = decoding.readVarUint(d); n > 0; n--) answer('stored');
    if (type === 103) answer(decoding.readVarString(d));
    if (type === 0 && decoding.readVarUint(d) !== 0) Y.applyUpdate(doc, decoding.readVarUint8Array(d), 'server');
  });
  return {
    ws,
    doc,
    answers,
    send: (update) =>
      new Promise((resolve) => {
        waiting.push(resolve);
        ws.send(updateFrame(update));
      }),
    announce: (id, clock = 1, state = { user: { name: userId } }) => ws.send(awarenessFrame(id, clock, state)),
  };
}

/** What `doc` would send for typing `text` at the end of its text. */
function typed(doc: Y.Doc, text: string): Uint8Array {
  const before = Y.encodeStateVector(doc);
  doc.getText('t').insert(doc.getText('t').length, text);
  return Y.encodeStateAsUpdate(doc, before);
}

/** An impostor's update: the victim's document as the server holds it, written to under the victim's client id. */
function forged(stored: Uint8Array, victim: number, text: string): Uint8Array {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, stored);
  doc.clientID = victim;
  return typed(doc, text);
}

/** The document's text as the server holds it. */
function serverText(server: TestServer): string {
  const room = server.rooms.loaded(DOC);
  if (room === undefined) throw new Error('the document is not loaded');
  return room.doc.getText('t').toString();
}

const ALICE = 1001;
const BOB = 2002;

describe('client ids belong to whoever wrote under them first (signed in)', () => {
  let server: TestServer;
  const sockets: WebSocket[] = [];
  const join = async (userId: string, clientID: number) => {
    const p = await person(server, userId, clientID);
    sockets.push(p.ws);
    return p;
  };
  const dropped = () => metricTotal(server, 'foreign_writes_dropped_total');
  /**
   * A server checkpointing every 2 updates; Alice writes "hello there" (both before its checkpoint), types
   * " world" offline (`held`) and leaves; the document is unloaded, so its load will find no tail.
   */
  const aliceAwayAfterACheckpoint = async () => {
    await server.destroy();
    server = await startTestServer({ AUTH_SECRET: SECRET, DOC_UNLOAD_DELAY_MS: '0', CHECKPOINT_EVERY: '2' });
    const alice = await join('alice', ALICE);
    expect(await alice.send(typed(alice.doc, 'hello'))).toBe('stored');
    expect(await alice.send(typed(alice.doc, ' there'))).toBe('stored');
    await expect.poll(async () => (await server.store.latestCheckpoint(DOC))?.seq ?? 0).toBe(2);
    const held = typed(alice.doc, ' world');
    alice.ws.close();
    await expect.poll(() => server.rooms.loaded(DOC)).toBeUndefined();
    return { alice, held };
  };

  beforeEach(async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET, DOC_UNLOAD_DELAY_MS: '0' });
  });
  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.close();
    await server.destroy();
  });

  it("keeps a person's next edit when someone wrote under their client id at that clock first", async () => {
    const alice = await join('alice', ALICE);
    const bob = await join('bob', BOB);
    expect(await alice.send(typed(alice.doc, 'hello'))).toBe('stored');
    const impostor = forged(Y.encodeStateAsUpdate(server.rooms.loaded(DOC)!.doc), ALICE, ' EVIL');
    // Not Bob's to write: nothing of it is stored (he is told it is: it asked to store nothing of his).
    expect(await bob.send(impostor)).toBe('stored');
    expect(serverText(server)).toBe('hello');
    // Alice had not seen it: her next keystroke is at the same clock, and is stored.
    expect(await alice.send(typed(alice.doc, ' world'))).toBe('stored');
    expect(serverText(server)).toBe('hello world');
    expect(await dropped()).toBe(1);
    const log = await server.store.readUpdates(DOC, { afterSeq: 0 });
    expect(log.map((u) => u.author)).toEqual(['alice', 'alice']);
  });

  it('keeps an id its holder announced in presence before writing anything under it', async () => {
    const alice = await join('alice', ALICE);
    const bob = await join('bob', BOB);
    alice.announce(ALICE);
    await expect.poll(() => server.rooms.loaded(DOC)?.awareness.getStates().has(ALICE)).toBe(true);
    expect(await bob.send(forged(new Uint8Array([0, 0]), ALICE, 'EVIL'))).toBe('stored');
    expect(await alice.send(typed(alice.doc, 'mine'))).toBe('stored');
    expect(serverText(server)).toBe('mine');
  });

  it("stores the writer's own part of an update that also carries another's client id", async () => {
    const alice = await join('alice', ALICE);
    const bob = await join('bob', BOB);
    expect(await alice.send(typed(alice.doc, 'A'))).toBe('stored');
    Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(alice.doc));
    const own = typed(bob.doc, 'B');
    const both = Y.mergeUpdates([own, forged(Y.encodeStateAsUpdate(bob.doc), ALICE, 'X')]);
    expect(await bob.send(both)).toBe('stored');
    expect(serverText(server)).toBe('AB');
    expect(await alice.send(typed(alice.doc, 'a'))).toBe('stored');
    expect(serverText(server)).toMatch(/^A(Ba|aB)$/);
    expect(await dropped()).toBe(1);
  });

  it('refuses, visibly, an update under an id its writer holds in presence that someone else wrote under first', async () => {
    const alice = await join('alice', ALICE);
    expect(await alice.send(typed(alice.doc, 'hello'))).toBe('stored');
    alice.announce(ALICE);
    await expect.poll(() => server.rooms.loaded(DOC)?.awareness.getStates().has(ALICE)).toBe(true);
    alice.announce(ALICE, 2, null); // her state ends: the id is free in presence
    await expect.poll(() => server.rooms.loaded(DOC)?.awareness.getStates().has(ALICE)).toBe(false);
    const bob = await join('bob', BOB);
    bob.announce(ALICE, 5);
    await expect.poll(() => server.rooms.loaded(DOC)?.awareness.getStates().has(ALICE)).toBe(true);
    const answer = await bob.send(forged(Y.encodeStateAsUpdate(alice.doc), ALICE, ' EVIL'));
    expect(answer).toMatch(/client id/);
    expect(await alice.send(typed(alice.doc, ' world'))).toBe('stored');
    expect(serverText(server)).toBe('hello world');
  });

  it('knows who wrote under an id from the log after the document was unloaded and loaded again', async () => {
    const alice = await join('alice', ALICE);
    expect(await alice.send(typed(alice.doc, 'hello'))).toBe('stored');
    const held = typed(alice.doc, ' world'); // typed offline: not sent yet
    alice.ws.close();
    await expect.poll(() => server.rooms.loaded(DOC)).toBeUndefined();
    const bob = await join('bob', BOB);
    await expect.poll(() => server.rooms.loaded(DOC)).toBeDefined();
    const stored = Y.encodeStateAsUpdate(server.rooms.loaded(DOC)!.doc);
    expect(await bob.send(forged(stored, ALICE, ' EVIL'))).toBe('stored');
    const back = await join('alice', ALICE);
    expect(await back.send(held)).toBe('stored');
    expect(serverText(server)).toBe('hello world');
  });

  it("refuses a program's update (HTTP API) under another person's client id: 403, nothing stored", async () => {
    const alice = await join('alice', ALICE);
    expect(await alice.send(typed(alice.doc, 'hello'))).toBe('stored');
    const token = await mintToken(SECRET, { userId: 'bob', docs: ['team/*'], role: 'editor', ttl: '1h' });
    const post = (body: Uint8Array) =>
      fetch(`${server.url}/api/docs/${encodeURIComponent(DOC)}/updates`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body,
      });
    const res = await post(forged(Y.encodeStateAsUpdate(server.rooms.loaded(DOC)!.doc), ALICE, ' EVIL'));
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/client id/);
    expect(serverText(server)).toBe('hello');
    // Under an id of its own, the program's writing is stored.
    const own = new Y.Doc();
    Y.applyUpdate(own, Y.encodeStateAsUpdate(server.rooms.loaded(DOC)!.doc));
    expect((await post(typed(own, '!'))).status).toBe(201);
    expect(serverText(server)).toBe('hello!');
  });

  it("refuses an update deleting what another person has not written yet (their next keystrokes, in advance)", async () => {
    const alice = await join('alice', ALICE);
    const bob = await join('bob', BOB);
    expect(await alice.send(typed(alice.doc, 'hello'))).toBe('stored');
    // No structs; a delete set over Alice's clocks 5..1004, which she has not written yet.
    const e = encoding.createEncoder();
    for (const n of [0, 1, ALICE, 1, 5, 1000]) encoding.writeVarUint(e, n);
    expect(await bob.send(encoding.toUint8Array(e))).toMatch(/not written yet/);
    expect(await alice.send(typed(alice.doc, ' world'))).toBe('stored');
    expect(serverText(server)).toBe('hello world');
    // Deleting what she has written is anyone's to do.
    const seen = new Y.Doc();
    Y.applyUpdate(seen, Y.encodeStateAsUpdate(server.rooms.loaded(DOC)!.doc));
    const before = Y.encodeStateVector(seen);
    seen.getText('t').delete(0, 6);
    expect(await bob.send(Y.encodeStateAsUpdate(seen, before))).toBe('stored');
    expect(serverText(server)).toBe('world');
  });

  it("refuses, rather than acknowledge, an update whose own part builds on another's part it cannot store", async () => {
    const alice = await join('alice', ALICE);
    expect(await alice.send(typed(alice.doc, 'hello'))).toBe('stored');
    typed(alice.doc, ' A'); // Alice's, kept in this browser, never sent
    // Bob signs in on the same browser: his page holds Alice's unsent text, and he types after it.
    const bob = await join('bob', BOB);
    Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(alice.doc));
    typed(bob.doc, 'B');
    expect(await bob.send(Y.encodeStateAsUpdate(bob.doc))).toMatch(/builds on another person's writing/);
    const room = server.rooms.loaded(DOC)!;
    expect(room.doc.getText('t').toString()).toBe('hello');
    expect(room.doc.store.pendingStructs).toBeNull();
  });

  it('knows who wrote under an id only before the latest checkpoint, once the document is loaded again', async () => {
    const { alice, held } = await aliceAwayAfterACheckpoint();
    // Loaded again: the tail after the checkpoint is empty, so nothing there says whose ALICE is.
    const bob = await join('bob', BOB);
    await expect.poll(() => server.rooms.loaded(DOC)).toBeDefined();
    expect(await bob.send(forged(Y.encodeStateAsUpdate(server.rooms.loaded(DOC)!.doc), ALICE, ' EVIL'))).toBe('stored');
    expect(serverText(server)).toBe('hello there');
    const back = await join('alice', ALICE);
    expect(await back.send(held)).toBe('stored');
    expect(serverText(server)).toBe('hello there world');
    // Her own id stays hers: her next edit, from this connection, is stored too.
    expect(await back.send(typed(alice.doc, '!'))).toBe('stored');
    expect(serverText(server)).toBe('hello there world!');
  });

  it('knows whose an old id is from the authorship table of an update compaction merged from several people', async () => {
    await server.destroy();
    server = await startTestServer({ AUTH_SECRET: SECRET, DOC_UNLOAD_DELAY_MS: '0', CHECKPOINT_EVERY: '4' });
    const alice = await join('alice', ALICE);
    const bob = await join('bob', BOB);
    const sync = () => {
      Y.applyUpdate(alice.doc, Y.encodeStateAsUpdate(server.rooms.loaded(DOC)!.doc));
      Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(server.rooms.loaded(DOC)!.doc));
    };
    expect(await alice.send(typed(alice.doc, 'hello'))).toBe('stored');
    sync();
    expect(await bob.send(typed(bob.doc, ' hi'))).toBe('stored');
    sync();
    expect(await alice.send(typed(alice.doc, ' there'))).toBe('stored');
    sync();
    expect(await bob.send(typed(bob.doc, ' yo'))).toBe('stored');
    sync();
    await expect.poll(async () => (await server.store.latestCheckpoint(DOC))?.seq ?? 0).toBe(4);
    const held = typed(alice.doc, ' world');
    alice.ws.close();
    bob.ws.close();
    await expect.poll(() => server.rooms.loaded(DOC)).toBeUndefined();
    const report = await compactDocument(server.store, DOC, { keepAllForMs: 0, bucketMs: 365 * 24 * 3_600_000 }, { now: Date.now() + 1000 });
    expect(report.rangesMerged).toBe(1);
    expect((await server.store.readUpdates(DOC)).map((u) => u.author)).toEqual(['compacted']);
    const back = await join('alice', ALICE);
    expect(await back.send(held)).toBe('stored');
    expect(serverText(server)).toBe('hello hi there yo world');
  });

  it('a look-up the store failed closes the writer with 4503 and stores nothing; the next one is made again', async () => {
    const { alice, held } = await aliceAwayAfterACheckpoint();
    const bob = await join('bob', BOB);
    await expect.poll(() => server.rooms.loaded(DOC)).toBeDefined();
    // The database is away for one read: the one the look-up makes.
    const store = server.store as unknown as { readUpdates: (...a: unknown[]) => Promise<unknown> };
    const real = store.readUpdates;
    let failures = 1;
    store.readUpdates = function (this: unknown, ...a: unknown[]) {
      if (failures-- > 0) return Promise.reject(new Error('database away for a moment'));
      return real.apply(this, a);
    };
    void bob.send(forged(Y.encodeStateAsUpdate(server.rooms.loaded(DOC)!.doc), ALICE, ' EVIL'));
    expect((await closed(bob.ws)).code).toBe(4503);
    expect(serverText(server)).toBe('hello there');
    // Back: the next forgery is looked up again, and not stored.
    const again = await join('bob', BOB);
    expect(await again.send(forged(Y.encodeStateAsUpdate(server.rooms.loaded(DOC)!.doc), ALICE, ' EVIL2'))).toBe('stored');
    expect(serverText(server)).toBe('hello there');
    const back = await join('alice', ALICE);
    expect(await back.send(held)).toBe('stored');
    expect(serverText(server)).toBe('hello there world');
  });

  it("stores a connection's updates in the order sent when the first waits for a look-up", async () => {
    const { alice, held } = await aliceAwayAfterACheckpoint();
    // Her page reloads with a new client id (its store kept the unsent text) and she types after it.
    const back = await join('alice', 3003);
    alice.doc.clientID = 3003;
    const next = typed(alice.doc, '!');
    const answers = Promise.all([back.send(held), back.send(next)]);
    const room = () => server.rooms.loaded(DOC)!;
    await expect.poll(() => room()?.doc.getText('t').toString().length ?? 0).toBeGreaterThan(11);
    // '!' builds on ' world': never stored, applied or sent on before it.
    expect(room().doc.store.pendingStructs).toBeNull();
    expect(await answers).toEqual(['stored', 'stored']);
    const log = await server.store.readUpdates(DOC, { afterSeq: 2 });
    expect(log.map((u) => [...Y.parseUpdateMeta(u.update).from.keys()])).toEqual([[ALICE], [3003]]);
  });

  it("stores a connection's later update after its waiting one when the look-up ends while a commit runs", async () => {
    const { alice, held } = await aliceAwayAfterACheckpoint();
    const bob = await join('bob', BOB);
    const back = await join('alice', 3003);
    await expect.poll(() => server.rooms.loaded(DOC)).toBeDefined();
    await new Promise((r) => setTimeout(r, 50));
    const store = server.store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const realRead = store.readUpdates!;
    const realCommit = store.commit!;
    let releaseRead!: () => void;
    const readGate = new Promise<void>((r) => (releaseRead = r));
    let releaseCommit!: () => void;
    const commitGate = new Promise<void>((r) => (releaseCommit = r));
    store.readUpdates = async function (this: unknown, ...a: unknown[]) {
      await readGate;
      return realRead.apply(this, a);
    };
    let commitStarted = false;
    store.commit = async function (this: unknown, ...a: unknown[]) {
      commitStarted = true;
      await commitGate;
      return realCommit.apply(this, a);
    };
    // 1. Alice's held update waits for the look-up.
    const heldAnswer = back.send(held);
    await new Promise((r) => setTimeout(r, 50));
    // 2. Bob's update is committed, slowly.
    Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(server.rooms.loaded(DOC)!.doc));
    const bobAnswer = bob.send(Y.encodeStateAsUpdate((() => { const d = new Y.Doc(); d.clientID = BOB; d.getMap('m').set('k', 1); return d; })()));
    await expect.poll(() => commitStarted).toBe(true);
    // 3. Alice types after ' world' under her new id: queued behind the running commit.
    alice.doc.clientID = 3003;
    const nextAnswer = back.send(typed(alice.doc, '!'));
    await new Promise((r) => setTimeout(r, 50));
    // 4. The look-up ends, then the commit.
    releaseRead();
    await new Promise((r) => setTimeout(r, 50));
    releaseCommit();
    expect(await Promise.all([heldAnswer, bobAnswer, nextAnswer])).toEqual(['stored', 'stored', 'stored']);
    const log = await server.store.readUpdates(DOC, { afterSeq: 2 });
    expect(log.map((u) => [...Y.parseUpdateMeta(u.update).from.keys()])).toEqual([[BOB], [ALICE], [3003]]);
  });

  it('lets one person write under their own id from a new connection (a reconnect)', async () => {
    const first = await join('alice', ALICE);
    expect(await first.send(typed(first.doc, 'one'))).toBe('stored');
    first.ws.close();
    const second = await join('alice', ALICE);
    Y.applyUpdate(second.doc, Y.encodeStateAsUpdate(first.doc));
    expect(await second.send(typed(second.doc, ' two'))).toBe('stored');
    expect(serverText(server)).toBe('one two');
    expect(await dropped()).toBe(0);
  });
});
