// Who wrote what, end to end: real y-websocket clients against the real server, the authors table
// read back from the server's own store.

import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { mintToken } from '../auth/token.js';
import { connectClient, type TestClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const SECRET = 'test-secret-that-is-long-enough-0123456789';
const ADA = 'AdaAdaAdaAdaAdaAdaAda1'; // 22 characters, as the editor makes them
const POLL = { timeout: 10_000, interval: 50 };

let server: TestServer | undefined;
let clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients) c.destroy();
  clients = [];
  await server?.destroy();
  server = undefined;
});

const connect = (doc: string, params: Record<string, string>) => {
  const client = connectClient(server!.url, doc, { params });
  clients.push(client);
  return client;
};

const authorsOf = async (doc: string) => [...new Set((await server!.store.readUpdates(doc)).map((u) => u.author))];
const record = async (id: string) => (await server!.store.listAuthors([id]))[0];

/** Runs one statement on the server's database, whichever engine the test run uses. */
async function sql(statement: string): Promise<void> {
  const { config } = server!;
  if (config.databaseUrl === undefined) {
    const db = new Database(path.join(config.dataDir, 'tandem.sqlite'));
    db.pragma('busy_timeout = 5000');
    try {
      db.exec(statement);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    await client.query(`SET search_path TO "${config.databaseSchema}"`);
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const metric = async (name: string) => {
  const text = await (await fetch(`${server!.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
};

describe('authors without authentication', () => {
  it('stores a guest identity as the author and records it with its name, unverified', async () => {
    server = await startTestServer();
    const before = Date.now();
    const ada = connect('notes', { author: ADA, name: '  Ada\u0007 Lovelace ' });
    await ada.synced();
    ada.text.insert(0, 'hello');
    await expect.poll(() => authorsOf('notes'), POLL).toEqual([`guest:${ADA}`]);
    await expect.poll(() => record(`guest:${ADA}`), POLL).toMatchObject({ name: 'Ada Lovelace', verified: false, color: expect.stringMatching(/^#[0-9a-f]{6}$/) });
    expect((await record(`guest:${ADA}`))!.firstSeen).toBeGreaterThanOrEqual(before);
  });

  it('gives a reconnect with the same id the same author, and updates lastSeen when it leaves', async () => {
    server = await startTestServer();
    const first = connect('notes', { author: ADA, name: 'Ada' });
    await first.synced();
    first.text.insert(0, 'one ');
    await expect.poll(() => authorsOf('notes'), POLL).toHaveLength(1);
    await expect.poll(() => record(`guest:${ADA}`), POLL).toBeDefined();
    const { color, firstSeen } = (await record(`guest:${ADA}`))!;
    first.destroy();
    const left = Date.now();
    // The next connection: a new provider and Y.Doc, as after a reload.
    const second = connect('notes', { author: ADA, name: 'Ada' });
    await second.synced();
    second.text.insert(0, 'two ');
    await expect.poll(async () => (await server!.store.readUpdates('notes')).length, POLL).toBeGreaterThanOrEqual(2);
    expect(await authorsOf('notes')).toEqual([`guest:${ADA}`]);
    second.destroy();
    await expect.poll(async () => (await record(`guest:${ADA}`))!.lastSeen, POLL).toBeGreaterThanOrEqual(left);
    expect(await record(`guest:${ADA}`)).toMatchObject({ color, firstSeen });
  });

  it('records a rename the guest makes in its presence (awareness user.name)', async () => {
    server = await startTestServer();
    const ada = connect('notes', { author: ADA, name: 'Ada' });
    await ada.synced();
    await expect.poll(() => record(`guest:${ADA}`), POLL).toMatchObject({ name: 'Ada' });
    ada.provider.awareness.setLocalStateField('user', { name: 'Ada L.', color: '#123456' });
    ada.provider.awareness.setLocalStateField('user', { name: 'Countess Lovelace', color: '#123456' });
    await expect.poll(async () => (await record(`guest:${ADA}`))?.name, POLL).toBe('Countess Lovelace');
  });

  it('falls back to a per-connection author for an id that is not one, recording nobody', async () => {
    server = await startTestServer();
    const stock = connect('notes', { author: 'short', name: 'Mallory' });
    const spaced = connect('other', { author: 'has spaces in it, which ids never do', name: 'Eve' });
    await Promise.all([stock.synced(), spaced.synced()]);
    stock.text.insert(0, 'x');
    spaced.text.insert(0, 'y');
    await expect.poll(async () => [...(await authorsOf('notes')), ...(await authorsOf('other'))], POLL).toEqual([
      expect.stringMatching(/^conn-[0-9a-f-]{36}$/),
      expect.stringMatching(/^conn-[0-9a-f-]{36}$/),
    ]);
    expect(await server.store.listAuthors(['guest:short', ...(await authorsOf('notes'))])).toEqual([]);
  });

  it('keeps editing while the authors table cannot be written, says so once, and records the author once it can', async () => {
    server = await startTestServer();
    await sql('ALTER TABLE authors RENAME TO authors_away');
    const ada = connect('notes', { author: ADA, name: 'Ada' });
    await ada.synced();
    ada.text.insert(0, 'still typing');
    await expect.poll(() => authorsOf('notes'), POLL).toEqual([`guest:${ADA}`]);
    // Failed writes, retried with each batch: a second guest's sighting fails too.
    await expect.poll(() => metric('tandem_authors_record_failed_total'), POLL).toBeGreaterThanOrEqual(1);
    const bob = connect('notes', { author: 'BobBobBobBobBobBobBob1', name: 'Bob' });
    await bob.synced();
    bob.text.insert(0, 'me too ');
    await expect.poll(() => metric('tandem_authors_record_failed_total'), POLL).toBeGreaterThanOrEqual(2);
    await expect.poll(async () => ada.text.toString() === bob.text.toString() && ada.text.toString(), POLL).toBe('me too still typing');
    expect(server.logs.filter((l) => l.event === 'authors-record-failed')).toHaveLength(1);

    await sql('ALTER TABLE authors_away RENAME TO authors');
    await expect.poll(async () => (await server!.store.listAuthors([`guest:${ADA}`, 'guest:BobBobBobBobBobBobBob1'])).map((a) => a.name).sort(), POLL).toEqual([
      'Ada',
      'Bob',
    ]);
    // The names are readable once committed; the recorder says so once the flush that follows ends.
    await expect.poll(() => server!.logs.filter((l) => l.event === 'authors-recorded-again').length, POLL).toBe(1);
  });
});

describe('authors with authentication', () => {
  it('takes the token’s sub and name, verified, and ignores the guest parameters and presence names', async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET });
    const token = await mintToken(SECRET, { userId: 'u-17', name: 'Una', docs: ['*'], role: 'editor', ttl: '1h' });
    const una = connect('notes', { token, author: ADA, name: 'Not Una' });
    await una.synced();
    una.text.insert(0, 'signed');
    una.provider.awareness.setLocalStateField('user', { name: 'Someone else', color: '#123456' });
    await expect.poll(() => authorsOf('notes'), POLL).toEqual(['u-17']);
    await expect.poll(() => record('u-17'), POLL).toMatchObject({ name: 'Una', verified: true });
    una.destroy();
    const left = Date.now();
    await expect.poll(async () => (await record('u-17'))!.lastSeen, POLL).toBeGreaterThanOrEqual(left);
    expect(await record('u-17')).toMatchObject({ name: 'Una' });
    expect(await record(`guest:${ADA}`)).toBeUndefined();
  });
});
