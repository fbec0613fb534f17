// A sync step 1 costs its sender a few bytes and the server time in the whole document. A flood of them
// (five connections, forty each, far under the message and byte limits; a viewer may send them) used to
// hold the event loop for seconds: /healthz waited 1.5–4 s. Answers now come from a queue in slices,
// once per connection for what it asked last, and the whole document is encoded once per version.

import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { closed, connectClient, openRawSocket } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const answers = async (server: TestServer, kind: string) => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(new RegExp(`tandem_sync_answers_total\\{kind="${kind}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
};

describe('sync step 1 answers', () => {
  let server: TestServer;
  afterEach(async () => {
    await server.destroy();
  });

  it('a flood of sync step 1s gets one answer per connection, the document encoded once, and /healthz keeps answering', async () => {
    server = await startTestServer();
    // A document of many items: characters typed at scattered places.
    const source = new Y.Doc();
    const text = source.getText('t');
    for (let i = 0; i < 6_000; i++) text.insert((i * 7919) % (text.length + 1), String.fromCharCode(97 + (i % 26)));
    const writer = connectClient(server.url, 'big');
    await writer.synced();
    Y.applyUpdate(writer.doc, Y.encodeStateAsUpdate(source));
    await expect.poll(async () => (await server.store.getDocument('big'))?.lastSeq).toBe(1);
    await expect.poll(() => server.rooms.loaded('big')?.doc.getText('t').length).toBe(6_000);
    const encodedBefore = await answers(server, 'encoded');

    let worst = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const started = performance.now();
        await fetch(`${server.url}/healthz`);
        worst = Math.max(worst, performance.now() - started);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const sockets = await Promise.all(Array.from({ length: 5 }, () => openRawSocket(server.url, 'big')));
    const stepTwos = sockets.map((ws) => {
      let count = 0;
      ws.on('message', (data: Buffer) => void (data[0] === 0 && data[1] === 1 && (count += 1)));
      return () => count;
    });
    // Forty sync step 1s each, with an empty state vector: "send me everything".
    for (const ws of sockets) for (let i = 0; i < 40; i++) ws.send(new Uint8Array([0, 0, 1, 0]));
    await expect.poll(() => stepTwos.every((count) => count() >= 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    polling = false;
    await poll;

    // Each connection got its answer; asked again before it went out, it got one, not forty.
    for (const count of stepTwos) expect(count()).toBeLessThan(40);
    expect(await answers(server, 'encoded')).toBe(encodedBefore + 1);
    expect((await answers(server, 'cached')) + (await answers(server, 'coalesced'))).toBe(199);
    // The answers are counted above; this only catches a stall of seconds (one answer has waited 0.5 s on a
    // busy machine for work not this test's).
    expect(worst).toBeLessThan(2_000);
    for (const ws of sockets) {
      const done = closed(ws);
      ws.close();
      await done;
    }
    writer.destroy();
  });
});
