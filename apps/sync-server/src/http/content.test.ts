import { FRAGMENT } from '@tandem/schema';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mintToken } from '../auth/token.js';
import { connectClient, type TestClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const SECRET = 'content-api-test-secret-0123456789abcdef';
const MARKDOWN = `# Plan

Some *emphasis*, **strong** and a [link](https://example.com).

- first
- second

1. one

> quoted

\`\`\`
code here
\`\`\`
`;

/** The text of every paragraph-like block a client's document holds, in order. */
const blocks = (c: TestClient) =>
  c.doc
    .getXmlFragment(FRAGMENT)
    .toArray()
    .map((node) => (node instanceof Y.XmlElement ? `${node.nodeName}:${node.toArray().map((x) => (x instanceof Y.XmlText ? x.toString() : x.toString().replace(/<[^>]+>/g, ''))).join('')}` : ''));

describe('the document API (PUT /api/docs/<doc>, POST …/updates, POST …/content, GET …/content)', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server?.destroy();
  });
  const client = async (doc: string, params: Record<string, string> = {}) => {
    const c = connectClient(server.url, doc, { params });
    clients.push(c);
    await c.synced();
    return c;
  };
  const api = (path: string, init: RequestInit = {}) => fetch(`${server.url}/api/docs/${path}`, init);
  const send = (method: string, path: string, type: string, body: BodyInit, headers: Record<string, string> = {}) =>
    api(path, { method, headers: { 'content-type': type, ...headers }, body });

  it('creates a document from Markdown that editors see and that exports back to the same Markdown', async () => {
    server = await startTestServer();
    const created = await send('PUT', 'imported%2Fplan', 'text/markdown; charset=utf-8', MARKDOWN);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ doc: 'imported/plan', seq: 1, changed: true });
    const reader = await client('imported/plan');
    expect(blocks(reader)[0]).toBe('heading:Plan');
    const md = await (await api('imported%2Fplan/content?format=markdown')).text();
    // Round trip: headings, emphasis, links, both lists, quotes and code blocks survive.
    for (const part of ['# Plan', '*emphasis*', '**strong**', '[link](https://example.com)', '* first', '1. one', '> quoted', '```\ncode here\n```']) {
      expect(md).toContain(part);
    }
    const [stored] = await server.store.readUpdates('imported/plan');
    expect(stored!.author).toBe('api');
    // Once it exists, PUT refuses (POST …/content replaces), and nothing more is stored.
    const again = await send('PUT', 'imported%2Fplan', 'text/markdown', '# Other');
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe('conflict');
    expect((await server.store.getDocument('imported/plan'))!.lastSeq).toBe(1);
  });

  it('creates from ProseMirror JSON (as a JSON export gives it) and from a Yjs update, and refuses what is not a document', async () => {
    server = await startTestServer();
    await send('PUT', 'a', 'text/markdown', '# From markdown');
    const exported = await (await api('a/content?format=json')).json();
    expect((await send('PUT', 'b', 'application/json', JSON.stringify(exported))).status).toBe(201);
    expect(await (await api('b/content?format=markdown')).text()).toBe('# From markdown');

    const source = new Y.Doc();
    source.getXmlFragment(FRAGMENT).insert(0, [new Y.XmlElement('paragraph')]);
    (source.getXmlFragment(FRAGMENT).get(0) as Y.XmlElement).insert(0, [new Y.XmlText('from yjs')]);
    expect((await send('PUT', 'c', 'application/octet-stream', Y.encodeStateAsUpdate(source))).status).toBe(201);
    expect(await (await api('c/content?format=text')).text()).toBe('from yjs');

    const notJson = await send('PUT', 'd', 'application/json', '{"type":');
    expect(notJson.status).toBe(400);
    const wrongSchema = await send('PUT', 'd', 'application/json', JSON.stringify({ type: 'doc', content: [{ type: 'table' }] }));
    expect(wrongSchema.status).toBe(400);
    expect((await wrongSchema.json()).error.message).toMatch(/schema/);
    const garbage = await send('PUT', 'd', 'application/octet-stream', new Uint8Array([0xff, 0xfe, 0x01, 0x02]));
    expect(garbage.status).toBe(422);
    const plain = await send('PUT', 'd', 'text/plain', 'hello');
    expect(plain.status).toBe(415);
    // An empty Yjs update creates nothing: it answered 201 for a document that did not exist (found by a review).
    const empty = await send('PUT', 'd', 'application/octet-stream', new Uint8Array([0, 0]));
    expect({ status: empty.status, message: (await empty.json()).error.message }).toEqual({ status: 400, message: 'The update holds no content: nothing was created' });
    // Nested past what anyone writes (small bodies, converted on the server's thread; one on a history
    // thread): 400 saying so, where the recursion to Yjs used to overflow its stack (500).
    const deepJson = `{"type":"doc","content":[${'{"type":"blockquote","content":['.repeat(5_000)}{"type":"paragraph"}${']}'.repeat(5_000)}]}`;
    for (const [type, body, how] of [
      ['text/html', `${'<blockquote>'.repeat(1_000)}x`, 'PUT'],
      ['text/html', `${'<blockquote>'.repeat(1_000)}x`, 'POST'],
      ['application/json', deepJson, 'PUT'],
      ['text/markdown', `${'>'.repeat(40_000)} deep`, 'PUT'],
    ] as const) {
      const res = await send(how, how === 'POST' ? 'd/content' : 'd', type, body);
      expect({ type, how, status: res.status, message: (await res.json()).error.message }).toEqual({ type, how, status: 400, message: 'The document is nested more than 100 levels deep' });
    }
    expect(await server.store.getDocument('d')).toBeUndefined();
  });

  it('refuses JSON against the schema without putting its text into the log line or the answer', async () => {
    server = await startTestServer();
    const misplaced = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'salary of Ann: 123456' }] }] }] };
    const res = await send('PUT', 'leaky', 'application/json', JSON.stringify(misplaced));
    expect(res.status).toBe(400);
    const message: string = (await res.json()).error.message;
    expect(message).toBe("Not a document of this editor's schema: Invalid content for node paragraph");
    expect(server.logs.filter((line) => JSON.stringify(line).includes('salary'))).toEqual([]);
  });

  it('applies a Yjs update as an edit that connected clients see live, and says when it changes nothing', async () => {
    server = await startTestServer();
    const reader = await client('live');
    const writer = new Y.Doc();
    writer.getText('t').insert(0, 'sent over HTTP');
    const update = Y.encodeStateAsUpdate(writer);
    const first = await send('POST', 'live/updates', 'application/octet-stream', update);
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ seq: 1, changed: true });
    await expect.poll(() => reader.text.toString()).toBe('sent over HTTP');
    const again = await send('POST', 'live/updates', 'application/octet-stream', update);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ seq: null, changed: false });
    expect((await server.store.getDocument('live'))!.lastSeq).toBe(1);
  });

  it('replaces the content with Markdown as one edit against what is there: unchanged paragraphs keep their items', async () => {
    server = await startTestServer();
    await send('PUT', 'replace', 'text/markdown', '# Notes\n\nkeep this paragraph\n\nold ending\n');
    const reader = await client('replace');
    const kept = reader.doc.getXmlFragment(FRAGMENT).get(1) as Y.XmlElement;
    expect(kept.toString()).toContain('keep this paragraph');
    const replaced = await send('POST', 'replace/content', 'text/markdown', '# Notes\n\nkeep this paragraph\n\nnew ending\n');
    expect(replaced.status).toBe(201);
    await expect.poll(() => blocks(reader)).toEqual(['heading:Notes', 'paragraph:keep this paragraph', 'paragraph:new ending']);
    // The same Yjs element: not deleted and written again (a cursor in it stays where it was).
    expect(reader.doc.getXmlFragment(FRAGMENT).get(1)).toBe(kept);
    expect(kept._item?.deleted).toBe(false);
    // The same content again changes nothing and stores nothing.
    const same = await send('POST', 'replace/content', 'text/markdown', '# Notes\n\nkeep this paragraph\n\nnew ending\n');
    expect(await same.json()).toMatchObject({ changed: false });
    expect((await server.store.getDocument('replace'))!.lastSeq).toBe(2);
  });

  it('lets viewers read but only editors write, attributes edits to the token\'s user, and keeps cross-site writes out', async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET });
    const token = (role: 'editor' | 'viewer') => mintToken(SECRET, { userId: role === 'editor' ? 'ed' : 'vi', docs: ['*'], role, ttl: '1h' });
    const editor = { authorization: `Bearer ${await token('editor')}` };
    const viewer = { authorization: `Bearer ${await token('viewer')}` };
    expect((await send('PUT', 'team', 'text/markdown', '# Team', viewer)).status).toBe(403);
    expect((await send('PUT', 'team', 'text/markdown', '# Team')).status).toBe(401);
    expect((await send('PUT', 'team', 'text/markdown', '# Team', editor)).status).toBe(201);
    expect((await server.store.readUpdates('team'))[0]!.author).toBe('ed');
    expect(await (await api('team/content?format=markdown', { headers: viewer })).text()).toBe('# Team');
    expect((await send('POST', 'team/content', 'text/markdown', '# Other', viewer)).status).toBe(403);
    const foreign = await send('POST', 'team/content', 'text/markdown', '# Hijacked', { ...editor, origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect((await server.store.getDocument('team'))!.lastSeq).toBe(1);
  });

  it('takes document bodies up to MAX_MESSAGE_BYTES, and refuses a bigger one whole', async () => {
    server = await startTestServer({ MAX_MESSAGE_BYTES: String(256 * 1024) });
    const big = `${'word '.repeat(30_000)}\n`; // 150 kB: past the 64 KiB of JSON bodies, within the limit
    expect((await send('PUT', 'big', 'text/markdown', big)).status).toBe(201);
    const tooBig = await send('PUT', 'bigger', 'text/markdown', 'x'.repeat(300 * 1024));
    expect(tooBig.status).toBe(413);
    expect(await server.store.getDocument('bigger')).toBeUndefined();
  });
});

describe('HTML import', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.destroy();
  });

  it('creates a document from HTML with the schema\'s parse rules: scripts and unsafe links go, text stays', async () => {
    server = await startTestServer();
    const html = `<!doctype html><html><head><title>x</title><script>alert(1)</script></head><body>
      <h2>Report</h2><p>See <a href="https://example.com/a">this</a> and <a href="javascript:alert(1)">that</a>.<script>alert(2)</script></p>
      <ul><li>one</li><li>two</li></ul><table><tr><td>cell 1</td><td>cell 2</td></tr></table><img src="x" onerror="alert(3)"></body></html>`;
    const res = await fetch(`${server.url}/api/docs/from-html`, { method: 'PUT', headers: { 'content-type': 'text/html; charset=utf-8' }, body: html });
    expect(res.status).toBe(201);
    const md = await (await fetch(`${server.url}/api/docs/from-html/content?format=markdown`)).text();
    expect(md).toContain('## Report');
    expect(md).toContain('[this](https://example.com/a)');
    expect(md).toContain('and that.');
    expect(md).toContain('* one');
    expect(md).toContain('| cell 1 | cell 2 |\n| --- | --- |');
    expect(md).not.toMatch(/alert|javascript|onerror/);
  });
});
