// PostgreSQL whose disk is full: it answers every query but refuses to grow a table (SQLSTATE 53100, raised
// here by a trigger on the update log, as PostgreSQL does when it cannot extend a file). That is not the
// database being away: writes are refused as a full disk (4507), said once, reads go on being served, and
// writes are taken again once there is room, without a restart.

import { openPostgresStore } from '@tandem/persistence';
import { testSchema, type TestSchema } from '@tandem/persistence/testing/postgres';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { closeCodes, connectClient, type TestClient } from '../testing/clients.js';
import { metricTotal, startTestServer, type TestServer } from '../testing/in-process.js';

describe('PostgreSQL with a full disk', () => {
  let schema: TestSchema;
  let server: TestServer | undefined;
  let client: TestClient | undefined;
  let admin: pg.Client;

  beforeEach(async () => {
    schema = testSchema('diskfull');
    admin = new pg.Client({ connectionString: schema.url });
    await admin.connect();
  });

  afterEach(async () => {
    client?.destroy();
    await server?.destroy();
    server = undefined;
    await admin.end();
    await schema.drop();
  });

  const storedText = async () => {
    const store = await openPostgresStore({ url: schema.url, schema: schema.schema, readOnly: true });
    try {
      return (await store.getDocument('notes'))?.lastSeq ?? 0;
    } finally {
      await store.close();
    }
  };

  it('refuses writes with 4507 and says so once (not as the database away), serves reads meanwhile, and takes writes again once there is room', async () => {
    server = await startTestServer({ DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema });
    client = connectClient(server.url, 'notes');
    await client.synced();
    client.text.insert(0, 'kept');
    await expect.poll(storedText).toBe(1);

    await admin.query(`SET search_path TO "${schema.schema}"`);
    await admin.query(`CREATE FUNCTION disk_is_full() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = '53100'; END $$`);
    await admin.query('CREATE TRIGGER disk_is_full BEFORE INSERT ON updates FOR EACH ROW EXECUTE FUNCTION disk_is_full()');
    const codes = closeCodes(client);
    client.text.insert(4, ' and more');
    // Refused as a full disk; the stock client reconnects and sends it again, and is refused again.
    await expect.poll(() => codes.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    expect(new Set(codes)).toEqual(new Set([4507]));
    // Said once, as what it is: not an outage of the database that comes and goes with every attempt.
    expect(server.logs.filter((l) => l.event === 'database-unavailable' || l.event === 'database-recovered')).toEqual([]);
    expect(server.logs.filter((l) => l.event === 'database-disk-full')).toHaveLength(1);
    expect(await metricTotal(server, 'store_available')).toBe(0);
    // Reads need no room: the document is served, and the instance stays ready for them.
    const read = await fetch(`${server.url}/api/docs/notes/content?format=yjs`);
    expect(read.status).toBe(200);
    const served = new Y.Doc();
    Y.applyUpdate(served, new Uint8Array(await read.arrayBuffer()));
    expect(served.getText('t').toString()).toBe('kept');
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    // Room is made: the client's next attempt is stored, and that is said once too.
    await admin.query('DROP TRIGGER disk_is_full ON updates');
    await expect.poll(storedText, { timeout: 20_000 }).toBe(2);
    await expect.poll(() => server!.logs.filter((l) => l.event === 'database-disk-recovered').length).toBe(1);
    expect(await metricTotal(server, 'store_available')).toBe(1);
    expect(server.logs.filter((l) => l.event === 'database-disk-full')).toHaveLength(1);
  }, 60_000);
});
