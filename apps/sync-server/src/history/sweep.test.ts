import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore, readTimeline, verifyDocument } from '@tandem/persistence';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const HOUR = 3_600_000;
const DOC = 'long-lived';

const metric = async (server: TestServer, name: string) => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const value = new RegExp(`^${name.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)?.[1];
  return value === undefined ? undefined : Number(value);
};

/** Writes two days of old history to `dataDir`: 3 hours of edits by alice and bob, 60 updates. */
async function writeOldHistory(dataDir: string): Promise<string> {
  const store = openSqliteStore({ dataDir });
  const writer = new Y.Doc();
  const text = writer.getText('t');
  const start = Date.now() - 2 * 24 * HOUR;
  for (let i = 0; i < 60; i++) {
    let update: Uint8Array | undefined;
    writer.once('update', (u: Uint8Array) => (update = u));
    text.insert(text.length, `${i % 10}`);
    const author = Math.floor(i / 5) % 2 === 0 ? 'alice' : 'bob';
    await store.append([{ doc: DOC, entries: [{ update: update!, author, receivedAt: start + Math.floor(i / 20) * HOUR + (i % 20) * 1000 }] }]);
  }
  await store.close();
  return text.toString();
}

describe('history sweep', () => {
  let dataDir: string;
  let server: TestServer | undefined;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-sweep-'));
  });
  afterEach(async () => {
    await server?.destroy();
    server = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('compacts history past HISTORY_KEEP_ALL by itself while the document is edited, keeping content, sessions and the live room right', async () => {
    const old = await writeOldHistory(dataDir);
    const retention = { HISTORY_KEEP_ALL: '1h', HISTORY_BUCKET: '1h', HISTORY_SWEEP_INTERVAL: '1s', CHECKPOINT_EVERY: '7' };
    server = await startTestServer(retention, dataDir);
    const oldSessions = (await readTimeline(server.store, DOC, { limit: 500 })).sessions;
    expect(oldSessions).toHaveLength(12);

    // Someone types all along, the room loaded and checkpointing, until the sweep has compacted.
    const client = connectClient(server.url, DOC);
    await client.synced();
    expect(client.text.toString()).toBe(old);
    let typed = 0;
    // The sweep reports once the whole document is done (ranges are replaced one by one).
    const compacted = async () => server!.logs.some((l) => l.event === 'document-compacted');
    while (!(await compacted()) && typed < 1000) {
      client.text.insert(client.text.length, 'x');
      typed += 1;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(typed).toBeGreaterThan(0);
    await expect.poll(async () => (await server!.store.getDocument(DOC))!.lastSeq).toBe(60 + typed);
    const info = (await server.store.getDocument(DOC))!;
    expect(info.updateCount).toBe(3 + typed); // one per old hour, every recent update
    expect((await readTimeline(server.store, DOC, { limit: 500 })).sessions.slice(0, 12)).toEqual(oldSessions);
    expect((await verifyDocument(server.store, DOC)).problems).toEqual([]);
    expect(await metric(server, 'tandem_history_compacted_updates_total')).toBe(57);

    // The live room kept numbering and checkpointing right: more edits, then a reload from storage.
    client.text.insert(0, 'after ');
    await expect.poll(async () => (await server!.store.getDocument(DOC))!.lastSeq).toBe(61 + typed);
    const expected = client.text.toString();
    client.destroy();
    await server.destroy();
    server = await startTestServer({}, dataDir);
    const reader = connectClient(server.url, DOC);
    await reader.synced();
    expect(reader.text.toString()).toBe(expected);
    reader.destroy();
  });

  it('keeps every update by default, and reports how fast each document log grows', async () => {
    await writeOldHistory(dataDir);
    server = await startTestServer({ HISTORY_SWEEP_INTERVAL: '1s' }, dataDir);
    const client = connectClient(server.url, 'busy');
    await client.synced();
    for (let i = 0; i < 20; i++) client.text.insert(0, 'typed ');
    await expect.poll(async () => (await server!.store.getDocument('busy'))?.lastSeq).toBe(20);
    const busyBytes = (await server.store.getDocument('busy'))!.sizeBytes;
    const docInfo = await (await fetch(`${server.url}/api/docs/busy`)).json();
    expect(docInfo).toMatchObject({ logUpdatesPerDay: 20, logBytesPerDay: busyBytes });
    expect((await (await fetch(`${server.url}/api/docs/${DOC}`)).json()).logBytesPerDay).toBe(0); // all two days old
    await expect.poll(() => metric(server!, 'tandem_document_log_growth_bytes_per_day{doc="busy"}'), { timeout: 5000 }).toBe(busyBytes);
    expect(await metric(server, 'tandem_log_growth_bytes_per_day')).toBe(busyBytes);
    expect((await server.store.getDocument(DOC))!.updateCount).toBe(60); // a sweep ran, and compacted nothing
    client.destroy();
  });
});
