// The document API on a large document must not stall the server: parsing what is sent (Markdown, HTML,
// JSON) and rendering what is read run on the history threads, within their time budget, as versions and
// diffs do. A viewer's export or an editor's import of a megabyte of Markdown leaves every other
// document, and /healthz, answering.

import { fromMarkdown, FRAGMENT, toMarkdown } from '@tandem/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { prosemirrorToYXmlFragment } from 'y-prosemirror';
import * as Y from 'yjs';
import { connectClient } from '../testing/clients.js';
import { expectKeptAnswering, healthWhile as healthAt } from '../testing/health-while.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const healthWhile = <T>(server: TestServer, work: Promise<T>) => healthAt(server.url, work);

/** About 0.9 MB of Markdown: `count` paragraphs, each with marks and a link. */
const markdownOf = (count: number) =>
  Array.from({ length: count }, (_, i) => `Paragraph ${i} with some **bold** and *italic* text and a [link](https://example.com/${i}).`).join('\n\n');

describe('the document API on a large document', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.destroy();
    server = undefined;
  });
  const api = (doc: string, p = '', init: RequestInit = {}) => fetch(`${server!.url}/api/docs/${encodeURIComponent(doc)}${p}`, init);
  /** Stores `markdown` as a document through the API's Yjs route (built here, so only the read is measured). */
  const seed = async (doc: string, markdown: string) => {
    const ydoc = new Y.Doc();
    prosemirrorToYXmlFragment(fromMarkdown(markdown), ydoc.getXmlFragment(FRAGMENT));
    const res = await api(doc, '', { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: Y.encodeStateAsUpdate(ydoc) });
    expect(res.status).toBe(201);
  };

  it('exports as Markdown and HTML off the server thread, open or not: /healthz answers meanwhile, and the export is whole', { timeout: 120_000 }, async () => {
    server = await startTestServer({ MAX_MESSAGE_BYTES: String(16 * 1024 * 1024) });
    const markdown = markdownOf(12_000);
    await seed('big', markdown);
    const read = async (format: string) => {
      const res = await api('big', `/content?format=${format}`);
      return { status: res.status, body: await res.text(), seq: res.headers.get('x-tandem-seq') };
    };
    // Not open on this server: read from the store on a history thread (this thread does not load it).
    await expect.poll(() => server!.rooms.loaded('big'), { timeout: 10_000 }).toBeUndefined();
    const md = await healthWhile(server, read('markdown'));
    expect(server.rooms.loaded('big')).toBeUndefined();
    expect(md.result.status).toBe(200);
    expect(md.result.seq).toBe('1');
    // Exactly what the serializer gives for the whole document.
    expect(md.result.body).toBe(toMarkdown(fromMarkdown(markdown)));
    // Open (someone is in it): its live state, rendered on a history thread.
    const reader = connectClient(server.url, 'big');
    try {
      await reader.synced();
      const html = await healthWhile(server, read('html'));
      expect(html.result.status).toBe(200);
      expect(html.result.seq).toBe('1');
      expect(html.result.body).toContain('<p>Paragraph 11999 with some <strong>bold</strong>');
      const again = await healthWhile(server, read('markdown'));
      expect(again.result.body).toBe(md.result.body);
      for (const health of [md, html, again]) expectKeptAnswering(health);
    } finally {
      reader.destroy();
    }
  });

  it('imports a megabyte of Markdown off the server thread (create and replace), and refuses bad input as before', { timeout: 120_000 }, async () => {
    server = await startTestServer();
    const markdown = markdownOf(10_000);
    const put = await healthWhile(server, api('imported', '', { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: markdown }));
    expect(put.result.status).toBe(201);
    // Replacing it with one paragraph changed: one edit, what stays the same stays.
    const changed = markdown.replace('Paragraph 5000 with', 'Paragraph 5000 (changed) with');
    const post = await healthWhile(server, api('imported', '/content', { method: 'POST', headers: { 'content-type': 'text/markdown' }, body: changed }));
    expect(post.result.status).toBe(201);
    expect(await post.result.json()).toMatchObject({ doc: 'imported', seq: 2, changed: true });
    const [, edit] = await server.store.readUpdates('imported');
    expect(edit!.update.byteLength).toBeLessThan(2_000);
    expect(await (await api('imported', '/content?format=markdown')).text()).toBe(toMarkdown(fromMarkdown(changed)));
    // Parsed on the server's thread, this held /healthz for 8 s. What stays on it is applying the 1 MB update
    // (the gate's trial and the room's apply) in this process, which also runs the client and the test: a
    // GC pause of its heap on a busy machine has reached 1.8 s (also before the import moved), so the bound
    // is a few times that, far under the stall it guards against.
    expectKeptAnswering(put, 4_000);
    expectKeptAnswering(post, 4_000);

    // A table of 200 columns and thousands of rows of a single "|" (each row padded to 200 cells): 32 KiB
    // that made a document of 130 000 nodes, held the server's thread for seconds (found by a review) and
    // stored 5.5 MB. Refused (400) for what it would grow to, parsed off the server's thread.
    const cols = 200;
    const head = `|${'a|'.repeat(cols)}\n|${'-|'.repeat(cols)}\n`;
    for (const kib of [2, 32]) {
      const bomb = head + '|\n'.repeat(Math.floor((kib * 1024 - head.length) / 2));
      const refused = await healthWhile(server, api(`bomb-${kib}`, '', { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: bomb }));
      expect(refused.result.status).toBe(400);
      expect((await refused.result.json()).error.message).toMatch(/would hold \d+\+ nodes/);
      expectKeptAnswering(refused);
      expect(await server.store.getDocument(`bomb-${kib}`)).toBeUndefined();
    }

    const bad = await api('other', '', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"type":"doc","content":[{"type":"nope"}]}' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ code: 'bad-request', message: expect.stringContaining("Not a document of this editor's schema") });
    const notJson = await api('other', '', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.message).toBe('The body is not JSON');
    // Latin-1 bytes ("café") were stored as "caf\uFFFD"; the text must be UTF-8 (found by a review).
    const latin1 = await api('other', '', { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: new Uint8Array([0x63, 0x61, 0x66, 0xe9]) });
    expect(latin1.status).toBe(400);
    expect((await latin1.json()).error.message).toBe('The body is not UTF-8 text');
    expect(await server.store.getDocument('other')).toBeUndefined();
  });

  it('parses 32 KiB of Markdown or HTML off the server thread: list items and image openers held it for 0.2 to 0.6 s each', { timeout: 120_000 }, async () => {
    // A budget for a busy machine: the three wait their turn for one history thread.
    server = await startTestServer({ HISTORY_TIMEOUT_MS: '60000' });
    const fill = (unit: string) => unit.repeat(Math.floor((32 * 1024) / unit.length));
    // Warm the parsers on this thread first (a small import runs here), so only the big ones are measured.
    expect((await api('warm', '', { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: '# Warm' })).status).toBe(201);
    const puts = Promise.all([
      api('items', '', { method: 'PUT', headers: { 'content-type': 'text/html' }, body: fill('<li>a') }),
      api('images', '', { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: fill('![') }),
      api('list', '', { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: fill('- a\n') }),
    ]);
    const health = await healthWhile(server, puts);
    for (const res of health.result) expect(res.status).toBe(201);
    expectKeptAnswering(health);
  });

  it('holds a big export and import to the history budget (HISTORY_TIMEOUT_MS): 503 history-timeout, nothing stored; small ones run at once', { timeout: 120_000 }, async () => {
    server = await startTestServer({ HISTORY_TIMEOUT_MS: '1' });
    const markdown = markdownOf(2_000);
    await seed('budget', markdown);
    const read = await api('budget', '/content?format=html');
    expect(read.status).toBe(503);
    expect((await read.json()).error.code).toBe('history-timeout');
    const put = await api('budget-2', '', { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: markdown });
    expect(put.status).toBe(503);
    expect((await put.json()).error.code).toBe('history-timeout');
    expect(await server.store.getDocument('budget-2')).toBeUndefined();

    // Small bodies and documents are converted on the server's thread (a few ms): never refused for the
    // history threads' budget or queue, as a script creating many small documents at once would be.
    const small = await api('small', '', { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: '# Small\n\nA note.' });
    expect(small.status).toBe(201);
    await expect.poll(() => server!.rooms.loaded('small'), { timeout: 10_000 }).toBeUndefined();
    expect(await (await api('small', '/content?format=markdown')).text()).toBe('# Small\n\nA note.');
    const replaced = await api('small', '/content', { method: 'POST', headers: { 'content-type': 'text/markdown' }, body: '# Small\n\nA longer note.' });
    expect(replaced.status).toBe(201);
    expect(await (await api('small', '/content?format=html')).text()).toContain('<p>A longer note.</p>');
  });
});
