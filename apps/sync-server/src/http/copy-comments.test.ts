// "Make a copy" stored the whole state as one update by the copier, and a comment's author is whoever stored
// the update that made it: in the copy every comment and reply was the copier's, theirs to edit or delete
// (found by a review). The copy starts without the comments, as Google Docs' Make a copy does by default.
import { FRAGMENT } from '@tandem/schema';
import { COMMENTS, newCommentFields } from '@tandem/schema/comments';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mintToken } from '../auth/token.js';
import { UpdateGate } from '../sync/update-gate.js';
import { connectClient, type TestClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const SECRET = 'copy-comments-secret-0123456789-0123456789';

describe('a copy of a document with comments', () => {
  let server: TestServer | undefined;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server?.destroy();
    server = undefined;
  });
  const tok = (user: string) => mintToken(SECRET, { userId: user, name: user, docs: ['*'], role: 'editor', ttl: '1h' });
  const api = async (user: string, path: string, init: RequestInit = {}) =>
    fetch(`${server!.url}/api/docs/${path}`, { ...init, headers: { authorization: `Bearer ${await tok(user)}`, 'content-type': 'application/json' } });

  it('holds the text and none of the comments: nobody becomes the author of another\'s words', async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET });
    const ada = connectClient(server.url, 'src', { params: { token: await tok('ada') } });
    clients.push(ada);
    await ada.synced();
    const text = new Y.XmlText();
    ada.doc.transact(() => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [text]);
      ada.doc.getXmlFragment(FRAGMENT).insert(0, [p]);
      text.insert(0, 'hello world');
    });
    const anchor = { start: Y.createRelativePositionFromTypeIndex(text, 0, 0), end: Y.createRelativePositionFromTypeIndex(text, 5, -1) };
    const map = new Y.Map<unknown>();
    for (const [k, v] of Object.entries(newCommentFields({ body: 'Ada says', anchor }))) map.set(k, v);
    ada.doc.getMap(COMMENTS).set('c1', map);
    await expect.poll(async () => (await server!.store.getDocument('src'))?.lastSeq).toBe(2);
    const threads = async (doc: string) => ((await (await api('zed', `${doc}/comments`)).json()).threads as Array<{ author: { id: string } }>).map((t) => t.author.id);
    expect(await threads('src')).toEqual(['ada']);

    expect((await api('zed', 'src/duplicate', { method: 'POST', body: JSON.stringify({ to: 'copy' }) })).status).toBe(201);
    expect(await threads('copy')).toEqual([]);
    expect(await (await api('zed', 'copy/content?format=text')).text()).toBe('hello world');
    // The original keeps its conversation.
    expect(await threads('src')).toEqual(['ada']);
    const copy = new Y.Doc();
    for (const u of await server.store.readUpdates('copy')) Y.applyUpdate(copy, u.update);
    expect(JSON.stringify(copy.getMap(COMMENTS).toJSON())).toBe('{}');
    expect(Buffer.from(Y.encodeStateAsUpdate(copy)).toString('utf8')).not.toContain('Ada says');
    expect(Buffer.from(Y.encodeStateAsUpdate(ada.doc)).toString('utf8')).toContain('Ada says');
  });

  // A document stored before the update gate judged values (found by a review of the paths that write content
  // without the gate): the copy is a new document, stored as one edit; it holds the values as the editor reads them.
  it('holds values the schema refuses in the original as the editor reads them: its one edit is one the update gate admits', async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET });
    const original = new Y.Doc();
    const heading = new Y.XmlElement('heading');
    const cell = new Y.XmlElement('table_cell');
    const row = new Y.XmlElement('table_row');
    const table = new Y.XmlElement('table');
    const p = new Y.XmlElement('paragraph');
    const cellText = new Y.XmlElement('paragraph');
    cellText.insert(0, [new Y.XmlText('cell')]);
    cell.insert(0, [cellText]);
    row.insert(0, [cell]);
    table.insert(0, [row]);
    const linked = new Y.XmlText();
    p.insert(0, [linked]);
    original.getXmlFragment(FRAGMENT).insert(0, [heading, table, p]);
    heading.insert(0, [new Y.XmlText('Title')]);
    heading.setAttribute('level', 'abc');
    cell.setAttribute('colspan', 1e308 as unknown as string);
    linked.insert(0, 'odd link', { link: 5 });
    await server.store.append([{ doc: 'src', entries: [{ update: Y.encodeStateAsUpdate(original), author: 'mallory', receivedAt: Date.now() }] }]);

    expect((await api('zed', 'src/duplicate', { method: 'POST', body: JSON.stringify({ to: 'copy' }) })).status).toBe(201);
    const stored = (await server.store.readUpdates('copy')).map((u) => u.update);
    const verdicts = new UpdateGate(new Y.Doc(), 'copy').admitAll(stored);
    expect(verdicts.map(String)).toEqual(stored.map(() => 'store'));
    expect(await (await api('zed', 'copy/content?format=text')).text()).toContain('odd link');
  });
});
