// Edits the server makes itself (content replaced through the API, restores and their undos) are written
// under one Yjs client id per document and author while the process runs (a new one after an edit that
// failed, and in another process), not a new one each time: Yjs makes every transaction
// cost time in the number of ids a document ever held, on every page and here (bench/past-clients.ts), and
// a script replacing a document's content every few minutes added thousands.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FRAGMENT } from '@tandem/schema';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mintToken } from '../auth/token.js';
import { connectClient, type TestClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const SECRET = 'server-edit-ids-test-secret-0123456789abcdef';

describe('the client ids of edits the server makes', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server?.destroy();
  });
  const api = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${server.url}/api/docs/${path}`, { ...init, headers: { ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }), ...(init.headers as Record<string, string>) } });
  const create = (doc: string, markdown: string, token?: string) =>
    api(encodeURIComponent(doc), { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: markdown, ...(token === undefined ? {} : { token }) });
  const replace = (doc: string, markdown: string, token?: string) =>
    api(`${encodeURIComponent(doc)}/content`, { method: 'POST', headers: { 'content-type': 'text/markdown' }, body: markdown, ...(token === undefined ? {} : { token }) });
  /** The document as the server holds it: its text, and the client ids written under. */
  const stored = async (doc: string, token?: string) => {
    const res = await api(`${encodeURIComponent(doc)}/content?format=yjs`, token === undefined ? {} : { token });
    expect(res.status).toBe(200);
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, new Uint8Array(await res.arrayBuffer()));
    const text = ydoc.getXmlFragment(FRAGMENT).toArray().map((n) => (n instanceof Y.XmlElement ? n.toArray().map((t) => t.toString()).join('') : '')).join('\n');
    return { text, clients: new Set(ydoc.store.clients.keys()) };
  };

  it('writes every replacement of the content by one author under one id, each built on the one before; a live editor converges', async () => {
    server = await startTestServer();
    expect((await create('api-ids', 'first version')).status).toBe(201);
    const reader = connectClient(server.url, 'api-ids');
    clients.push(reader);
    await reader.synced();
    const afterCreate = (await stored('api-ids')).clients;
    for (const text of ['second version', 'third, longer version', 'fourth']) expect((await replace('api-ids', text)).status).toBe(201);
    const { text, clients: ids } = await stored('api-ids');
    expect(text).toBe('fourth');
    // The creation's id, and one more for the three replacements.
    expect(ids.size).toBe(afterCreate.size + 1);
    await expect.poll(() => reader.doc.getXmlFragment(FRAGMENT).toString()).toContain('fourth');
    expect(reader.doc.getXmlFragment(FRAGMENT).toString()).not.toContain('third');
  });

  it('writes under a new id after an edit that failed (it may have been stored all the same) and after a restart', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'server-edit-ids-'));
    try {
      server = await startTestServer({ MAX_DOC_BYTES: '2048' }, dataDir);
      expect((await create('failing', 'one')).status).toBe(201);
      const ids = async () => (await stored('failing')).clients;
      const created = await ids();
      expect((await replace('failing', 'two')).status).toBe(201);
      expect((await ids()).size).toBe(created.size + 1);
      expect((await replace('failing', 'x'.repeat(4000))).status).toBe(413);
      expect((await replace('failing', 'three')).status).toBe(201);
      expect((await ids()).size).toBe(created.size + 2);
      expect((await replace('failing', 'four')).status).toBe(201);
      expect((await ids()).size).toBe(created.size + 2);
      // Another process on the same data: the ids of the one before are never written under again.
      await server.destroy();
      server = await startTestServer({ MAX_DOC_BYTES: '2048' }, dataDir);
      expect((await replace('failing', 'five')).status).toBe(201);
      const after = await stored('failing');
      expect(after.text).toBe('five');
      expect(after.clients.size).toBe(created.size + 3);
    } finally {
      await server.destroy();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('writes under another id in a document deleted for good and created again under the same name', async () => {
    server = await startTestServer();
    const serverEditId = async () => {
      const created = (await stored('again')).clients;
      expect((await replace('again', 'replaced')).status).toBe(201);
      const ids = [...(await stored('again')).clients].filter((id) => !created.has(id));
      expect(ids).toHaveLength(1);
      return ids[0];
    };
    expect((await create('again', 'first life')).status).toBe(201);
    const first = await serverEditId();
    expect((await api('again', { method: 'DELETE' })).status).toBe(200);
    const purged = await fetch(`${server.url}/api/trash/again`, { method: 'DELETE' });
    expect(purged.status).toBeLessThan(300);
    expect((await create('again', 'second life')).status).toBe(201);
    expect(await serverEditId()).not.toBe(first);
  });

  it("writes a restore, its undo and a replacement by the same person under one id; another person's under another", async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET });
    const alice = await mintToken(SECRET, { userId: 'alice', name: 'Alice', docs: ['*'], role: 'editor', ttl: '1h' });
    const bob = await mintToken(SECRET, { userId: 'bob', name: 'Bob', docs: ['*'], role: 'editor', ttl: '1h' });
    expect((await create('restore-ids', 'one', alice)).status).toBe(201);
    expect((await replace('restore-ids', 'two', alice)).status).toBe(201);
    const before = (await stored('restore-ids', alice)).clients;
    const restore = await api('restore-ids/restore', { method: 'POST', token: alice, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seq: 1 }) });
    expect(restore.status).toBe(201);
    const restored = (await restore.json()) as { seq: number };
    expect((await stored('restore-ids', alice)).text).toBe('one');
    const undo = await api('restore-ids/restore/undo', { method: 'POST', token: alice, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seq: restored.seq }) });
    expect([200, 201]).toContain(undo.status);
    expect((await stored('restore-ids', alice)).text).toBe('two');
    expect((await replace('restore-ids', 'three', alice)).status).toBe(201);
    expect((await stored('restore-ids', alice)).clients).toEqual(before);
    expect((await replace('restore-ids', 'four', bob)).status).toBe(201);
    const last = await stored('restore-ids', bob);
    expect(last.text).toBe('four');
    expect(last.clients.size).toBe(before.size + 1);
  });
});
