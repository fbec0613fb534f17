import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type DocumentStore, materialize, openSqliteStore, readTimeline, verifyDocument } from '@tandem/persistence';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mintToken } from '../auth/token.js';
import { createLogger } from '../logger.js';
import { connectClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';
import { startHistorySweep } from './sweep.js';

const HOUR = 3_600_000;
const DOC = 'long-lived';

const metric = async (server: TestServer, name: string) => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const value = new RegExp(`^${name.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)?.[1];
  return value === undefined ? undefined : Number(value);
};

/** Writes two days of old history to `dataDir`: 3 hours of edits by alice and bob taking turns, 60 updates; one session an hour. */
async function writeOldHistory(dataDir: string): Promise<string> {
  const store = openSqliteStore({ dataDir });
  const writer = new Y.Doc();
  const text = writer.getText('t');
  // On an hour boundary: each hour's 20 updates (19 s) then fall in one bucket of HISTORY_BUCKET=1h,
  // whatever the time of day (started in the last 19 s of an hour, they straddled two and merged into 4).
  const start = Math.floor((Date.now() - 2 * 24 * HOUR) / HOUR) * HOUR;
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
    expect(oldSessions).toHaveLength(3);
    expect(oldSessions.map((s) => s.authors.map((a) => a.id))).toEqual([['alice', 'bob'], ['alice', 'bob'], ['alice', 'bob']]);

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
    expect((await readTimeline(server.store, DOC, { limit: 500 })).sessions.slice(0, 3)).toEqual(oldSessions);
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

  it('with sign-in on, labels a document in /metrics (which answers anyone) by a fingerprint, not its name', async () => {
    const secret = 'metrics-fingerprint-secret-0123456789abcdef';
    server = await startTestServer({ HISTORY_SWEEP_INTERVAL: '1s', AUTH_SECRET: secret });
    const owner = await mintToken(secret, { userId: 'owner', docs: ['*'], role: 'editor', ttl: '1h' });
    const put = await fetch(`${server.url}/api/docs/${encodeURIComponent('hr/layoffs-2027')}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'text/markdown' },
      body: '# Confidential',
    });
    expect(put.status).toBe(201);
    const label = createHmac('sha256', secret).update('hr/layoffs-2027').digest('hex').slice(0, 16);
    await expect.poll(() => metric(server!, `tandem_document_log_growth_bytes_per_day{doc="${label}"}`), { timeout: 5000 }).toBeGreaterThan(0);
    expect(await (await fetch(`${server.url}/metrics`)).text()).not.toContain('layoffs');
  });

  it('leaves a range alone when a version is named inside it while it is merged, without an error, and merges it on the next sweep', async () => {
    const store = openSqliteStore({ dataDir });
    const writer = new Y.Doc();
    const hour = Math.floor((Date.now() - 2 * 24 * HOUR) / HOUR) * HOUR; // 20 updates in each of 3 whole hours
    for (let i = 0; i < 60; i++) {
      let update: Uint8Array | undefined;
      writer.once('update', (u: Uint8Array) => (update = u));
      writer.getText('t').insert(i, `${i % 10}`);
      await store.append([{ doc: DOC, entries: [{ update: update!, author: 'alice', receivedAt: hour + Math.floor(i / 20) * HOUR + (i % 20) * 1000 }] }]);
    }
    const textAt = (seq: number) => writer.getText('t').toString().slice(0, seq);
    // Someone names seq 30 just as the sweep is about to merge 21..40: after it read the named versions.
    let named = false;
    const racing: DocumentStore = Object.create(store);
    racing.replaceRange = async (...args) => {
      if (args[1] === 21 && !named) {
        named = true;
        await store.createVersion(DOC, { label: 'named meanwhile', seq: 30, author: 'bob', createdAt: Date.now() });
      }
      return store.replaceRange(...args);
    };
    const logs: Array<Record<string, unknown>> = [];
    const logger = createLogger('debug', { write: (line: string) => logs.push(JSON.parse(line)) });
    const errors: string[] = [];
    const compacted: number[] = [];
    const sweep = startHistorySweep({
      store: racing,
      intervalMs: 50,
      retention: { keepAllForMs: HOUR, bucketMs: HOUR },
      logger,
      events: { logGrowthSampled: () => {}, compacted: (_doc, removed) => compacted.push(removed), error: (kind) => errors.push(kind) },
    });
    try {
      await expect.poll(async () => (await store.readUpdates(DOC)).map((u) => u.seq), { timeout: 5000 }).toEqual([20, 30, 40, 60]);
    } finally {
      await sweep.stop();
    }
    expect(named).toBe(true);
    expect(compacted).toEqual([19 + 19, 9 + 9]); // hours 1 and 3, then hour 2 split at the version
    expect(errors).toEqual([]);
    expect(logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
    expect(logs.some((l) => l.event === 'document-compacted' && l.rangesSkipped === 1)).toBe(true);
    expect((await store.listVersions(DOC)).map((v) => v.seq)).toEqual([30]);
    for (const seq of [20, 30, 40, 60]) expect((await materialize(store, DOC, seq)).getText('t').toString(), `seq ${seq}`).toBe(textAt(seq));
    expect((await verifyDocument(store, DOC)).problems).toEqual([]);
    await store.close();
  });

  it('compacts a document that took the name of one it compacted before (purged, or renamed away) from its start', async () => {
    const store = openSqliteStore({ dataDir });
    const hour = Math.floor((Date.now() - 2 * 24 * HOUR) / HOUR) * HOUR;
    const write = async (n: number, offset: number) => {
      const writer = new Y.Doc();
      for (let i = 0; i < n; i++) {
        let update: Uint8Array | undefined;
        writer.once('update', (u: Uint8Array) => (update = u));
        writer.getText('t').insert(i, `${i % 10}`);
        await store.append([{ doc: DOC, entries: [{ update: update!, author: 'alice', receivedAt: hour + offset + Math.floor(i / 20) * HOUR + (i % 20) * 1000 }] }]);
      }
    };
    await write(40, 0); // two old hours: merged to seqs 20 and 40, settled through 40
    // Between two sweeps, the document is purged and a new one of that name written (60 updates, 3 old hours).
    let lists = 0;
    const swapping: DocumentStore = Object.create(store);
    swapping.listDocuments = async (...args) => {
      lists += 1;
      if (lists === 2) {
        expect((await store.readUpdates(DOC)).map((u) => u.seq)).toEqual([20, 40]);
        await store.trashDocument(DOC, { at: Date.now(), by: 'alice' });
        expect(await store.purgeDocument(DOC)).toBe(true);
        await write(60, 500); // created later
      }
      return store.listDocuments(...args);
    };
    const logger = createLogger('silent');
    const sweep = startHistorySweep({
      store: swapping,
      intervalMs: 50,
      retention: { keepAllForMs: HOUR, bucketMs: HOUR },
      logger,
      events: { logGrowthSampled: () => {}, compacted: () => {}, error: () => {} },
    });
    try {
      // The new document's first hours are merged too, not left as they are because the old one's were.
      await expect.poll(async () => (await store.readUpdates(DOC)).map((u) => u.seq), { timeout: 3000 }).toEqual([20, 40, 60]);
    } finally {
      await sweep.stop();
      await store.close();
    }
  });
});

