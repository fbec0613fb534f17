import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';
import { MAX_NAMED_VERSIONS } from './named-versions.routes.js';

const DOC = 'inputs';
const JSON_TYPE = { 'content-type': 'application/json' };

describe('API input checks', () => {
  let server: TestServer;
  const api = (path: string, init: RequestInit = {}) => fetch(`${server.url}/api/docs/${DOC}${path}`, init);
  const expectBadRequest = async (res: Response, what: string) => {
    expect(res.status, what).toBe(400);
    expect((await res.json()).error.code, what).toBe('bad-request');
  };

  beforeEach(async () => {
    server = await startTestServer();
    const writer = connectClient(server.url, DOC);
    await writer.synced();
    writer.text.insert(0, 'a');
    writer.text.insert(1, 'b');
    await expect.poll(async () => (await server.store.getDocument(DOC))?.lastSeq).toBe(2);
    writer.destroy();
  });
  afterEach(async () => {
    await server.destroy();
  });

  it('refuses a document name that is not valid percent-encoding, rather than taking it as written (two addresses reached one document)', async () => {
    for (const encoded of ['%E0%A4%A', '%E0%A4', 'a%ZZb', '%C3%28']) {
      for (const [method, body] of [['GET', undefined], ['PUT', '# Hi']] as const) {
        const res = await fetch(`${server.url}/api/docs/${encoded}`, { method, ...(body === undefined ? {} : { body, headers: { 'content-type': 'text/markdown' } }) });
        expect(res.status, `${method} ${encoded}`).toBe(400);
        expect((await res.json()).error.code, encoded).toBe('invalid-doc-name');
      }
    }
    expect((await server.store.listDocuments()).map((d) => d.name)).toEqual([DOC]);
    // A "%" written as "%25" is a name like any other.
    expect((await fetch(`${server.url}/api/docs/50%25%20done`, { method: 'PUT', body: '# Half', headers: { 'content-type': 'text/markdown' } })).status).toBe(201);
  });

  it('answers 400, never 500, for a number out of its range or not an integer in any query or path', async () => {
    for (const query of ['limit=0', 'limit=-1', 'limit=1.5', 'gap=99999999999999999999', 'after=1e3']) {
      await expectBadRequest(await api(`/history?${query}`), query);
    }
    expect((await api('/history?limit=1')).status).toBe(200);
    for (const path of ['/versions/0.5', '/versions/99999999999999999999', '/diff?from=0.5', '/diff?from=0&to=1e1']) {
      await expectBadRequest(await api(path), path);
    }
    await expectBadRequest(await api('/named-versions/99999999999999999999', { method: 'DELETE' }), 'version id');
  });

  it('answers 400 for a seq in a JSON body that is not a whole number in range', async () => {
    for (const seq of [0.5, -1, 1e300, '1', null]) {
      const body = JSON.stringify({ seq, label: 'v' });
      await expectBadRequest(await api('/named-versions', { method: 'POST', headers: JSON_TYPE, body }), `named ${seq}`);
      await expectBadRequest(await api('/restore', { method: 'POST', headers: JSON_TYPE, body }), `restore ${seq}`);
    }
    expect(await server.store.listVersions(DOC)).toEqual([]);
    expect((await server.store.getDocument(DOC))!.lastSeq).toBe(2);
  });

  it('refuses a label with a control character (PostgreSQL cannot store U+0000: it answered 503), also when renaming', async () => {
    for (const label of ['draft\u0000', 'two\nlines', 'bell\u0007']) {
      await expectBadRequest(await api('/named-versions', { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ label }) }), `named ${JSON.stringify(label)}`);
    }
    const made = await api('/named-versions', { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ label: 'fine' }) });
    expect(made.status).toBe(201);
    const { id } = (await made.json()) as { id: number };
    await expectBadRequest(await api(`/named-versions/${id}`, { method: 'PATCH', headers: JSON_TYPE, body: JSON.stringify({ label: 'x\u0000' }) }), 'rename');
    expect((await server.store.listVersions(DOC)).map((v) => v.label)).toEqual(['fine']);
  });

  it('keeps at most MAX_NAMED_VERSIONS named versions per document (409 beyond; deleting one makes room): the list is read whole on every opening of the history panel', async () => {
    // Made by a script (about a hundred a second), 200 000 of them made every GET of the list hold the
    // server's thread for 2.2 s (57 MB of JSON).
    for (let i = 0; i < MAX_NAMED_VERSIONS; i++) await server.store.createVersion(DOC, { label: `v${i}`, seq: 1, author: 'local', createdAt: i });
    const refused = await api('/named-versions', { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ label: 'one more' }) });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toEqual({
      error: { code: 'conflict', message: `"${DOC}" has ${MAX_NAMED_VERSIONS} named versions, the most a document keeps: delete one first` },
    });
    const [first] = (await (await api('/named-versions')).json()).versions as Array<{ id: number }>;
    expect((await api(`/named-versions/${first!.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api('/named-versions', { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ label: 'one more' }) })).status).toBe(201);
  });

  it('refuses a JSON body over 64 KiB with 413 from its Content-Length, before reading it', async () => {
    const body = JSON.stringify({ label: 'x'.repeat(64 * 1024) });
    const res = await api('/named-versions', { method: 'POST', headers: JSON_TYPE, body });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('too-large');
    expect((await api('/named-versions', { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ label: 'fine' }) })).status).toBe(201);
  });

  it('stops a chunked body that never ends with 413 once it passes 64 KiB', async () => {
    const url = new URL(`${server.url}/api/docs/${DOC}/named-versions`);
    let sent = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(url, { method: 'POST', headers: { ...JSON_TYPE, 'transfer-encoding': 'chunked' } });
      let answered = false;
      req.once('response', (res) => {
        answered = true;
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.once('error', (err) => (answered ? undefined : reject(err)));
      const chunk = Buffer.alloc(16 * 1024, 'x');
      const pump = () => {
        // A server that buffers everything would never answer: give up at 32 MiB.
        while (!answered && sent < 32 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!answered) req.end();
      };
      req.write('{"label":"');
      pump();
    });
    expect(status).toBe(413);
    expect(sent).toBeLessThan(32 * 1024 * 1024);
    expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/tandem_limits_hit_total\{kind="request-body"\} 1/);
  });
});
