import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectClient, upgradeResponse } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const DOC = 'plans';

/** A plain HTTP request with exactly these headers (fetch would not let us set Host). */
function request(url: string, init: { method?: string; path: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(`${url}${init.path}`, { method: init.method ?? 'GET', headers: init.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
    req.end(init.body);
  });
}

describe('cross-site requests (authentication off)', () => {
  let server: TestServer;
  const restore = (headers: Record<string, string>) =>
    fetch(`${server.url}/api/docs/${DOC}/restore`, { method: 'POST', headers, body: JSON.stringify({ seq: 0 }) });
  const contents = async () => (await (await fetch(`${server.url}/api/docs/${DOC}/versions/${(await server.store.getDocument(DOC))!.lastSeq}?format=text`)).text());

  beforeEach(async () => {
    server = await startTestServer();
    const writer = connectClient(server.url, DOC);
    await writer.synced();
    writer.text.insert(0, 'keep me');
    await expect.poll(async () => (await server.store.getDocument(DOC))?.lastSeq).toBe(1);
    writer.destroy();
  });
  afterEach(async () => {
    await server.destroy();
  });

  it('refuses a write from a foreign Origin, whatever its content type', async () => {
    for (const type of ['text/plain', 'application/json']) {
      const res = await restore({ origin: 'https://evil.example', 'content-type': type });
      expect(res.status, type).toBe(403);
      expect((await res.json()).error.code).toBe('forbidden-origin');
    }
    const del = await fetch(`${server.url}/api/docs/${DOC}/named-versions/1`, { method: 'DELETE', headers: { origin: 'null' } });
    expect(del.status).toBe(403);
    expect((await server.store.getDocument(DOC))!.lastSeq).toBe(1);
    expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/tandem_errors_total\{kind="forbidden-origin"\} 3/);
  });

  it('refuses the content types a browser sends without a preflight, even without an Origin', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await restore({ 'content-type': type });
      expect(res.status, type).toBe(415);
      expect((await res.json()).error.code).toBe('unsupported-media-type');
    }
    const untyped = await fetch(`${server.url}/api/docs/${DOC}/restore`, { method: 'POST', body: new Blob(['{"seq":0}']) });
    expect(untyped.status).toBe(415);
    expect((await server.store.getDocument(DOC))!.lastSeq).toBe(1);
  });

  it('accepts a JSON write from its own origin and from a client without an Origin', async () => {
    const own = await restore({ origin: server.url, 'content-type': 'application/json; charset=utf-8' });
    // Accepted: the editor's content (empty here; the client wrote a Y.Text beside it) is version 0's already.
    expect([own.status, (await own.json()).unchanged]).toEqual([200, true]);
    const cli = await fetch(`${server.url}/api/docs/${DOC}/named-versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'from curl' }),
    });
    expect(cli.status).toBe(201);
    expect(await contents()).toBe('');
  });

  it('refuses a WebSocket from a foreign Origin and admits its own origin and stock clients', async () => {
    const evil = await upgradeResponse(server.url, DOC, { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body).error.code).toBe('forbidden-origin');
    expect((await upgradeResponse(server.url, DOC, { origin: server.url })).status).toBe(101);
    expect((await upgradeResponse(server.url, DOC)).status).toBe(101);
  });

  it('refuses every request, reads too, that names a foreign Host while bound to loopback', async () => {
    const evil = await request(server.url, { path: '/api/docs', headers: { host: `rebind.evil.example:${server.port}` } });
    expect(evil.status).toBe(421);
    expect(evil.body).not.toContain(DOC);
    expect((await request(server.url, { path: '/healthz', headers: { host: 'evil.example' } })).status).toBe(421);
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, '[::1]:8080', 'localhost']) {
      expect((await request(server.url, { path: '/api/docs', headers: { host } })).status, host).toBe(200);
    }
    expect((await upgradeResponse(server.url, DOC, { host: 'evil.example' })).status).toBe(421);
  });
});

describe('ALLOWED_ORIGINS', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ ALLOWED_ORIGINS: 'https://app.example' });
  });
  afterEach(async () => {
    await server.destroy();
  });

  it('adds origins to the server’s own, for HTTP writes and WebSockets alike', async () => {
    const post = (origin: string) =>
      fetch(`${server.url}/api/docs/x/named-versions`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: '{"label":"a"}' });
    expect((await post('https://app.example')).status).toBe(404); // allowed through; the document does not exist
    expect((await post('https://other.example')).status).toBe(403);
    expect((await upgradeResponse(server.url, 'x', { origin: 'https://app.example' })).status).toBe(101);
    expect((await upgradeResponse(server.url, 'x', { origin: server.url })).status).toBe(101);
    expect((await upgradeResponse(server.url, 'x', { origin: 'https://other.example' })).status).toBe(403);
  });

  it('lets a reverse proxy pass its public host on, and still refuses any other', async () => {
    expect((await request(server.url, { path: '/api/docs', headers: { host: 'app.example' } })).status).toBe(200);
    const own = await request(server.url, {
      method: 'POST',
      path: '/api/docs/x/named-versions',
      headers: { host: 'app.example', origin: 'https://app.example', 'content-type': 'application/json' },
      body: '{"label":"a"}',
    });
    expect(own.status).toBe(404);
    expect((await request(server.url, { path: '/api/docs', headers: { host: 'other.example' } })).status).toBe(421);
  });
});

describe('bound to every interface (HOST=0.0.0.0)', () => {
  let server: TestServer;
  let url: string;
  afterEach(async () => {
    await server.destroy();
  });

  it('with ALLOWED_ORIGINS, refuses a DNS-rebinding page whose Host and Origin both name the attacker', async () => {
    server = await startTestServer({ HOST: '0.0.0.0', ALLOWED_ORIGINS: 'https://app.example' });
    url = `http://127.0.0.1:${server.port}`;
    const evil = `rebind.evil.example:${server.port}`;
    const write = await request(url, {
      method: 'POST',
      path: '/api/docs/x/named-versions',
      headers: { host: evil, origin: `http://${evil}`, 'content-type': 'application/json' },
      body: '{"label":"a"}',
    });
    expect(write.status).toBe(421);
    expect((await request(url, { path: '/api/docs', headers: { host: evil } })).status).toBe(421);
    const socket = await upgradeResponse(url, 'x', { host: evil, origin: `http://${evil}` });
    expect(socket.status).toBe(421);
    expect(JSON.parse(socket.body).error.code).toBe('misdirected');
    // The allowed origins' hosts and loopback names still reach it.
    for (const host of ['app.example', `localhost:${server.port}`, `127.0.0.1:${server.port}`, '[::1]']) {
      expect((await request(url, { path: '/api/docs', headers: { host } })).status, host).toBe(200);
    }
    expect((await upgradeResponse(url, 'x', { host: 'app.example', origin: 'https://app.example' })).status).toBe(101);
    expect((await upgradeResponse(url, 'x', { host: `localhost:${server.port}`, origin: `http://localhost:${server.port}` })).status).toBe(101);
  });

  it('without ALLOWED_ORIGINS, answers to any Host as before (an exposed server should set ALLOWED_ORIGINS)', async () => {
    server = await startTestServer({ HOST: '0.0.0.0' });
    url = `http://127.0.0.1:${server.port}`;
    expect((await request(url, { path: '/api/docs', headers: { host: `tandem.lan:${server.port}` } })).status).toBe(200);
    expect((await upgradeResponse(url, 'x', { host: `tandem.lan:${server.port}`, origin: `http://tandem.lan:${server.port}` })).status).toBe(101);
    expect((await upgradeResponse(url, 'x', { host: `tandem.lan:${server.port}`, origin: 'https://evil.example' })).status).toBe(403);
  });
});

