// Who an HTTP write is by. Without authentication the editor sends its browser's guest id (Tandem-Author), as
// its WebSocket does: a copy, an import, a restore or a deletion made from the editor is that person's
// (`guest:<id>`, unverified), not "api" or "restore" (found by an exploratory review: "Make a copy" listed the
// copy as by "api"). A request without it (a program) stays `api` / `restore`; with a token, the token decides.
import { FRAGMENT } from '@tandem/schema';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mintToken } from '../auth/token.js';
import { connectClient, type TestClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const GUEST = 'browserIdOfAlice_0123';
const SECRET = 'request-author-test-secret-0123456789abcdef';

describe('the author of an HTTP write', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server?.destroy();
  });
  const call = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/${path}`, {
      method,
      headers: { ...(typeof body === 'string' ? { 'content-type': 'text/markdown' } : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const authors = async (doc: string) => (await server.store.readUpdates(doc)).map((u) => u.author);
  const typed = async (doc: string, text: string) => {
    const before = (await server.store.getDocument(doc))?.lastSeq ?? 0;
    const c = connectClient(server.url, doc);
    clients.push(c);
    await c.synced();
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText(text)]);
    c.doc.getXmlFragment(FRAGMENT).push([paragraph]);
    await expect.poll(async () => (await server.store.getDocument(doc))?.lastSeq ?? 0).toBeGreaterThan(before);
  };

  it("without authentication, is the browser's guest id when the editor sends it, for an import, a copy, a restore and a deletion", async () => {
    server = await startTestServer();
    const me = { 'tandem-author': GUEST };
    expect((await call('PUT', 'docs/plan', '# Plan', me)).status).toBe(201);
    expect(await authors('plan')).toEqual([`guest:${GUEST}`]); // before: "api"
    expect((await call('POST', 'docs/plan/duplicate', { to: 'plan-copy' }, me)).status).toBe(201);
    expect(await authors('plan-copy')).toEqual([`guest:${GUEST}`]);
    await typed('plan', ' more');
    expect((await call('POST', 'docs/plan/restore', { seq: 1 }, me)).status).toBe(201);
    expect((await authors('plan')).at(-1)).toBe(`guest:${GUEST}`); // before: "restore"
    expect((await call('DELETE', 'docs/plan-copy', undefined, me)).status).toBe(200);
    expect(await server.store.listTrash()).toMatchObject([{ doc: 'plan-copy', trashedBy: `guest:${GUEST}` }]);
  });

  it('without it, or with an id the server would not take, stays "api" and "restore"', async () => {
    server = await startTestServer();
    expect((await call('PUT', 'docs/a', '# A')).status).toBe(201);
    expect((await call('PUT', 'docs/b', '# B', { 'tandem-author': 'short' })).status).toBe(201);
    expect((await call('PUT', 'docs/c', '# C', { 'tandem-author': 'has spaces in it, 0123456789' })).status).toBe(201);
    for (const doc of ['a', 'b', 'c']) expect(await authors(doc)).toEqual(['api']);
    await typed('a', ' more');
    expect((await call('POST', 'docs/a/restore', { seq: 1 })).status).toBe(201);
    expect((await authors('a')).at(-1)).toBe('restore');
  });

  it("with authentication, is the token's user whatever the header says", async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET });
    const token = await mintToken(SECRET, { userId: 'alice', name: 'Alice', role: 'editor', docs: ['*'] });
    const res = await call('PUT', 'docs/signed', '# Signed', { authorization: `Bearer ${token}`, 'tandem-author': GUEST });
    expect(res.status).toBe(201);
    expect(await authors('signed')).toEqual(['alice']);
  });

  it("without authentication, names a version after the browser's guest id too (it was \"local\")", async () => {
    server = await startTestServer();
    expect((await call('PUT', 'docs/named', '# Named', { 'tandem-author': GUEST })).status).toBe(201);
    const res = await call('POST', 'docs/named/named-versions', { label: 'First draft' }, { 'tandem-author': GUEST });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ label: 'First draft', author: `guest:${GUEST}` });
  });

  it("refuses a token whose user is a name the server gives authors without one (it wrote as any guest, past the client-id check)", async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET });
    for (const userId of ['local', 'api', 'restore', 'compacted', `guest:${GUEST}`, 'conn-1234']) {
      const token = await mintToken(SECRET, { userId, role: 'editor', docs: ['*'] });
      const res = await call('PUT', `docs/as-${encodeURIComponent(userId)}`, '# Hi', { authorization: `Bearer ${token}`, 'tandem-author': GUEST });
      expect(res.status, userId).toBe(401);
      expect((await res.json()).error.code).toBe('unauthorized');
    }
    expect((await server.store.listDocuments()).length).toBe(0);
  });
});

