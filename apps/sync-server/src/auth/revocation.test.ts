import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, connectClient, upgradeResponse } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';
import { mintToken } from './token.js';

const SECRET = 'revocation-test-secret-0123456789-abcdef';
const MAIN = path.resolve(import.meta.dirname, '../../dist/main.js');
const DOC = 'team/notes';

const token = (userId: string, options: { tokenId?: string; admin?: boolean } = {}) =>
  mintToken(SECRET, { userId, docs: options.admin === true ? [] : ['team/*'], role: 'editor', ttl: '1h', ...options });

/** Resolves with the first close the provider sees (code, reason, when). */
const firstClose = (client: TestClient) =>
  new Promise<{ code: number; reason: string; at: number }>((resolve) =>
    client.provider.once('connection-close', (event) => resolve({ code: event?.code ?? -1, reason: event?.reason ?? '', at: Date.now() })),
  );

describe('withdrawing access (AUTH_SECRET set)', () => {
  let server: TestServer | undefined;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server?.destroy();
    server = undefined;
  });

  const start = async (env: Record<string, string> = {}) => {
    // Re-reads far apart: what closes a connection within a second is the API's own path.
    server = await startTestServer({ AUTH_SECRET: SECRET, REVOCATION_CHECK_MS: '600000', ...env });
    return server;
  };
  const client = async (s: TestServer, t: string) => {
    const c = connectClient(s.url, DOC, { params: { token: t } });
    clients.push(c);
    await c.synced();
    return c;
  };
  const api = (s: TestServer, method: string, route: string, t: string, body?: unknown) =>
    fetch(`${s.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${t}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const upgrade = (s: TestServer, t: string) => upgradeResponse(s.url, `${encodeURIComponent(DOC)}?token=${t}`);

  it('revoking a user through the API closes their live connection with 4401 token-revoked within 1 s, then refuses their upgrade and API calls; another user is unaffected', async () => {
    const s = await start();
    const [aliceToken, bobToken, admin] = await Promise.all([token('alice'), token('bob'), token('ops', { admin: true })]);
    const alice = await client(s, aliceToken);
    const bob = await client(s, bobToken);
    const aliceClosed = firstClose(alice);

    // Only an admin token may revoke.
    expect((await api(s, 'POST', '/api/admin/revocations', bobToken, { user: 'alice' })).status).toBe(403);
    expect((await api(s, 'POST', '/api/admin/revocations', admin, { user: 'alice', tokenId: 'x' })).status).toBe(400);

    const before = Date.now();
    const res = await api(s, 'POST', '/api/admin/revocations', admin, { user: 'alice', reason: 'left the team' });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ revocation: { kind: 'user', value: 'alice', until: null, reason: 'left the team' }, closed: 1, by: 'ops' });
    const close = await aliceClosed;
    expect(close.code).toBe(4401);
    expect(close.reason).toMatch(/^token-revoked: .*left the team/);
    expect(close.at - before).toBeLessThan(1_000);

    // Refused from then on: the upgrade (the stock client's reconnect) and the HTTP API.
    const refused = await upgrade(s, aliceToken);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'token-revoked' } });
    const http = await api(s, 'GET', `/api/docs/${encodeURIComponent(DOC)}`, aliceToken);
    expect(http.status).toBe(401);
    expect(await http.json()).toMatchObject({ error: { code: 'token-revoked' } });
    // A stock client does not reconnect after a 44xx close (and would be refused if it did).
    expect(alice.provider.wsconnected).toBe(false);

    // Bob is still connected and editing.
    expect(bob.provider.wsconnected).toBe(true);
    const bob2 = await client(s, bobToken);
    bob.text.insert(0, 'still here');
    await expect.poll(() => bob2.text.toString()).toBe('still here');
    expect((await api(s, 'GET', `/api/docs/${encodeURIComponent(DOC)}`, bobToken)).status).toBe(200);

    // The revocation covers tokens issued up to it: one minted later (the next second: iat is in seconds) works.
    const { revocations } = (await (await api(s, 'GET', '/api/admin/revocations', admin)).json()) as { revocations: Array<{ value: string; createdAt: number }> };
    expect(revocations.map((r) => r.value)).toEqual(['alice']);
    await expect.poll(() => Date.now(), { timeout: 2_000, interval: 50 }).toBeGreaterThanOrEqual(Math.ceil((revocations[0]!.createdAt + 1) / 1000) * 1000);
    expect((await upgrade(s, await token('alice'))).status).toBe(101);
    expect((await api(s, 'GET', '/api/admin/revocations', bobToken)).status).toBe(403);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(/^tandem_revocations_in_force 1$/m);
    expect(metrics).toMatch(/^tandem_revoked_connections_closed_total 1$/m);
  });

  it('revoking one token by its id closes the connections using it; the same user’s other token keeps working', async () => {
    const s = await start();
    const [phone, laptop, admin] = await Promise.all([token('carol', { tokenId: 'jti-phone' }), token('carol', { tokenId: 'jti-laptop' }), token('ops', { admin: true })]);
    const onPhone = await client(s, phone);
    const onLaptop = await client(s, laptop);
    const phoneClosed = firstClose(onPhone);
    const before = Date.now();
    const tooFar = await api(s, 'POST', '/api/admin/revocations', admin, { tokenId: 'jti-phone', until: '99999999999999999d' });
    expect({ status: tooFar.status, code: ((await tooFar.json()) as { error: { code: string } }).error.code }).toEqual({ status: 400, code: 'bad-request' });
    const res = await api(s, 'POST', '/api/admin/revocations', admin, { tokenId: 'jti-phone', until: '2h' });
    expect(await res.json()).toMatchObject({ revocation: { kind: 'token', value: 'jti-phone' }, closed: 1 });
    const close = await phoneClosed;
    expect(close.code).toBe(4401);
    expect(close.at - before).toBeLessThan(1_000);
    expect((await upgrade(s, phone)).status).toBe(401);
    expect(onLaptop.provider.wsconnected).toBe(true);
    expect((await upgrade(s, laptop)).status).toBe(101);
  });

  it('a revocation made by `tandem revoke` on the running server’s store reaches it within REVOCATION_CHECK_MS', async () => {
    const s = await start({ REVOCATION_CHECK_MS: '500' });
    const daveToken = await token('dave');
    const dave = await client(s, daveToken);
    const closedAt = firstClose(dave);
    const where = s.config.databaseUrl === undefined
      ? ['--data-dir', s.config.dataDir]
      : ['--database-url', s.config.databaseUrl, '--database-schema', s.config.databaseSchema];
    const { stdout } = await promisify(execFile)(process.execPath, [MAIN, 'revoke', '--user', 'dave', '--reason', 'laptop stolen', ...where], { env: { ...process.env, DATABASE_URL: '' } });
    const revokedAt = Date.now();
    expect(stdout).toMatch(/revoked user "dave" until never/);
    const close = await closedAt;
    expect(close.code).toBe(4401);
    expect(close.reason).toMatch(/laptop stolen/);
    expect(close.at - revokedAt).toBeLessThan(500 + 500);
    expect((await upgrade(s, daveToken)).status).toBe(401);
  });

  it('forgets a revocation past its until: the token works again', async () => {
    const s = await start({ REVOCATION_CHECK_MS: '200' });
    const [erinToken, admin] = await Promise.all([token('erin', { tokenId: 'jti-erin' }), token('ops', { admin: true })]);
    const erin = await client(s, erinToken);
    const closed = firstClose(erin);
    const until = Date.now() + 1_500;
    expect((await api(s, 'POST', '/api/admin/revocations', admin, { tokenId: 'jti-erin', until })).status).toBe(201);
    expect((await closed).code).toBe(4401);
    expect((await upgrade(s, erinToken)).status).toBe(401);
    await expect.poll(async () => (await upgrade(s, erinToken)).status, { timeout: 5_000, interval: 100 }).toBe(101);
    expect(Date.now()).toBeGreaterThanOrEqual(until);
    expect(await (await api(s, 'GET', '/api/admin/revocations', admin)).json()).toEqual({ revocations: [] });
    // And in the store it is deleted (at start and hourly), not only ignored.
    expect(await s.store.forgetRevocations(Date.now())).toBe(1);
    expect(await s.store.listRevocations(0)).toEqual([]);
  });

  it('with authentication off the admin API is refused', async () => {
    server = await startTestServer({});
    const res = await fetch(`${server.url}/api/admin/revocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'local' }) });
    expect(res.status).toBe(403);
  });
});