describe('bound to any loopback address', () => {
  let server: TestServer;
  afterEach(async () => {
    await server.destroy();
  });

  for (const bind of ['127.0.0.2', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) {
    it(`HOST=${bind}: refuses a foreign Host and answers to loopback names and literals`, async () => {
      server = await startTestServer({ HOST: bind });
      const evil = `rebind.evil.example:${server.port}`;
      expect((await request(server.url, { path: '/api/docs', headers: { host: evil } })).status).toBe(421);
      expect((await upgradeResponse(server.url, 'x', { host: evil, origin: `http://${evil}` })).status).toBe(421);
      // (The HTTP adapter refuses with 400 an IPv6 Host not spelled as a URL would: `[::ffff:127.0.0.1]` is `[::ffff:7f00:1]`.)
      for (const host of [`localhost:${server.port}`, `127.0.0.2:${server.port}`, '127.45.6.7', '[::1]:8080', '[::ffff:7f00:1]', '[::ffff:7f2d:607]:80']) {
        expect((await request(server.url, { path: '/api/docs', headers: { host } })).status, host).toBe(200);
      }
      expect((await request(server.url, { path: '/api/docs', headers: { host: '[::ffff:a00:1]' } })).status).toBe(421);
      expect((await request(server.url, { path: '/api/docs', headers: { host: '10.0.0.1' } })).status).toBe(421);
      expect((await upgradeResponse(server.url, 'x')).status).toBe(101);
    });
  }
});

describe('ALLOWED_ORIGINS written without a scheme', () => {
  // 'localhost:5173' parses as a URL of scheme 'localhost:' whose origin is 'null': the setting was
  // accepted, then the server failed to start with a bare 'Invalid URL' (exit 1) naming no setting.
  it.each(['localhost:5173', 'docs.example.com:443', 'mailto:ops@example.com'])('%s is refused as a bad setting, named', async (origins) => {
    await expect(startTestServer({ ALLOWED_ORIGINS: origins })).rejects.toThrow(/Invalid ALLOWED_ORIGINS=.*http\(s\) origins/);
  });
});
