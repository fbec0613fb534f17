import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sqliteStorePath } from '@tandem/persistence';
import { failingDisk } from '@tandem/persistence/testing/failing-disk';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { startServer } from '../server.js';
import { closed, connectClient, openRawSocket } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

describe('a store that cannot be read or written', () => {
  let dataDir: string;
  let server: TestServer | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-faults-'));
  });

  afterEach(async () => {
    await server?.destroy();
    server = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  const dbFile = () => sqliteStorePath({ dataDir });

  /** Writes `text` into `doc` as one update per character through a real client, then stops the server. */
  const seed = async (doc: string, text: string, env: Record<string, string> = {}) => {
    const s = await startTestServer(env, dataDir);
    const c = connectClient(s.url, doc);
    await c.synced();
    const stored = (await s.store.getDocument(doc))?.updateCount ?? 0;
    // One keystroke at a time, each stored before the next: one commit per update (applied after its flush,
    // so a busy machine may apply several in one batch).
    for (const [i, ch] of [...text].entries()) {
      c.text.insert(c.text.length, ch);
      await expect.poll(async () => (await s.store.getDocument(doc))?.updateCount).toBe(stored + i + 1);
    }
    c.destroy();
    await s.destroy();
  };

  const snapshot = () => {
    const db = new Database(dbFile(), { readonly: true });
    try {
      return {
        updates: db.prepare('SELECT doc_id, seq, hex(data) AS data FROM updates ORDER BY doc_id, seq').all(),
        checkpoints: db.prepare('SELECT doc_id, seq, hex(state) AS state FROM checkpoints ORDER BY doc_id, seq').all(),
      };
    } finally {
      db.close();
    }
  };

  const expectRefused = async (doc: string) => {
    const ws = await openRawSocket(server!.url, encodeURIComponent(doc));
    const received: Buffer[] = [];
    ws.on('message', (m: Buffer) => received.push(m));
    const { code } = await closed(ws);
    expect(code).toBe(4500);
    // Not a single sync message: the client never sees an empty stand-in for the document.
    expect(received).toEqual([]);
    expect(server!.logs.some((l) => l.event === 'connection-failed' && l.code === 'load-failed' && l.doc === doc)).toBe(true);
  };

  const corrupt = (sql: string) => {
    const db = new Database(dbFile());
    db.exec(sql);
    db.close();
  };

  it('refuses a document whose stored update is corrupt, and writes nothing over it', async () => {
    await seed('broken', 'abc');
    await seed('fine', 'xyz');
    corrupt(`UPDATE updates SET data = x'ffffff' WHERE seq = 2 AND doc_id = (SELECT id FROM documents WHERE name = 'broken')`);
    const before = snapshot();
    server = await startTestServer({}, dataDir);
    await expectRefused('broken');

    // The stock client is refused the same way and never reports "synced".
    const client = connectClient(server.url, 'broken');
    await expect.poll(() => server!.logs.filter((l) => l.code === 'load-failed').length).toBeGreaterThanOrEqual(2);
    expect(client.provider.synced).toBe(false);
    expect(client.text.toString()).toBe('');
    client.text.insert(0, 'must not be stored');
    client.destroy();

    // Other documents are served as usual.
    const other = connectClient(server.url, 'fine');
    await other.synced();
    expect(other.text.toString()).toBe('xyz');
    other.destroy();
    await server.destroy();
    server = undefined;
    expect(snapshot()).toEqual(before);
  });

  it('refuses a document whose checkpoint is corrupt', async () => {
    // Two servers, three updates each: a checkpoint at 3 and one at 6 however the updates were batched when
    // applied (one seed of six, applied 3–5 in one batch under load, made one at 5 only; seen in CI).
    await seed('cp', 'abc', { CHECKPOINT_EVERY: '3' });
    await seed('cp', 'def', { CHECKPOINT_EVERY: '3' });
    corrupt(`UPDATE checkpoints SET state = x'0102' WHERE seq = 6`);
    const before = snapshot();
    expect(before.checkpoints).toHaveLength(2);
    server = await startTestServer({ CHECKPOINT_EVERY: '3' }, dataDir);
    await expectRefused('cp');
    await server.destroy();
    server = undefined;
    expect(snapshot()).toEqual(before);
  });

  it('refuses a document whose log is missing its last updates', async () => {
    await seed('short', 'abcd');
    corrupt(`DELETE FROM updates WHERE seq = 4`);
    server = await startTestServer({}, dataDir);
    await expectRefused('short');
  });

  it('fails to start, naming the file, when the database file is not a database', async () => {
    await writeFile(dbFile(), 'this is not a sqlite database, just text that fills a page '.repeat(100));
    const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    await expect(startServer(config, createLogger('silent'))).rejects.toThrow(dbFile());
  });

  it('closes the sender with 4503 when a write fails, broadcasts nothing, and keeps serving other documents', async () => {
    await seed('doomed', 'ok');
    server = await startTestServer({}, dataDir);
    const writer = connectClient(server.url, 'doomed');
    const reader = connectClient(server.url, 'doomed');
    const bystander = connectClient(server.url, 'elsewhere');
    await Promise.all([writer.synced(), reader.synced(), bystander.synced()]);

    // A real failed write (as on a full disk), injected from a second connection to the database.
    corrupt(`CREATE TRIGGER fail_writes BEFORE INSERT ON updates
             WHEN NEW.doc_id = (SELECT id FROM documents WHERE name = 'doomed')
             BEGIN SELECT RAISE(ABORT, 'injected write failure'); END`);
    const closes: number[] = [];
    writer.provider.on('connection-close', (event) => closes.push(event?.code ?? -1));
    writer.text.insert(2, '!');
    await expect.poll(() => closes[0]).toBe(4503);
    expect(server.logs.some((l) => l.event === 'connection-failed' && l.code === 'storage-failed')).toBe(true);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/tandem_errors_total\{kind="persist"\} [1-9]/);

    bystander.text.insert(0, 'still works');
    await expect.poll(async () => (await server!.store.getDocument('elsewhere'))?.updateCount).toBe(1);
    expect(reader.text.toString()).toBe('ok');

    // Once the disk recovers, the writer's reconnect resends what was not stored.
    corrupt('DROP TRIGGER fail_writes');
    await expect.poll(() => reader.text.toString(), { timeout: 10_000 }).toBe('ok!');
    expect((await server.store.getDocument('doomed'))?.updateCount).toBe(3);
    for (const c of [writer, reader, bystander]) c.destroy();
  });

  it('after a failed disk flush: closes the writer with 4503, broadcasts nothing, refuses every later write, /readyz 503', async () => {
    await seed('flushed', 'ok');
    const disk = failingDisk();
    server = await startTestServer({ DOC_UNLOAD_DELAY_MS: '600000' }, dataDir, { openForSync: disk.openForSync });
    const writer = connectClient(server.url, 'flushed');
    const reader = connectClient(server.url, 'flushed');
    await Promise.all([writer.synced(), reader.synced()]);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    disk.failNext = true;
    const writerCloses: number[] = [];
    writer.provider.on('connection-close', (event) => writerCloses.push(event?.code ?? -1));
    writer.text.insert(2, '!');
    await expect.poll(() => writerCloses[0]).toBe(4503);
    expect(disk.failNext).toBe(false); // the flush that failed was the one holding the writer's update
    expect(server.logs.some((l) => l.event === 'connection-failed' && l.code === 'storage-failed' && l.doc === 'flushed')).toBe(true);

    await expect.poll(() => server!.logs.some((l) => l.event === 'store-unusable' && /restart/.test(String(l.msg)))).toBe(true);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    // Anyone may ask /readyz: it says what kind of failure, never the store's path or the error's text
    // (those are in the log, for the operator).
    const readyBody = await ready.text();
    expect(JSON.parse(readyBody)).toEqual({ status: 'unavailable', reason: 'store-failed', error: expect.stringMatching(/restart the server/) });
    expect(readyBody).not.toContain(dataDir);
    expect(readyBody).not.toMatch(/EIO|sqlite/i);

    // Every later write is refused, though the disk would now report success: over the WebSocket
    // (4503, and the client retries later) and over HTTP (503).
    const readerCloses: number[] = [];
    reader.provider.on('connection-close', (event) => readerCloses.push(event?.code ?? -1));
    expect(reader.text.toString()).toBe('ok');
    reader.text.insert(0, '?');
    await expect.poll(() => readerCloses[0]).toBe(4503);
    const version = await fetch(`${server.url}/api/docs/flushed/named-versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'after the failure' }),
    });
    expect(version.status).toBe(503);
    expect(((await version.json()) as { error: { code: string } }).error.code).toBe('storage-failed');

    // Neither update reached the shared document: a client that joins now sees what was stored before.
    const late = connectClient(server.url, 'flushed');
    await late.synced();
    expect(late.text.toString()).toBe('ok');
    for (const c of [writer, reader, late]) c.destroy();
  });
});
