import { afterEach, describe, expect, it } from 'vitest';
import { mintToken } from '../auth/token.js';
import { closeCodes, connectClient, type TestClient } from '../testing/clients.js';
import { metricTotal, startTestServer, type TestServer } from '../testing/in-process.js';
import { purgeExpired } from '../trash/purge.js';
import { MAX_TRASH_LISTED } from './trash.routes.js';

const SECRET = 'trash-test-secret-0123456789abcdef0123';
const DAY_MS = 86_400_000;

describe('the trash (DELETE /api/docs/<doc>, /api/trash)', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server?.destroy();
  });
  const client = async (doc: string) => {
    const c = connectClient(server.url, doc);
    clients.push(c);
    await c.synced();
    return c;
  };
  const api = (path: string, init: RequestInit = {}) => fetch(`${server.url}/api/${path}`, init);
  const json = (method: string, path: string, headers: Record<string, string> = {}) =>
    api(path, { method, headers: { 'content-type': 'application/json', ...headers } });

  it('closes everyone with 4410, refuses them from then on, and keeps what a client writes afterwards out', async () => {
    server = await startTestServer();
    const ann = await client('plans/q3');
    ann.text.insert(0, 'before');
    await expect.poll(async () => (await server.store.getDocument('plans/q3'))?.lastSeq).toBe(1);
    const codes = closeCodes(ann);

    const deleted = await json('DELETE', 'docs/plans%2Fq3');
    expect(deleted.status).toBe(200);
    const body = (await deleted.json()) as { trashedAt: string; purgeAt: string; trashedBy: string };
    expect(Date.parse(body.purgeAt) - Date.parse(body.trashedAt)).toBe(30 * DAY_MS);
    expect(body.trashedBy).toBe('api');
    await expect.poll(() => codes[0]).toBe(4410);
    // A 44xx close is final for a stock y-websocket client: it stops reconnecting. One that connects
    // anyway with its own copy (a browser tab reopened) is closed the same way, and nothing it holds is stored.
    const copy = connectClient(server.url, 'plans/q3', { connect: false });
    clients.push(copy);
    copy.text.insert(0, 'a copy written after the delete');
    const copyCodes = closeCodes(copy);
    copy.provider.connect();
    await expect.poll(() => copyCodes[0]).toBe(4410);
    expect((await server.store.getDocument('plans/q3'))!.lastSeq).toBe(1);

    expect(((await (await api('docs')).json()) as { documents: Array<{ name: string }> }).documents.map((d) => d.name)).not.toContain('plans/q3');
    expect((await api('docs/plans%2Fq3')).status).toBe(410);
    expect((await api('docs/plans%2Fq3/history')).status).toBe(410);
    expect((await api('docs/plans%2Fq3/content?format=text')).status).toBe(410);
    const trash = (await (await api('trash')).json()) as { trash: Array<{ doc: string }>; trashDays: number };
    expect(trash).toMatchObject({ trash: [{ doc: 'plans/q3' }], trashDays: 30 });
    expect((await json('DELETE', 'docs/plans%2Fq3')).status).toBe(410); // in the trash already
  });

  it('counts a document trashed while open as unloaded in tandem_documents_open, however many come and go', async () => {
    server = await startTestServer();
    for (let i = 0; i < 3; i++) {
      const c = await client(`open/${i}`);
      c.text.insert(0, 'text');
      await expect.poll(async () => (await server.store.getDocument(`open/${i}`))?.lastSeq).toBe(1);
      expect((await json('DELETE', `docs/open%2F${i}`)).status).toBe(200);
    }
    await expect.poll(() => server.rooms.openRooms).toBe(0);
    expect(await metricTotal(server, 'documents_open')).toBe(0);
  });

  it('restores a document whole: clients reconnect and find it as it was', async () => {
    server = await startTestServer();
    const ann = await client('restore/me');
    ann.text.insert(0, 'kept');
    await expect.poll(async () => (await server.store.getDocument('restore/me'))?.lastSeq).toBe(1);
    await json('DELETE', 'docs/restore%2Fme');
    ann.destroy();
    clients.splice(clients.indexOf(ann), 1);
    expect((await json('POST', 'trash/restore%2Fme/restore')).status).toBe(200);
    expect((await json('POST', 'trash/restore%2Fme/restore')).status).toBe(404);
    const ben = await client('restore/me');
    expect(ben.text.toString()).toBe('kept');
    expect((await api('docs/restore%2Fme')).status).toBe(200);
  });

  it('purges only from the trash, by hand or after TRASH_DAYS, and a restored document is never purged', async () => {
    server = await startTestServer({ TRASH_DAYS: '7' });
    for (const doc of ['old', 'restored', 'live']) {
      const c = await client(doc);
      c.text.insert(0, doc);
      await expect.poll(async () => (await server.store.getDocument(doc))?.lastSeq).toBe(1);
    }
    for (const c of clients.splice(0)) c.destroy();
    expect((await json('DELETE', 'trash/live')).status).toBe(409); // not in the trash: never purged directly
    await json('DELETE', 'docs/old');
    await json('DELETE', 'docs/restored');
    await json('POST', 'trash/restored/restore');
    expect(await purgeExpired(server.store, 7, Date.now() + 6 * DAY_MS)).toEqual([]);
    expect(await purgeExpired(server.store, 7, Date.now() + 8 * DAY_MS)).toEqual(['old']);
    expect(await server.store.getDocument('old')).toBeUndefined();
    expect(await server.store.getDocument('restored')).toBeDefined();
    await json('DELETE', 'docs/live');
    expect((await json('DELETE', 'trash/live')).status).toBe(200);
    expect(await server.store.getDocument('live')).toBeUndefined();
    expect((await (await api('trash')).json()) as unknown).toMatchObject({ trash: [] });
  });

  it('lists at most MAX_TRASH_LISTED, oldest first, with more: true beyond; the token\'s scope is applied in the store\'s query', async () => {
    // Every document in the trash was read on each GET /api/trash, whoever asked: 200 000 (a script creates
    // and deletes about 50 a second) held the server's thread 1.4 s per request (found by a review).
    server = await startTestServer({ AUTH_SECRET: SECRET });
    const at = Date.now() - DAY_MS;
    for (let i = 0; i <= MAX_TRASH_LISTED; i++) {
      const doc = `mess/${String(i).padStart(4, '0')}`;
      await server.store.append([{ doc, entries: [{ update: new Uint8Array([0, 0]), author: 'mallory', receivedAt: at }] }]);
      await server.store.trashDocument(doc, { at: at + i, by: 'mallory' });
    }
    await server.store.append([{ doc: 'mine/one', entries: [{ update: new Uint8Array([0, 0]), author: 'ann', receivedAt: at }] }]);
    await server.store.trashDocument('mine/one', { at: at + 5_000, by: 'ann' });
    const list = async (docs: string[]) => {
      const token = await mintToken(SECRET, { userId: 'ann', docs, role: 'viewer', ttl: '1h' });
      return (await (await api('trash', { headers: { authorization: `Bearer ${token}` } })).json()) as { trash: Array<{ doc: string }>; more: boolean };
    };
    const all = await list(['*']);
    expect(all.trash).toHaveLength(MAX_TRASH_LISTED);
    expect([all.trash[0]!.doc, all.trash.at(-1)!.doc, all.more]).toEqual(['mess/0000', `mess/${String(MAX_TRASH_LISTED - 1).padStart(4, '0')}`, true]);
    expect(await list(['mine/*'])).toMatchObject({ trash: [{ doc: 'mine/one' }], more: false });
  });

  it('lets only editors delete, restore and purge, and lists only what a token may open', async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET });
    const token = (role: 'editor' | 'viewer', docs = ['*']) => mintToken(SECRET, { userId: role, docs, role, ttl: '1h' });
    const editor = { authorization: `Bearer ${await token('editor')}` };
    const viewer = { authorization: `Bearer ${await token('viewer')}` };
    const c = connectClient(server.url, 'team/a', { params: { token: await token('editor') } });
    clients.push(c);
    await c.synced();
    c.text.insert(0, 'x');
    await expect.poll(async () => (await server.store.getDocument('team/a'))?.lastSeq).toBe(1);
    expect((await json('DELETE', 'docs/team%2Fa', viewer)).status).toBe(403);
    expect((await json('DELETE', 'docs/team%2Fa', editor)).status).toBe(200);
    expect((await server.store.inTrash('team/a'))?.trashedBy).toBe('editor');
    const other = { authorization: `Bearer ${await token('editor', ['other/*'])}` };
    expect(((await (await api('trash', { headers: other })).json()) as { trash: unknown[] }).trash).toEqual([]);
    expect((await json('POST', 'trash/team%2Fa/restore', viewer)).status).toBe(403);
    expect((await json('DELETE', 'trash/team%2Fa', viewer)).status).toBe(403);
  });
});
