// Edits the server makes that say what the document must be (restore a version, undo a restore, replace the
// content, create a document by PUT or as a copy) are each built from the live document and then stored.
// Two at once on one document were built from the same state and both stored, leaving neither (found by a
// review): two restores left a mixture of both versions, two replacements "Alpha replacemenBeta
// replacement", two copies into one new name both answered 201 with both sources merged. They now take
// turns per document on an instance: each is built from what the one before it stored.

import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, type TestClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

describe('exact edits of one document at once', () => {
  let server: TestServer | undefined;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server?.destroy();
    server = undefined;
  });
  const api = (path: string, init: RequestInit = {}) => fetch(`${server!.url}/api/docs/${path}`, init);
  const send = (method: string, path: string, type: string, body: string) => api(path, { method, headers: { 'content-type': type }, body });
  const markdown = async (doc: string) => (await api(`${doc}/content?format=markdown`)).text();
  const open = async (doc: string) => {
    const c = connectClient(server!.url, doc);
    clients.push(c);
    await c.synced();
  };

  it('two restores at once: the document is the version restored last', async () => {
    server = await startTestServer();
    await send('PUT', 'w', 'text/markdown', 'First version');
    await send('POST', 'w/content', 'text/markdown', 'Second version\n\nwith more');
    await send('POST', 'w/content', 'text/markdown', 'Third');
    await open('w');
    const v1 = await (await api('w/versions/1?format=markdown')).text();
    const v2 = await (await api('w/versions/2?format=markdown')).text();
    const [a, b] = await Promise.all([1, 2].map(async (seq) => (await send('POST', 'w/restore', 'application/json', JSON.stringify({ seq }))).json()));
    expect(a.seq).toBeGreaterThan(3);
    expect(b.seq).toBeGreaterThan(3);
    expect(await markdown('w')).toBe(a.seq > b.seq ? v1 : v2);
  });

  it('two replacements at once: the document is the one stored last', async () => {
    server = await startTestServer();
    await send('PUT', 'x', 'text/markdown', 'Original text');
    await open('x');
    const bodies = ['Alpha replacement', 'Beta replacement'];
    const [a, b] = await Promise.all(bodies.map(async (md) => (await send('POST', 'x/content', 'text/markdown', md)).json()));
    expect(await markdown('x')).toBe(a.seq > b.seq ? bodies[0] : bodies[1]);
  });

  it('two copies of open documents into one new name, or a copy and a PUT: one is created, the other refused (409)', async () => {
    server = await startTestServer();
    expect((await send('PUT', 'alpha', 'text/markdown', 'Alpha text')).status).toBe(201);
    expect((await send('PUT', 'beta', 'text/markdown', 'Beta text')).status).toBe(201);
    await open('alpha');
    await open('beta');
    const dup = (from: string, to: string) => send('POST', `${from}/duplicate`, 'application/json', JSON.stringify({ to }));
    const both = await Promise.all([dup('alpha', 'target'), dup('beta', 'target')]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(['Alpha text', 'Beta text']).toContain(await markdown('target'));

    const mixed = await Promise.all([dup('alpha', 'other'), send('PUT', 'other', 'text/markdown', 'Put text')]);
    expect(mixed.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(['Alpha text', 'Put text']).toContain(await markdown('other'));
  });
});
