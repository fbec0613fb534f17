import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { awarenessFrame, connectClient, openRawSocket, type TestClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const user = (name: string) => ({ name, color: '#336699' });
type State = { user?: { name?: string }; away?: boolean };
const stateOf = (client: TestClient, id: number) => client.provider.awareness.getStates().get(id) as State | undefined;

/** A network that stops delivering without a close frame: nothing is read, so no ping is answered. */
const dropNetwork = (ws: WebSocket) => (ws as unknown as { _socket: Socket })._socket.pause();
const restoreNetwork = (ws: WebSocket) => (ws as unknown as { _socket: Socket })._socket.resume();

describe('presence: away and gone, told from pings', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const sockets: WebSocket[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const ws of sockets.splice(0)) ws.terminate();
    await server.destroy();
  });

  const start = async () => {
    server = await startTestServer({ PING_INTERVAL_MS: '200', PING_DROP_AFTER_MS: '2000' });
    const watcher = connectClient(server.url, 'away');
    clients.push(watcher);
    await watcher.synced();
    watcher.provider.awareness.setLocalStateField('user', user('Wendy'));
    const bob = await openRawSocket(server.url, 'away');
    sockets.push(bob);
    bob.send(awarenessFrame(555, 1, { user: user('Bob') }));
    await expect.poll(() => stateOf(watcher, 555)?.user?.name).toBe('Bob');
    return { watcher, bob };
  };

  /** A stock client, Alice, whose network stops delivering once she is seen: shown away. */
  const stockClientAway = async () => {
    const { watcher } = await start();
    const alice = connectClient(server.url, 'away');
    clients.push(alice);
    await alice.synced();
    const id = alice.doc.clientID;
    alice.provider.awareness.setLocalStateField('user', user('Alice'));
    await expect.poll(() => stateOf(watcher, id)?.user?.name).toBe('Alice');
    dropNetwork(alice.provider.ws as unknown as WebSocket);
    await expect.poll(() => stateOf(watcher, id)?.away, { interval: 10 }).toBe(true);
    return { watcher, alice, id };
  };

  it('shows a client that stops answering pings as away within two intervals, and back when it answers again', async () => {
    const { watcher, bob } = await start();
    const dropped = performance.now();
    dropNetwork(bob);
    await expect.poll(() => stateOf(watcher, 555)?.away, { interval: 10 }).toBe(true);
    // Two intervals (400 ms) at most: a ping unanswered by the next one; the rest is slack for a busy machine.
    expect(performance.now() - dropped).toBeLessThan(1000);
    expect(stateOf(watcher, 555)?.user?.name).toBe('Bob');

    restoreNetwork(bob);
    await expect.poll(() => stateOf(watcher, 555)?.away).toBeUndefined();
    expect(stateOf(watcher, 555)?.user?.name).toBe('Bob');
    // Its own next state, sent with the clock it had (the server raised it twice meanwhile), still wins.
    bob.send(awarenessFrame(555, 2, { user: user('Bob 2') }));
    await expect.poll(() => stateOf(watcher, 555)?.user?.name).toBe('Bob 2');
    // Only Bob was ever away: a stock client (the watcher) answers pings by itself.
    expect(server.logs.filter((l) => l.event === 'connection-away')).toHaveLength(1);
  });

  it('settles once a stock client is back: the states the server raised, sent back by their owner, are not raised again', async () => {
    const { watcher, alice, id } = await stockClientAway();
    const clock = watcher.provider.awareness.meta.get(id)!.clock;
    restoreNetwork(alice.provider.ws as unknown as WebSocket);
    await expect.poll(() => stateOf(watcher, id)?.away).toBeUndefined();
    // Alice's client takes the raised states as its own and sends them back. Were each raised again, the
    // two would go on for good (measured: 729 updates to everyone in 2 s). Back is one; a ping missed on a
    // busy machine may mark her away and back once more.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(watcher.provider.awareness.meta.get(id)!.clock - clock).toBeLessThan(6);
    expect(stateOf(watcher, id)?.user?.name).toBe('Alice');
    // Her own next change still shows.
    alice.provider.awareness.setLocalStateField('user', user('Alice 2'));
    await expect.poll(() => stateOf(watcher, id)?.user?.name).toBe('Alice 2');
  });

  it('settles when a stock client changed its state twice while marked away, keeping its latest', async () => {
    const { watcher, alice, id } = await stockClientAway();
    // Sent while nothing reaches her: the server raises both above the clocks it used meanwhile and sends
    // them to her; she takes each as her own and sends it back.
    alice.provider.awareness.setLocalStateField('user', user('Alice 1'));
    alice.provider.awareness.setLocalStateField('user', user('Alice 2'));
    await expect.poll(() => stateOf(watcher, id)?.user?.name).toBe('Alice 2');
    const clock = watcher.provider.awareness.meta.get(id)!.clock;
    restoreNetwork(alice.provider.ws as unknown as WebSocket);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // Were those sent back raised again, the two states would take turns (measured: the clock 650 higher
    // within a second), and she could be left with the older. A missed ping may add away and back once.
    expect(watcher.provider.awareness.meta.get(id)!.clock - clock).toBeLessThan(6);
    expect(stateOf(watcher, id)?.user?.name).toBe('Alice 2');
    expect(stateOf(alice, id)?.user?.name).toBe('Alice 2');
    alice.provider.awareness.setLocalStateField('user', user('Alice 3'));
    await expect.poll(() => stateOf(watcher, id)?.user?.name).toBe('Alice 3');
  });

  it('for a client that asked for probes (?probes=1), only its own answer counts: a pong from its network stack does not', async () => {
    const { watcher } = await start();
    // This socket's `ws` answers pings by itself, like a browser whose page can no longer send.
    const page = await openRawSocket(server.url, 'away?probes=1');
    sockets.push(page);
    let probes = 0;
    let answering = true;
    page.on('message', (data: Buffer) => {
      if (data[0] !== 101) return;
      probes += 1;
      if (answering) page.send(Uint8Array.of(101, 0));
    });
    page.send(awarenessFrame(556, 1, { user: user('Pat') }));
    await expect.poll(() => stateOf(watcher, 556)?.user?.name).toBe('Pat');
    await expect.poll(() => probes).toBeGreaterThanOrEqual(3);
    expect(stateOf(watcher, 556)?.away).toBeUndefined();
    answering = false;
    await expect.poll(() => stateOf(watcher, 556)?.away).toBe(true);
    answering = true;
    await expect.poll(() => stateOf(watcher, 556)?.away).toBeUndefined();
  });

  it('drops a client silent for PING_DROP_AFTER_MS and removes it from everyone\'s list, keeping the others', async () => {
    const { watcher, bob } = await start();
    const dropped = performance.now();
    dropNetwork(bob);
    await expect.poll(() => stateOf(watcher, 555)?.away).toBe(true);
    await expect.poll(() => stateOf(watcher, 555), { timeout: 5000 }).toBeUndefined();
    expect(performance.now() - dropped).toBeGreaterThanOrEqual(1900);
    // Only Bob: the watcher, answering every ping, stays.
    expect(server.logs.filter((l) => l.event === 'connection-silent')).toHaveLength(1);
    expect(watcher.provider.wsconnected).toBe(true);
  });

  it('keeps the presence guard while someone is away: another connection cannot take over their id', async () => {
    const { watcher, bob } = await start();
    dropNetwork(bob);
    await expect.poll(() => stateOf(watcher, 555)?.away).toBe(true);
    const mallory = await openRawSocket(server.url, 'away');
    sockets.push(mallory);
    mallory.send(awarenessFrame(555, 50, { user: user('Mallory') }));
    mallory.send(awarenessFrame(777, 1, { user: user('Mallory') }));
    await expect.poll(() => stateOf(watcher, 777)?.user?.name).toBe('Mallory');
    expect(stateOf(watcher, 555)?.user?.name).toBe('Bob');
  });

  it('ignores an away field a client sends about itself: only the server says who is away', async () => {
    const { watcher, bob } = await start();
    bob.send(awarenessFrame(555, 2, { user: user('Bob 2'), away: true }));
    await expect.poll(() => stateOf(watcher, 555)?.user?.name).toBe('Bob 2');
    expect(stateOf(watcher, 555)?.away).toBeUndefined();
  });
});
