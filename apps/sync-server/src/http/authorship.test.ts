import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mintToken } from '../auth/token.js';
import { connectClient, hearBindings, type TestClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const SECRET = 'authorship-secret-0123456789-0123456789';
const DOC = 'team/notes';

type Range = [number, number, number, string, number];
interface AuthorshipBody {
  seq: number;
  authors: Record<string, { name: string; color: string; verified: boolean }>;
  ranges: Range[];
}

/** The author of each character of `text` still present, by the ranges ('?' where none says). */
function authorsOf(text: Y.Text, ranges: Range[]): string[] {
  const out: string[] = [];
  for (let item = text._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue;
    for (let i = 0; i < item.length; i++) {
      const clock = item.id.clock + i;
      const r = ranges.find(([c, from, len]) => c === item!.id.client && clock >= from && clock < from + len);
      out.push(r?.[3] ?? '?');
    }
  }
  return out;
}

describe('GET /api/docs/:doc/authorship', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const token = (user: string, role: 'editor' | 'viewer' = 'editor') => mintToken(SECRET, { userId: user, docs: ['team/*'], role, ttl: '1h' });
  const join = async (user: string) => {
    const client = connectClient(server.url, DOC, { params: { token: await token(user) } });
    clients.push(client);
    await client.synced();
    return client;
  };
  const lastSeq = async () => (await server.store.getDocument(DOC))?.lastSeq ?? 0;

  beforeEach(async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server.destroy();
  });

  it('names who inserted each passage still in the document, and when; a viewer may read it', async () => {
    const ada = await join('ada');
    const bob = await join('bob');
    const before = Date.now();
    ada.text.insert(0, 'alpha ');
    await expect.poll(lastSeq).toBe(1);
    await expect.poll(() => bob.text.toString()).toBe('alpha ');
    bob.text.insert(6, 'bravo');
    await expect.poll(lastSeq).toBe(2);
    bob.text.delete(0, 2); // bob deletes "al" of ada's word: gone from the answer
    await expect.poll(lastSeq).toBe(3);
    await expect.poll(() => ada.text.toString()).toBe('pha bravo');

    const res = await fetch(`${server.url}/api/docs/${encodeURIComponent(DOC)}/authorship`, {
      headers: { authorization: `Bearer ${await token('vera', 'viewer')}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as AuthorshipBody;
    expect(body.seq).toBe(3);
    expect(authorsOf(ada.text, body.ranges).join(',')).toBe('ada,ada,ada,ada,bob,bob,bob,bob,bob');
    expect(body.ranges.reduce((n, r) => n + r[2], 0)).toBe(9);
    for (const r of body.ranges) expect(r[4]).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Object.keys(body.authors).sort()).toEqual(['ada', 'bob']);
    expect(body.authors.ada!.color).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('names an author who has just typed by their record in every history answer, before the author recorder would have written it', async () => {
    await server.destroy();
    server = await startTestServer({ AUTH_SECRET: SECRET }, undefined, { authorsIntervalMs: 60_000 });
    const headers = { authorization: `Bearer ${await token('vera', 'viewer')}` };
    // One new author per answer, each still queued when it is asked for.
    for (const [seq, [user, path]] of [['ada', 'authorship'], ['bob', 'history'], ['cy', 'diff?from=0&to=3']].entries()) {
      const name = user!.toUpperCase();
      const typist = connectClient(server.url, DOC, { params: { token: await mintToken(SECRET, { userId: user!, name, docs: ['team/*'], role: 'editor', ttl: '1h' }) } });
      clients.push(typist);
      await typist.synced();
      typist.text.insert(0, user!);
      await expect.poll(lastSeq).toBe(seq + 1);
      expect(await server.store.listAuthors([user!])).toEqual([]); // still queued
      const res = await fetch(`${server.url}/api/docs/${encodeURIComponent(DOC)}/${path}`, { headers });
      expect(res.status).toBe(200);
      const { authors } = (await res.json()) as { authors: Record<string, unknown> };
      const [record] = await server.store.listAuthors([user!]);
      expect(authors[user!], path).toEqual({ name, color: record?.color, verified: true });
    }
  });

  it('names an author who typed and then left (or reconnected, as turning the colours on does) by their record, before the recorder would have written it', async () => {
    await server.destroy();
    server = await startTestServer({ AUTH_SECRET: SECRET }, undefined, { authorsIntervalMs: 60_000 });
    const headers = { authorization: `Bearer ${await token('vera', 'viewer')}` };
    const authorship = async () => ((await (await fetch(`${server.url}/api/docs/${encodeURIComponent(DOC)}/authorship`, { headers })).json()) as AuthorshipBody).authors;
    // Walt stays, so the document stays open; his record is written by the first answer.
    const walt = connectClient(server.url, DOC, { params: { token: await mintToken(SECRET, { userId: 'walt', name: 'WALT', docs: ['team/*'], role: 'editor', ttl: '1h' }) } });
    clients.push(walt);
    await walt.synced();
    walt.text.insert(0, 'w');
    await expect.poll(lastSeq).toBe(1);
    expect((await authorship()).walt).toMatchObject({ name: 'WALT' });
    // Ada types and is gone before anyone asks; her sighting is still queued.
    const ada = connectClient(server.url, DOC, { params: { token: await mintToken(SECRET, { userId: 'ada', name: 'ADA', docs: ['team/*'], role: 'editor', ttl: '1h' }) } });
    clients.push(ada);
    await ada.synced();
    ada.text.insert(0, 'ada');
    await expect.poll(lastSeq).toBe(2);
    ada.destroy();
    await expect.poll(() => server.rooms.loaded(DOC)?.connections.size).toBe(1);
    expect(await server.store.listAuthors(['ada'])).toEqual([]);
    expect((await authorship()).ada).toMatchObject({ name: 'ADA', verified: true });
  });

  it('names an author still queued by their record in the bindings a page asks for (?authors=1)', async () => {
    await server.destroy();
    server = await startTestServer({ AUTH_SECRET: SECRET }, undefined, { authorsIntervalMs: 60_000 });
    const ada = connectClient(server.url, DOC, { params: { token: await mintToken(SECRET, { userId: 'ada', name: 'ADA', docs: ['team/*'], role: 'editor', ttl: '1h' }) } });
    clients.push(ada);
    await ada.synced();
    ada.text.insert(0, 'ada');
    await expect.poll(lastSeq).toBe(1);
    expect(await server.store.listAuthors(['ada'])).toEqual([]); // still queued
    const vera = connectClient(server.url, DOC, { params: { token: await token('vera', 'viewer'), authors: '1' } });
    clients.push(vera);
    const heard = hearBindings(vera);
    await vera.synced();
    await expect.poll(() => heard.heard.length).toBeGreaterThan(0);
    expect(heard.heard.flatMap((m) => Object.entries(m.authors)).find(([id]) => id === 'ada')?.[1]).toMatchObject({ name: 'ADA' });
  });

  it('follows the log as it grows', async () => {
    const ada = await join('ada');
    ada.text.insert(0, 'one');
    await expect.poll(lastSeq).toBe(1);
    const get = async () =>
      (await (await fetch(`${server.url}/api/docs/${encodeURIComponent(DOC)}/authorship`, { headers: { authorization: `Bearer ${await token('ada')}` } })).json()) as AuthorshipBody;
    expect((await get()).seq).toBe(1);
    const bob = await join('bob');
    bob.text.insert(3, ' two');
    await expect.poll(lastSeq).toBe(2);
    const second = await get();
    expect(second.seq).toBe(2);
    await expect.poll(() => ada.text.toString()).toBe('one two');
    expect(authorsOf(ada.text, second.ranges).join('')).toBe('adaadaadabobbobbobbob');
  });

  it('answers 404 for a document that does not exist and 401 without a token', async () => {
    const missing = await fetch(`${server.url}/api/docs/team%2Fnone/authorship`, { headers: { authorization: `Bearer ${await token('ada')}` } });
    expect(missing.status).toBe(404);
    const anonymous = await fetch(`${server.url}/api/docs/${encodeURIComponent(DOC)}/authorship`);
    expect(anonymous.status).toBe(401);
  });
});
