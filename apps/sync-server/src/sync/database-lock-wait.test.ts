// Writes the server reported as failed that PostgreSQL stored all the same: one that waited on a lock past
// DATABASE_QUERY_TIMEOUT_MS (stopped by PostgreSQL now, so never stored later), and one whose answer was lost
// on the way back (stored; the room applies it before building on the document again). Either way a restore
// retried after its 503 must be stored once, not twice.

import { openPostgresStore } from '@tandem/persistence';
import { testSchema, type TestSchema } from '@tandem/persistence/testing/postgres';
import net from 'node:net';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, type TestClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

describe('a write reported as failed that PostgreSQL may have stored', () => {
  let schema: TestSchema;
  let server: TestServer | undefined;
  let clients: TestClient[] = [];
  let locker: pg.Client;

  beforeEach(async () => {
    schema = testSchema('lockwait');
    locker = new pg.Client({ connectionString: schema.url });
    await locker.connect();
  });

  afterEach(async () => {
    for (const c of clients) c.destroy();
    clients = [];
    await locker.end();
    await server?.destroy();
    server = undefined;
    await schema.drop();
  });

  const client = (doc: string) => {
    const c = connectClient(server!.url, doc);
    clients.push(c);
    return c;
  };
  const paragraph = (text: string) => {
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText(text)]);
    return p;
  };
  /** The paragraphs' text of a document's fragment. */
  const textOf = (doc: Y.Doc) =>
    doc
      .getXmlFragment('prosemirror')
      .toArray()
      .map((p) => (p as Y.XmlElement).toArray().join(''))
      .join('|');
  /** The document's text as the log holds it. */
  const stored = async (doc: string) => {
    const store = await openPostgresStore({ url: schema.url, schema: schema.schema, poolSize: 1 });
    try {
      const ydoc = new Y.Doc();
      for (const u of await store.readUpdates(doc)) Y.applyUpdate(ydoc, u.update);
      return textOf(ydoc);
    } finally {
      await store.close();
    }
  };

  /** A client on "doc" that wrote "version one" (seq 1), then replaced it with "two" (seq 2). */
  const versionOneThenTwo = async () => {
    const writer = client('doc');
    await writer.synced();
    const fragment = writer.doc.getXmlFragment('prosemirror');
    fragment.insert(0, [paragraph('version one')]);
    await expect.poll(async () => (await server!.store.getDocument('doc'))?.lastSeq).toBe(1);
    writer.doc.transact(() => {
      fragment.delete(0, 1);
      fragment.insert(0, [paragraph('two')]);
    });
    await expect.poll(async () => (await server!.store.getDocument('doc'))?.lastSeq).toBe(2);
    return writer;
  };

  it('refuses a restore it gave up on, and does not store it once the lock goes: retried, the version is there once', async () => {
    server = await startTestServer({ DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema, DATABASE_QUERY_TIMEOUT_MS: '1000' });
    const writer = await versionOneThenTwo();

    // Another session holds the document's row (a long transaction, another instance's maintenance).
    await locker.query('BEGIN');
    await locker.query(`SELECT 1 FROM "${schema.schema}".documents WHERE name = 'doc' FOR UPDATE`);
    const restore = () =>
      fetch(`${server!.url}/api/docs/doc/restore`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seq: 1 }) });
    expect((await restore()).status).toBe(503);
    await locker.query('COMMIT');

    // Told it failed, the person restores again.
    expect((await restore()).status).toBe(201);
    await expect.poll(() => textOf(writer.doc)).toBe('version one');
    // What the log holds (what every later load shows) is the version once, as the editor showed it.
    expect(await stored('doc')).toBe('version one');
  });

  /**
   * A proxy to PostgreSQL that, once armed, lets a statement naming `marker` through and then drops every
   * answer on that connection: the database did the work, and the server never hears so (a network that
   * fails one way at the wrong moment).
   */
  const answerLosingProxy = async (target: URL) => {
    let marker: string | undefined;
    const sockets = new Set<net.Socket>();
    const server = net.createServer((down) => {
      const up = net.connect(Number(target.port || 5432), target.hostname);
      let deaf = false;
      for (const s of [down, up]) sockets.add(s);
      down.on('data', (chunk: Buffer) => {
        if (marker !== undefined && chunk.includes(marker)) deaf = true;
        up.write(chunk);
      });
      up.on('data', (chunk: Buffer) => {
        if (!deaf) down.write(chunk);
      });
      const end = () => {
        for (const s of [down, up]) (s.destroy(), sockets.delete(s));
      };
      for (const s of [down, up]) s.on('error', end).on('close', end);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = new URL(schema.url);
    url.hostname = '127.0.0.1';
    url.port = String((server.address() as net.AddressInfo).port);
    return {
      url: url.toString(),
      arm: (m: string | undefined) => (marker = m),
      close: () => {
        for (const s of sockets) s.destroy();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  };

  it('a typed update stored though its answer was lost is not stored again when its writer, closed with 4503, sends it again', async () => {
    const proxy = await answerLosingProxy(new URL(schema.url));
    try {
      server = await startTestServer({ DATABASE_URL: proxy.url, DATABASE_SCHEMA: schema.schema, DATABASE_QUERY_TIMEOUT_MS: '1000' });
      const writer = await versionOneThenTwo();
      // Someone else has the document open: it stays in memory while the writer reconnects.
      const reader = client('doc');
      await reader.synced();
      const codes: number[] = [];
      writer.provider.on('connection-close', (event: CloseEvent | null) => event !== null && codes.push(event.code));
      proxy.arm('tandem_append');
      writer.doc.getXmlFragment('prosemirror').insert(1, [paragraph('three')]);
      await expect.poll(() => codes, { timeout: 10_000 }).toContain(4503);
      proxy.arm(undefined);
      // Stored all the same, at seq 3; the writer reconnects and sends what it was not told was stored.
      await expect.poll(async () => (await server!.store.getDocument('doc'))?.lastSeq, { timeout: 10_000 }).toBe(3);
      await writer.synced();
      await expect.poll(() => textOf(reader.doc)).toBe('two|three');
      // The room took seq 3 from the log before judging the resent update: held already, not stored twice.
      await server.rooms.withRoom('doc', (room) => room.settled());
      expect((await server.store.getDocument('doc'))?.lastSeq).toBe(3);
      expect(await stored('doc')).toBe('two|three');
    } finally {
      await proxy.close();
    }
  });

  it('a restore stored though its answer was lost is in the document before it is retried: retried, the version is there once', async () => {
    const proxy = await answerLosingProxy(new URL(schema.url));
    try {
      server = await startTestServer({ DATABASE_URL: proxy.url, DATABASE_SCHEMA: schema.schema, DATABASE_QUERY_TIMEOUT_MS: '1000' });
      const writer = await versionOneThenTwo();

      const restore = () =>
        fetch(`${server!.url}/api/docs/doc/restore`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seq: 1 }) });
      proxy.arm('tandem_append');
      expect((await restore()).status).toBe(503);
      proxy.arm(undefined);
      expect(await stored('doc')).toBe('version one'); // stored all the same

      // Told it failed, the person restores again: the document already holds the version.
      expect((await restore()).status).toBe(200);
      await expect.poll(() => textOf(writer.doc)).toBe('version one');
      expect(await stored('doc')).toBe('version one');
    } finally {
      await proxy.close();
    }
  });
});
