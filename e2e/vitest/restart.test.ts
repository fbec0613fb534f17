import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

  const cycles = Number(process.env.CRASH_CYCLES ?? 3);
  it(`keeps every update another client had received when killed with SIGKILL (${cycles} cycles)`, async () => {
    let confirmed = '';
    for (let cycle = 0; cycle < cycles; cycle++) {
      server = await startServerProcess(dataDir);
      const writer = client(server.url, 'crash');
      const observer = client(server.url, 'crash');
      await Promise.all([writer.synced(), observer.synced()]);
      expect(writer.text.toString()).toBe(confirmed);

      // The writer appends continuously; once the observer has seen 100 new characters, kill -9.
      const typing = setInterval(() => {
        for (let i = 0; i < 5; i++) writer.text.insert(writer.text.length, String(cycle));
      }, 2);
      await expect.poll(() => observer.text.length >= confirmed.length + 100, { timeout: 15_000, interval: 5 }).toBe(true);
      const seenByObserver = observer.text.toString();
      const exit = await server.stop('SIGKILL');
      clearInterval(typing);
      expect(exit).toBe('SIGKILL');
      const written = writer.text.toString();
      closeClients();

      const after = await reload('crash');
      expect(after.startsWith(seenByObserver), `cycle ${cycle}: lost updates the observer had received`).toBe(true);
      expect(written.startsWith(after), `cycle ${cycle}: content nobody wrote`).toBe(true);
      await server.stop('SIGTERM');
      confirmed = after;
    }
  });
});
