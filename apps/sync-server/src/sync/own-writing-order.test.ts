// A page's own updates can reach the server out of order: typing as the connection opens goes out before
// the page's sync step 2, which holds what it wrote offline (found by the churn test). An update that
// replaces a value the page wrote in such an earlier update cannot be judged (its key is unknown until the
// earlier one lands): it waits for the page's next stored update, then is judged; refused if that never comes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import * as Y from 'yjs';
import { closed, openRawSocket, updateFrame } from '../testing/clients.js';
import { headingThenLevel } from '../testing/heading-updates.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

describe("a page's own updates out of order", () => {
  let server: TestServer | undefined;
  const sockets: WebSocket[] = [];
  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.close();
    await server?.destroy();
    server = undefined;
  });

  const open = async () => {
    const ws = await openRawSocket(server!.url, 'doc');
    sockets.push(ws);
    return ws;
  };
  const level = async () => {
    const d = new Y.Doc();
    for (const u of await server!.store.readUpdates('doc')) Y.applyUpdate(d, u.update);
    const heading = d.getXmlFragment('prosemirror').get(0) as Y.XmlElement | undefined;
    return heading?.getAttribute('level');
  };

  it('stores a change of a value sent before the update that wrote the value, and keeps the connection', async () => {
    server = await startTestServer();
    const ws = await open();
    const { created, changed } = headingThenLevel(2);
    ws.send(updateFrame(changed));
    await new Promise((r) => setTimeout(r, 300));
    ws.send(updateFrame(created, 1));
    await expect.poll(level).toBe(2);
    expect(ws.readyState).toBe(ws.OPEN);
  });

  it('refuses such a change once the earlier update shows it sets a value the schema refuses', async () => {
    server = await startTestServer();
    const ws = await open();
    const { created, changed } = headingThenLevel('abc');
    const closing = closed(ws);
    ws.send(updateFrame(changed));
    await new Promise((r) => setTimeout(r, 300));
    ws.send(updateFrame(created, 1));
    expect((await closing).code).toBe(4422);
    expect(await level()).toBe(1);
  });

  /** Two client ids' updates: a heading of level 1 by one, then its level changed to `level` by the other. */
  const twoClients = (level: unknown) => {
    const { created } = headingThenLevel(1);
    const other = new Y.Doc();
    Y.applyUpdate(other, created);
    const changed: Uint8Array[] = [];
    other.on('update', (u: Uint8Array) => changed.push(u));
    (other.getXmlFragment('prosemirror').get(0) as Y.XmlElement).setAttribute('level', level as string);
    return { created, changed: changed[0]! };
  };

  it("refuses a value replacing another client's value once that one arrives on another connection (stored, it was the heading's level)", async () => {
    server = await startTestServer();
    const [ws, other] = [await open(), await open()];
    const { created, changed } = twoClients('abc');
    const closing = closed(ws);
    ws.send(updateFrame(changed));
    await new Promise((r) => setTimeout(r, 300));
    other.send(updateFrame(created, 1));
    expect((await closing).code).toBe(4422);
    expect(await level()).toBe(1);
  });

  it('judges a held update again as soon as what it waits for is stored through another connection, not at the end of its wait', async () => {
    server = await startTestServer();
    const [ws, other] = [await open(), await open()];
    const { created, changed } = twoClients(2);
    const sent = performance.now();
    ws.send(updateFrame(changed));
    await new Promise((r) => setTimeout(r, 300));
    other.send(updateFrame(created, 1));
    await expect.poll(level, { timeout: 5_000 }).toBe(2);
    expect(performance.now() - sent).toBeLessThan(1_500); // the wait is 2 s
    expect(ws.readyState).toBe(ws.OPEN);
  });

  it('holds back at most 16 such updates per connection: the next closes it (each is judged again after every update it sends)', async () => {
    server = await startTestServer();
    const ws = await open();
    const pages = Array.from({ length: 17 }, () => headingThenLevel(2));
    const closing = closed(ws);
    for (const { changed } of pages) ws.send(updateFrame(changed));
    await new Promise((r) => setTimeout(r, 300));
    if (ws.readyState === ws.OPEN) ws.send(updateFrame(Y.mergeUpdates(pages.map((p) => p.created)), 1));
    expect((await closing).code).toBe(4422);
    expect(await server.store.readUpdates('doc')).toEqual([]);
  });

  it('stores what it held back at a graceful shutdown that comes right after the update it waited for', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tandem-held-shutdown-'));
    try {
      const first = await startTestServer({}, dir);
      const ws = await openRawSocket(first.url, 'doc');
      const { created, changed } = headingThenLevel(2);
      ws.send(updateFrame(changed));
      await new Promise((r) => setTimeout(r, 300));
      ws.send(updateFrame(created, 1));
      await first.close(); // its client is asked to close: what it sent before is stored
      server = await startTestServer({}, dir);
      expect(await level()).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses such a change when the earlier update never comes', async () => {
    server = await startTestServer();
    const ws = await open();
    const { changed } = headingThenLevel(2);
    const closing = closed(ws);
    ws.send(updateFrame(changed));
    const { code, reason } = await closing;
    expect(code).toBe(4422);
    expect(reason).toContain('invalid-update');
    expect(await server.store.readUpdates('doc')).toEqual([]);
  });
});
