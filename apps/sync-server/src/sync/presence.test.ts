import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { mintToken } from '../auth/token.js';
import { closed, connectClient, openRawSocket, type TestClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const SECRET = 'test-secret-that-is-long-enough-0123456789';

interface Entry {
  readonly id: number;
  readonly clock: number;
  /** A state object, null (a removal), or raw JSON text. */
  readonly state: unknown;
}

/** An awareness message as a client sends it: [1, update], the update holding each entry's id, clock and JSON. */
function awarenessFrame(entries: readonly Entry[], trailing: readonly number[] = []): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, entries.length);
  for (const { id, clock, state } of entries) {
    encoding.writeVarUint(update, id);
    encoding.writeVarUint(update, clock);
    encoding.writeVarString(update, typeof state === 'string' ? state : JSON.stringify(state));
  }
  for (const b of trailing) encoding.writeUint8(update, b);
  const message = encoding.createEncoder();
  encoding.writeVarUint(message, 1);
  encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
  return encoding.toUint8Array(message);
}

const user = (name: string) => ({ user: { name, color: '#336699' } });

async function metric(server: TestServer, name: string, label: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const escaped = label.replace(/[{}"]/g, (c) => `\\${c}`);
  return Number(new RegExp(`tandem_${name}${escaped} (\\d+)`).exec(text)?.[1] ?? 0);
}
const limitsHit = (server: TestServer, kind: string) => metric(server, 'limits_hit_total', `{kind="${kind}"}`);

const nameOf = (client: TestClient, id: number): string | undefined =>
  (client.provider.awareness.getStates().get(id) as { user?: { name?: string } } | undefined)?.user?.name;

/** Resolves when `client` sees the state of `id` removed. */
const removedAt = (client: TestClient, id: number): Promise<void> =>
  new Promise((resolve) => {
    const onChange = ({ removed }: { removed: number[] }) => {
      if (!removed.includes(id)) return;
      client.provider.awareness.off('change', onChange);
      resolve();
    };
    client.provider.awareness.on('change', onChange);
  });

describe('presence (awareness): ownership', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const sockets: WebSocket[] = [];
  const client = (doc: string, params?: Record<string, string>) => {
    const c = connectClient(server.url, doc, params === undefined ? {} : { params });
    clients.push(c);
    return c;
  };
  const raw = async (path: string) => {
    const ws = await openRawSocket(server.url, path);
    sockets.push(ws);
    return ws;
  };

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const ws of sockets.splice(0)) ws.close();
    await server.destroy();
  });

  it("drops a viewer's update and removal for an editor's client id, and the viewer leaving removes only its own", async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET });
    const token = (userId: string, role: 'editor' | 'viewer') => mintToken(SECRET, { userId, docs: ['team/*'], role, ttl: '1h' });
    const editor = client('team/plan', { token: await token('alice', 'editor') });
    const watcher = client('team/plan', { token: await token('wendy', 'viewer') });
    await Promise.all([editor.synced(), watcher.synced()]);
    editor.provider.awareness.setLocalStateField('user', user('Alice').user);
    const editorId = editor.doc.clientID;
    await expect.poll(() => nameOf(watcher, editorId)).toBe('Alice');
    const clock = editor.provider.awareness.meta.get(editorId)!.clock;

    const viewer = await raw(`${encodeURIComponent('team/plan')}?token=${await token('mallory', 'viewer')}`);
    // The spoofed entry travels with one for the viewer's own id, which is accepted and marks when the message was handled.
    viewer.send(awarenessFrame([{ id: editorId, clock: clock + 10, state: user('Mallory') }, { id: 777, clock: 1, state: user('Mallory') }]));
    await expect.poll(() => nameOf(watcher, 777)).toBe('Mallory');
    expect(nameOf(watcher, editorId)).toBe('Alice');

    viewer.send(awarenessFrame([{ id: editorId, clock: clock + 20, state: null }, { id: 777, clock: 2, state: user('Mallory 2') }]));
    await expect.poll(() => nameOf(watcher, 777)).toBe('Mallory 2');
    expect(nameOf(watcher, editorId)).toBe('Alice');

    const viewerGone = removedAt(watcher, 777);
    viewer.close();
    await viewerGone;
    expect(nameOf(watcher, editorId)).toBe('Alice');
    // A newcomer sees the editor too: the server still holds its state.
    const late = client('team/plan', { token: await token('lou', 'viewer') });
    await late.synced();
    await expect.poll(() => nameOf(late, editorId)).toBe('Alice');
    // The owner still changes its own state.
    editor.provider.awareness.setLocalStateField('user', user('Alice B').user);
    await expect.poll(() => nameOf(watcher, editorId)).toBe('Alice B');
    // Counted once per dropped entry; the echoes stock clients send back of others' states are not.
    expect(await metric(server, 'awareness_states_dropped_total', '{reason="not-owner"}')).toBe(2);
  });

  it("shows a stock client's presence again after it reconnects with the same client id", async () => {
    server = await startTestServer();
    const a = client('presence');
    const b = client('presence');
    await Promise.all([a.synced(), b.synced()]);
    a.provider.awareness.setLocalStateField('user', user('Alice').user);
    const aId = a.doc.clientID;
    await expect.poll(() => nameOf(b, aId)).toBe('Alice');

    // An abrupt drop: the provider reconnects by itself and announces the same id at the same clock.
    let gone = removedAt(b, aId);
    a.provider.ws!.close();
    await gone;
    await expect.poll(() => nameOf(b, aId), { timeout: 5_000 }).toBe('Alice');

    // A deliberate disconnect (the client removes its own state first), then connect.
    gone = removedAt(b, aId);
    a.provider.disconnect();
    await gone;
    a.provider.connect();
    await expect.poll(() => nameOf(b, aId), { timeout: 5_000 }).toBe('Alice');
    // Its next change is newer than what the others were sent, so it shows too.
    a.provider.awareness.setLocalStateField('user', user('Alice 2').user);
    await expect.poll(() => nameOf(b, aId)).toBe('Alice 2');
  });

  it("takes an echo of a closed connection's state, still in flight from another client, for the echo it is", async () => {
    // Stock clients send back every state they receive. One sent just before its owner's connection closed
    // reaches the server after the removal: it must not make the echoing connection the id's owner (the
    // state would come back for everyone and stay until the echoer left, and the owner's reconnect be refused).
    server = await startTestServer();
    const watcher = client('echo');
    await watcher.synced();
    /** `ws` announces id 600, is seen, and closes: its state is removed for everyone (it owned the id). */
    const showThenLeave = async (ws: WebSocket, name: string) => {
      ws.send(awarenessFrame([{ id: 600, clock: 4, state: user(name) }]));
      await expect.poll(() => nameOf(watcher, 600)).toBe(name);
      const gone = removedAt(watcher, 600);
      ws.close();
      await gone;
    };
    const owner = await raw('echo');
    const echoer = await raw('echo');
    await showThenLeave(owner, 'Alice');

    echoer.send(awarenessFrame([{ id: 600, clock: 4, state: user('Alice') }, { id: 601, clock: 1, state: user('marker') }]));
    await expect.poll(() => nameOf(watcher, 601)).toBe('marker');
    expect(watcher.provider.awareness.getStates().has(600)).toBe(false);
    expect(server.rooms.loaded('echo')!.awareness.getStates().has(600)).toBe(false);

    // The owner, back on a new connection with the clock it had, is shown again and owns its id.
    await showThenLeave(await raw('echo'), 'Alice back');
    expect(nameOf(watcher, 601)).toBe('marker');
  });

  it('lets a connection of the same signed-in user take an id over from one that has not closed yet', async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET });
    const as = async (userId: string) => `d?token=${await mintToken(SECRET, { userId, docs: ['*'], role: 'editor' })}`;
    const watcher = client('d', { token: await mintToken(SECRET, { userId: 'wendy', docs: ['*'], role: 'viewer' }) });
    await watcher.synced();
    const stale = await raw(await as('alice')); // a connection its client gave up on, not closed yet
    stale.send(awarenessFrame([{ id: 500, clock: 3, state: user('Alice') }]));
    await expect.poll(() => nameOf(watcher, 500)).toBe('Alice');
    const intruder = await raw(await as('mallory'));
    intruder.send(awarenessFrame([{ id: 500, clock: 9, state: user('Mallory') }, { id: 501, clock: 1, state: user('marker') }]));
    await expect.poll(() => nameOf(watcher, 501)).toBe('marker');
    expect(nameOf(watcher, 500)).toBe('Alice');
    const fresh = await raw(await as('alice'));
    fresh.send(awarenessFrame([{ id: 500, clock: 3, state: user('Alice again') }]));
    await expect.poll(() => nameOf(watcher, 500)).toBe('Alice again');
    const staleGone = closed(stale);
    stale.close();
    await staleGone;
    fresh.send(awarenessFrame([{ id: 501, clock: 5, state: user('spoof') }, { id: 502, clock: 1, state: user('marker 2') }]));
    await expect.poll(() => nameOf(watcher, 502)).toBe('marker 2');
    expect(nameOf(watcher, 500)).toBe('Alice again');
    expect(nameOf(watcher, 501)).toBe('marker');
  });

  it("keeps a person's two tabs from taking each other's ids with the echoes stock clients send", async () => {
    // Pings far apart: a busy machine must not mark anyone away (and back) while updates are counted.
    server = await startTestServer({ AUTH_SECRET: SECRET, PING_INTERVAL_MS: '60000', PING_DROP_AFTER_MS: '120000' });
    const as = async (userId: string, role: 'editor' | 'viewer' = 'editor') => ({ token: await mintToken(SECRET, { userId, docs: ['*'], role, ttl: '1h' }) });
    const first = client('tabs', await as('alice'));
    const second = client('tabs', await as('alice'));
    const watcher = client('tabs', await as('wendy', 'viewer'));
    await Promise.all([first.synced(), second.synced(), watcher.synced()]);
    const id = first.doc.clientID;
    first.provider.awareness.setLocalStateField('user', user('Alice').user);
    await expect.poll(() => nameOf(watcher, id)).toBe('Alice');
    // The second tab sends the state back; were that a takeover, each tab would take the id from the
    // other with a clock one higher, and everyone would receive hundreds of updates a second.
    await new Promise((resolve) => setTimeout(resolve, 200));
    let updates = 0;
    watcher.provider.awareness.on('update', ({ updated }: { updated: number[] }) => {
      if (updated.includes(id)) updates += 1;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(updates).toBe(0);
    expect(watcher.provider.awareness.meta.get(id)?.clock).toBe(1);
    // The first tab still owns its id: closing it removes its state for everyone at once.
    first.destroy();
    await expect.poll(() => watcher.provider.awareness.getStates().has(id), { timeout: 5_000 }).toBe(false);
  });

  it('remembers the clocks of at most MAX_AWARENESS_STATES_PER_DOC removed ids', async () => {
    server = await startTestServer({ MAX_AWARENESS_STATES_PER_DOC: '3' });
    const watcher = client('churn');
    await watcher.synced();
    for (let round = 0; round < 10; round++) {
      const ws = await raw('churn');
      ws.send(awarenessFrame([{ id: 900 + round, clock: 1, state: user(`r${round}`) }]));
      await expect.poll(() => nameOf(watcher, 900 + round)).toBe(`r${round}`);
      const gone = removedAt(watcher, 900 + round);
      ws.close();
      await gone;
    }
    const { awareness } = server.rooms.loaded('churn')!;
    expect(awareness.states.size).toBe(0);
    // The three most recent, and the server's own (empty) entry.
    expect([...awareness.meta.keys()].filter((id) => id !== awareness.clientID)).toEqual([907, 908, 909]);
  });

  it('applies nothing of an awareness message with a malformed entry and closes it with 4400', async () => {
    server = await startTestServer();
    const ws = await raw('half');
    const closing = closed(ws);
    ws.send(awarenessFrame([{ id: 9, clock: 1, state: user('Half') }, { id: 10, clock: 1, state: '{"user":' }]));
    expect((await closing).code).toBe(4400);
    const late = client('half');
    await late.synced();
    // A newcomer gets every state the server holds with its first messages; the query answers after them.
    const marker = await raw('half');
    marker.send(awarenessFrame([{ id: 11, clock: 1, state: user('Marker') }]));
    await expect.poll(() => nameOf(late, 11)).toBe('Marker');
    expect(server.rooms.loaded('half')!.awareness.getStates().has(9)).toBe(false);
    expect(late.provider.awareness.getStates().has(9)).toBe(false);
  });
});

