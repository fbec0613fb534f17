import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { closed, connectClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';
import { mintToken, verifyToken } from './token.js';

const SECRET = 'test-secret-that-is-long-enough-0123456789';

/** A stock y-websocket client with a token on its URL. */
function clientWithToken(url: string, doc: string, token: string) {
  const ydoc = new Y.Doc();
  const provider = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/ws`, encodeURIComponent(doc), ydoc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params: { token },
  });
  const synced = () => new Promise<void>((r) => (provider.synced ? r() : provider.once('sync', () => r())));
  return { ydoc, provider, text: ydoc.getText('t'), synced, destroy: () => provider.destroy() };
}

/** Opens a raw socket and resolves with the HTTP status if the upgrade is refused, or 101. */
function upgradeStatus(url: string, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/${path}`, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => undefined);
  });
}

describe('authentication and roles (AUTH_SECRET set)', () => {
  let server: TestServer;
  const token = (o: Partial<Parameters<typeof mintToken>[1]> = {}) =>
    mintToken(SECRET, { userId: 'alice', name: 'Alice', docs: ['team/*'], role: 'editor', ttl: '1h', ...o });

  beforeEach(async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET });
  });
  afterEach(async () => {
    await server.destroy();
  });

  it('refuses the upgrade with 401 for a missing, forged or expired token, 403 out of scope or origin', async () => {
    await server.destroy();
    server = await startTestServer({ AUTH_SECRET: SECRET, ALLOWED_ORIGINS: 'http://good.example' });
    const doc = encodeURIComponent('team/notes');
    const origin = { origin: 'http://good.example' };
    expect(await upgradeStatus(server.url, doc, origin)).toBe(401);
    const forged = await mintToken('another-secret-that-is-long-enough-000000', { userId: 'eve', docs: ['*'], role: 'editor' });
    expect(await upgradeStatus(server.url, `${doc}?token=${forged}`, origin)).toBe(401);
    expect(await upgradeStatus(server.url, `${doc}?token=not.a.jwt`, origin)).toBe(401);
    const expired = await token({ ttl: -10 });
    expect(await upgradeStatus(server.url, `${doc}?token=${expired}`, origin)).toBe(401);
    expect(await upgradeStatus(server.url, `${encodeURIComponent('private/x')}?token=${await token()}`, origin)).toBe(403);
    expect(await upgradeStatus(server.url, `${doc}?token=${await token()}`, origin)).toBe(101);
    // The origin list is checked too; a client without an Origin is not a browser, and passes.
    expect(await upgradeStatus(server.url, `${doc}?token=${await token()}`, { origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(server.url, `${doc}?token=${await token()}`)).toBe(101);
    expect(await server.store.listDocuments()).toEqual([]);
  });

  it('takes the token from a WebSocket subprotocol offer, so a browser need not put it in the URL', async () => {
    const ydoc = new Y.Doc();
    const provider = new WebsocketProvider(`${server.url.replace(/^http/, 'ws')}/ws`, encodeURIComponent('team/notes'), ydoc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      protocols: ['tandem', `tandem.token.${await token()}`],
    });
    await new Promise<void>((r) => provider.once('sync', () => r()));
    expect(provider.ws?.protocol).toBe('tandem');
    ydoc.getText('t').insert(0, 'no token in the URL');
    await expect.poll(async () => (await server.store.readUpdates('team/notes')).map((u) => u.author)).toEqual(['alice']);
    provider.destroy();
    const forged = await mintToken('another-secret-that-is-long-enough-000000', { userId: 'eve', docs: ['*'], role: 'editor' });
    expect(await upgradeStatus(server.url, encodeURIComponent('team/notes'), { 'sec-websocket-protocol': `tandem, tandem.token.${forged}` })).toBe(401);
  });

  it('records the token’s user as the author of every stored update', async () => {
    const a = clientWithToken(server.url, 'team/notes', await token());
    await a.synced();
    a.text.insert(0, 'signed');
    await expect.poll(async () => (await server.store.readUpdates('team/notes')).map((u) => u.author)).toEqual(['alice']);
    a.destroy();
  });

  it('lets a viewer read the document and awareness but drops every update it sends', async () => {
    const editor = clientWithToken(server.url, 'team/plan', await token());
    await editor.synced();
    editor.text.insert(0, 'from the editor');
    editor.provider.awareness.setLocalStateField('user', { name: 'Alice' });
    await expect.poll(async () => (await server.store.getDocument('team/plan'))?.updateCount).toBe(1);

    const viewer = clientWithToken(server.url, 'team/plan', await token({ userId: 'vic', role: 'viewer' }));
    await viewer.synced();
    expect(viewer.text.toString()).toBe('from the editor');
    await expect.poll(() => viewer.provider.awareness.getStates().get(editor.ydoc.clientID)?.user?.name).toBe('Alice');

    viewer.text.insert(0, 'VANDALISM ');
    editor.text.insert(editor.text.length, '!');
    await expect.poll(() => viewer.text.toString()).toBe('VANDALISM from the editor!');
    expect(editor.text.toString()).toBe('from the editor!');
    const stored = await server.store.readUpdates('team/plan');
    expect(stored.map((u) => u.author)).toEqual(['alice', 'alice']);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/tandem_viewer_updates_dropped_total [1-9]/);

    // A fresh reader sees only what editors wrote.
    const reader = clientWithToken(server.url, 'team/plan', await token({ userId: 'r', role: 'viewer' }));
    await reader.synced();
    expect(reader.text.toString()).toBe('from the editor!');
    for (const c of [editor, viewer, reader]) c.destroy();
  });

  it('closes the socket with 4401 when the token expires while connected', async () => {
    const short = await token({ ttl: 2 });
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws/${encodeURIComponent('team/x')}?token=${short}`);
    await new Promise((r) => ws.once('open', r));
    const { code, reason } = await closed(ws);
    expect(code).toBe(4401);
    expect(reason).toContain('token-expired');
  });

  it('applies the same rules to the HTTP API', async () => {
    const a = clientWithToken(server.url, 'team/a', await token());
    const other = clientWithToken(server.url, 'other/b', await token({ docs: ['*'] }));
    await Promise.all([a.synced(), other.synced()]);
    a.text.insert(0, 'a');
    other.text.insert(0, 'b');
    await expect.poll(async () => (await server.store.listDocuments()).length).toBe(2);

    expect((await fetch(`${server.url}/api/docs`)).status).toBe(401);
    const list = await fetch(`${server.url}/api/docs`, { headers: { authorization: `Bearer ${await token()}` } });
    expect((await list.json()).documents.map((d: { name: string }) => d.name)).toEqual(['team/a']);
    const denied = await fetch(`${server.url}/api/docs/${encodeURIComponent('other/b')}`, {
      headers: { authorization: `Bearer ${await token()}` },
    });
    expect(denied.status).toBe(403);
    expect((await denied.json()).error.code).toBe('forbidden');
    const ok = await fetch(`${server.url}/api/docs/${encodeURIComponent('team/a')}?token=${await token()}`);
    expect(ok.status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    a.destroy();
    other.destroy();
  });
});

describe('tokens', () => {
  it('round-trips the claims and rejects a token without a role or documents', async () => {
    const t = await mintToken(SECRET, { userId: 'u1', name: 'U', docs: ['a', 'b/*'], role: 'viewer', ttl: 60 });
    const p = await verifyToken(SECRET, t);
    expect(p).toMatchObject({ userId: 'u1', name: 'U', docs: ['a', 'b/*'], role: 'viewer' });
    expect(p.expiresAt! - Date.now()).toBeGreaterThan(50_000);
    const noRole = await mintToken(SECRET, { userId: 'u', docs: ['a'], role: 'admin' as 'editor' });
    await expect(verifyToken(SECRET, noRole)).rejects.toMatchObject({ code: 'unauthorized' });
  });
});

describe('with authentication off', () => {
  it('lets anyone in and records the connection as the author', async () => {
    const server = await startTestServer();
    const c = connectClient(server.url, 'open');
    await c.synced();
    c.text.insert(0, 'x');
    await expect.poll(async () => (await server.store.readUpdates('open'))[0]?.author).toMatch(/^conn-/);
    c.destroy();
    await server.destroy();
  });
});
