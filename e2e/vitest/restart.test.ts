import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, type TestClient } from '../../apps/sync-server/src/testing/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

describe('content survives the server process stopping', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  const clients: TestClient[] = [];
  const client = (url: string, doc: string) => {
    const c = connectClient(url, doc);
    clients.push(c);
    return c;
  };
  const closeClients = () => {
    for (const c of clients.splice(0)) c.destroy();
  };

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-restart-'));
  });

  afterEach(async () => {
    closeClients();
    if (server?.child.exitCode === null) await server.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Loads `doc` with a fresh client from a fresh server process and returns its text. */
  const reload = async (doc: string): Promise<string> => {
    server = await startServerProcess(dataDir);
    const reader = client(server.url, doc);
    await reader.synced();
    const text = reader.text.toString();
    closeClients();
    return text;
  };

  it('keeps everything a client sent before SIGTERM, and exits 0', async () => {
    server = await startServerProcess(dataDir);
    const writer = client(server.url, 'graceful');
    await writer.synced();
    // 300 separate updates, then the signal straight away: most are still in flight when it lands.
    for (let i = 0; i < 300; i++) writer.text.insert(writer.text.length, String.fromCharCode(97 + (i % 26)));
    const expected = writer.text.toString();
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(server.output()).toContain('"event":"shutdown-complete"');
    closeClients();

    expect(await reload('graceful')).toBe(expected);
  });

  // Every durability mode commits an update to the log's file before anyone sees it, and a killed
  // process loses nothing the kernel was given: only the modes' power-cut behaviour differs (see
  // apps/sync-server/src/sync/durability.test.ts).
  const cycles = Number(process.env.CRASH_CYCLES ?? 3);
  it.each([
    ['flush-before-broadcast', cycles],
    ['flush-before-ack', 2],
    ['none', 2],
  ])(`DURABILITY=%s: keeps every update any client had received when killed with SIGKILL while several type (%i cycles)`, async (durability, cycles) => {
    let confirmed = '';
    for (let cycle = 0; cycle < cycles; cycle++) {
      server = await startServerProcess(dataDir, { DURABILITY: durability });
      const writers = [0, 1, 2].map(() => client(server!.url, 'crash'));
      const observer = client(server.url, 'crash');
      await Promise.all([...writers, observer].map((c) => c.synced()));
      expect(observer.text.toString()).toBe(confirmed);

      // Three writers type into their own runs of text; once the observer has seen 150 new
      // characters, kill -9 mid-stream.
      const typing = setInterval(() => {
        writers.forEach((w, i) => w.text.insert(w.text.length, 'abc'[i]!.repeat(2)));
      }, 2);
      await expect.poll(() => observer.text.length >= confirmed.length + 150, { timeout: 15_000, interval: 5 }).toBe(true);
      // What each client had received (or written) at the moment of the kill.
      const seen = [...writers, observer].map((c) => ({ self: c.doc.clientID, state: Y.decodeStateVector(Y.encodeStateVector(c.doc)) }));
      const seenByObserver = observer.text.toString();
      const exit = await server.stop('SIGKILL');
      clearInterval(typing);
      expect(exit).toBe('SIGKILL');
      closeClients();

      server = await startServerProcess(dataDir);
      const reader = client(server.url, 'crash');
      await reader.synced();
      const after = reader.text.toString();
      const stored = Y.decodeStateVector(Y.encodeStateVector(reader.doc));
      closeClients();
      expect(after.length, `cycle ${cycle}`).toBeGreaterThanOrEqual(seenByObserver.length);
      // Every update any client had received from the server (everything in its state but its own
      // edits, which it may not have got to send) is stored.
      for (const { self, state } of seen) {
        for (const [clientId, clock] of state) {
          if (clientId === self) continue;
          expect(stored.get(clientId) ?? 0, `cycle ${cycle}: updates of ${clientId} lost`).toBeGreaterThanOrEqual(clock);
        }
      }
      await server.stop('SIGTERM');
      confirmed = after;
    }
  });
});