describe('presence (awareness): caps', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server.destroy();
  });
  const watch = async (doc: string) => {
    const c = connectClient(server.url, doc);
    clients.push(c);
    await c.synced();
    return c;
  };
  const ids = (c: TestClient, of: readonly number[]) => of.filter((id) => c.provider.awareness.getStates().has(id));

  it('answers a flood of queries for everyone\'s presence a few times, not once each', async () => {
    server = await startTestServer();
    const alice = await watch('queried');
    alice.provider.awareness.setLocalState(user('Alice'));
    const ws = await openRawSocket(server.url, 'queried');
    let answers = 0;
    ws.on('message', (data: Buffer) => {
      if (data[0] === 1) answers += 1;
    });
    await new Promise((r) => setTimeout(r, 300));
    const before = answers;
    const query = new Uint8Array([3]);
    for (let i = 0; i < 600; i++) ws.send(query);
    await new Promise((r) => setTimeout(r, 200));
    alice.provider.awareness.setLocalState(user('Alice B.'));
    await new Promise((r) => setTimeout(r, 600));
    // Each answer encodes every state: one at once, then one per 250 ms for all that came meanwhile.
    expect(answers - before).toBeGreaterThanOrEqual(2);
    expect(answers - before).toBeLessThanOrEqual(8);
    ws.close();
  });

  it('holds at most MAX_AWARENESS_STATES_PER_CONNECTION ids per connection (4 by default) and counts the rest', async () => {
    server = await startTestServer();
    const watcher = await watch('many');
    const ws = await openRawSocket(server.url, 'many');
    const six = [1001, 1002, 1003, 1004, 1005, 1006];
    ws.send(awarenessFrame(six.map((id) => ({ id, clock: 1, state: user(`n${id}`) }))));
    await expect.poll(() => ids(watcher, six).length).toBeGreaterThan(0);
    expect(ids(watcher, six)).toEqual([1001, 1002, 1003, 1004]);
    expect(await limitsHit(server, 'awareness-states-per-connection')).toBe(2);
    // Its own ids it may still update.
    ws.send(awarenessFrame([{ id: 1002, clock: 2, state: user('renamed') }]));
    await expect.poll(() => nameOf(watcher, 1002)).toBe('renamed');
    ws.close();
  });

  it('holds at most MAX_AWARENESS_STATES_PER_DOC states in a document; a closed connection frees its share', async () => {
    server = await startTestServer({ MAX_AWARENESS_STATES_PER_DOC: '3' });
    const watcher = await watch('crowd');
    const [r1, r2] = [await openRawSocket(server.url, 'crowd'), await openRawSocket(server.url, 'crowd')];
    r1.send(awarenessFrame([{ id: 1, clock: 1, state: user('a') }, { id: 2, clock: 1, state: user('b') }]));
    await expect.poll(() => ids(watcher, [1, 2])).toEqual([1, 2]);
    r2.send(awarenessFrame([{ id: 3, clock: 1, state: user('c') }, { id: 4, clock: 1, state: user('d') }]));
    await expect.poll(() => ids(watcher, [3, 4]).length).toBeGreaterThan(0);
    expect(ids(watcher, [3, 4])).toEqual([3]);
    expect(await limitsHit(server, 'awareness-states-per-doc')).toBe(1);
    const gone = removedAt(watcher, 1);
    r1.close();
    await gone;
    r2.send(awarenessFrame([{ id: 4, clock: 1, state: user('d') }]));
    await expect.poll(() => nameOf(watcher, 4)).toBe('d');
    r2.close();
  });

  it('closes with 4413 a connection that sends a state over MAX_AWARENESS_STATE_BYTES, applying nothing of it', async () => {
    server = await startTestServer({ MAX_AWARENESS_STATE_BYTES: '2048' });
    const watcher = await watch('heavy');
    const ok = await openRawSocket(server.url, 'heavy');
    // A generous real-world state (a long name and a cursor) fits.
    ok.send(awarenessFrame([{ id: 20, clock: 1, state: { ...user('n'.repeat(1000)), cursor: { anchor: { type: null, tname: null, item: { client: 1, clock: 2 }, assoc: 0 } } } }]));
    await expect.poll(() => nameOf(watcher, 20)?.length).toBe(1000);
    const ws = await openRawSocket(server.url, 'heavy');
    const closing = closed(ws);
    ws.send(awarenessFrame([{ id: 21, clock: 1, state: user('small') }, { id: 22, clock: 1, state: user('x'.repeat(2100)) }]));
    expect((await closing).code).toBe(4413);
    expect(await limitsHit(server, 'awareness-state-bytes')).toBe(1);
    ok.send(awarenessFrame([{ id: 20, clock: 2, state: user('marker') }]));
    await expect.poll(() => nameOf(watcher, 20)).toBe('marker');
    expect(ids(watcher, [21, 22])).toEqual([]);
    ok.close();
  });

  it('keeps the flood of the report bounded: 5 connections sending 330 states of 900 bytes hold 20', async () => {
    server = await startTestServer();
    await watch('flood');
    const sockets = await Promise.all(Array.from({ length: 5 }, () => openRawSocket(server.url, 'flood')));
    const filler = 'f'.repeat(880);
    sockets.forEach((ws, c) => {
      for (let m = 0; m < 33; m++) {
        ws.send(awarenessFrame(Array.from({ length: 10 }, (_, i) => ({ id: 100_000 * (c + 1) + m * 10 + i, clock: 1, state: { f: filler } }))));
      }
    });
    await expect.poll(() => limitsHit(server, 'awareness-states-per-connection'), { timeout: 10_000 }).toBe(5 * (330 - 4));
    expect(server.rooms.loaded('flood')!.awareness.getStates().size).toBe(20);
    for (const ws of sockets) expect(ws.readyState).toBe(ws.OPEN);
    for (const ws of sockets) ws.close();
  });
});
