import { afterEach, describe, expect, it } from 'vitest';
import { mayOpen, mintToken, type Principal } from '../auth/token.js';
import { connectClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const SECRET = 'doc-list-test-secret-0123456789abcdef';
const T0 = 1_700_000_000_000;

interface Listed {
  name: string;
  lastChangeAt: string;
  updateCount: number;
  lastAuthor: { id: string; name: string; color: string; verified: boolean } | null;
}
interface Page {
  documents: Listed[];
  nextCursor: string | null;
}

describe('GET /api/docs: a page of documents, searched and sorted, with each one’s last author', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.destroy();
  });
  const get = (query: string, token?: string) =>
    fetch(`${server.url}/api/docs${query}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  const page = async (query: string, token?: string) => {
    const res = await get(query, token);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as Page;
  };
  /** Every page, following nextCursor; the names of each. */
  const allPages = async (query: string, token?: string) => {
    const pages: string[][] = [];
    let next: string | null = '';
    while (next !== null && pages.length < 50) {
      const p: Page = await page(`${query}${next === '' ? '' : `&cursor=${encodeURIComponent(next)}`}`, token);
      pages.push(p.documents.map((d) => d.name));
      next = p.nextCursor;
    }
    return pages;
  };
  const write = (doc: string, at: number, author = 'alice') =>
    server.store.append([{ doc, entries: [{ update: new Uint8Array([1]), author, receivedAt: at }] }]);

  it('names someone who has just edited by their record, before the author recorder would have written it', async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET }, undefined, { authorsIntervalMs: 60_000 });
    const token = await mintToken(SECRET, { userId: 'ada', name: 'Ada', docs: ['*'], role: 'editor', ttl: '1h' });
    const ada = connectClient(server.url, 'fresh', { params: { token } });
    try {
      await ada.synced();
      ada.doc.getText('t').insert(0, 'hello');
      await expect.poll(async () => (await server.store.readUpdates('fresh')).length, { timeout: 10_000 }).toBe(1);
      expect(await server.store.listAuthors(['ada'])).toEqual([]); // still queued
      const [listed] = (await page('', token)).documents;
      const [record] = await server.store.listAuthors(['ada']);
      expect(listed!.lastAuthor).toEqual({ id: 'ada', name: 'Ada', color: record!.color, verified: true });
    } finally {
      ada.destroy();
    }
  });

  it('pages by 50 when no limit is asked, newest change first, each row with its last author’s name and colour', async () => {
    server = await startTestServer();
    for (let i = 0; i < 55; i++) await write(`doc-${String(i).padStart(2, '0')}`, T0 + i * 1000, i % 2 === 0 ? 'ada' : 'guest:abcdefghij');
    await server.store.recordAuthors([{ id: 'ada', name: 'Ada Lovelace', verified: true, seenAt: T0 }]);
    await server.store.trashDocument('doc-54', { at: T0 + 60_000, by: 'ada' });

    const first = await page('');
    expect(first.documents).toHaveLength(50);
    expect(first.documents[0]).toMatchObject({ name: 'doc-53', lastChangeAt: new Date(T0 + 53_000).toISOString(), updateCount: 1, connections: 0 });
    expect(first.documents[0]!.lastAuthor).toEqual({ id: 'guest:abcdefghij', name: 'Guest abcdef', color: expect.stringMatching(/^#[0-9a-f]{6}$/), verified: false });
    expect(first.documents[1]!.lastAuthor).toEqual({ id: 'ada', name: 'Ada Lovelace', color: expect.stringMatching(/^#[0-9a-f]{6}$/), verified: true });
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await page(`?cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(second.documents.map((d) => d.name)).toEqual(['doc-03', 'doc-02', 'doc-01', 'doc-00']);
    expect(second.nextCursor).toBeNull();
  });

  it('searches names in any case and sorts by name, with paging inside the matches', async () => {
    server = await startTestServer();
    for (const [i, doc] of ['Plans/Q3', 'plans/q4', 'notes', 'old plans', 'plan_b', 'planXb'].entries()) await write(doc, T0 + i);
    expect((await page('?q=PLAN&sort=name')).documents.map((d) => d.name)).toEqual(['Plans/Q3', 'old plans', 'planXb', 'plan_b', 'plans/q4']);
    expect((await page('?q=n_b')).documents.map((d) => d.name)).toEqual(['plan_b']);
    expect((await page('?q=%25')).documents).toEqual([]);
    expect(await allPages('?q=plans&sort=name&limit=2')).toEqual([['Plans/Q3', 'old plans'], ['plans/q4']]);
    expect((await page('?q=nothing')).documents).toEqual([]);
  });

  it('lists only what the token may open, in full pages while more of those exist', async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET });
    // The visible documents are scattered among many the token may not open, so a page filtered after
    // the query would come back short or empty.
    const visible = ['shared', 'team/a', 'team/b', 'team/c', 'teamwork', 'team/d'];
    let t = T0;
    for (const doc of visible) {
      for (let i = 0; i < 8; i++) await write(`hidden/${doc}-${i}`, (t += 10));
      await write(doc, (t += 10));
    }
    await write('Team/e', (t += 10));
    const principal: Principal = { userId: 'bob', name: 'Bob', role: 'viewer', docs: ['team/*', 'shared', 'teamw*'] };
    const token = await mintToken(SECRET, { ...principal, ttl: '1h' });
    const pages = await allPages('?limit=2', token);
    expect(pages).toEqual([['team/d', 'teamwork'], ['team/c', 'team/b'], ['team/a', 'shared']]);
    // The store's scope is mayOpen's rule: the same documents, none more.
    const all = (await server.store.listDocuments()).map((d) => d.name);
    expect(pages.flat().sort()).toEqual(all.filter((name) => mayOpen(principal, name)).sort());
    expect(await allPages('?limit=3&sort=name&q=TEAM', token)).toEqual([['team/a', 'team/b', 'team/c'], ['team/d', 'teamwork']]);
    const one = await mintToken(SECRET, { userId: 'carol', docs: ['team/c'], role: 'viewer', ttl: '1h' });
    expect(await allPages('?limit=1', one)).toEqual([['team/c']]);
    expect((await get('?limit=2')).status).toBe(401);
  });

  it('refuses a bad limit, sort or cursor with 400 and says which', async () => {
    server = await startTestServer();
    await write('a', T0);
    await write('b', T0 + 1);
    const first = await page('?limit=1');
    for (const [query, says] of [
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?limit=ten', 'limit'],
      ['?sort=size', 'sort'],
      ['?cursor=not-a-cursor', 'cursor'],
      [`?sort=name&cursor=${encodeURIComponent(first.nextCursor!)}`, 'sorted by lastChange'],
      [`?q=${'x'.repeat(201)}`, 'q'],
      // A control character (U+0000 above all: PostgreSQL's text cannot hold it, which answered 503).
      ['?q=a%00', 'control character'],
      [`?sort=name&cursor=${Buffer.from(JSON.stringify(['name', 0, 'a\u0000'])).toString('base64url')}`, 'cursor'],
    ] as const) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message, query).toContain(says);
    }
    expect((await page(`?limit=1&cursor=${encodeURIComponent(first.nextCursor!)}`)).documents.map((d) => d.name)).toEqual(['a']);
  });
});
