import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { testSchema } from '@tandem/persistence/testing/postgres';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { mintToken } from '../auth/token.js';
import { connectClient, type TestClient, upgradeResponse } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const MACHINE_REDIS = process.env.TANDEM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'revocation-fanout-secret-0123456789-abcdef';
const DOC = 'team/plan';
const MAIN = path.resolve(import.meta.dirname, '../../dist/main.js');

const token = (userId: string, admin = false) => mintToken(SECRET, { userId, docs: admin ? [] : ['team/*'], role: 'editor', ttl: '1h', admin });

describe('revocations across instances on one PostgreSQL store, Redis between them', () => {
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];
  let db = testSchema('revk');

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const s of servers.splice(0)) await s.destroy();
    await db.drop();
    db = testSchema('revk');
  });

  const start = async (env: Record<string, string>) => {
    const s = await startTestServer({ DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, AUTH_SECRET: SECRET, ...env });
    servers.push(s);
    return s;
  };
  const client = async (s: TestServer, t: string) => {
    const c = connectClient(s.url, DOC, { params: { token: t } });
    clients.push(c);
    await c.synced();
    return c;
  };
  const closeOf = (c: TestClient) =>
    new Promise<{ code: number; at: number }>((resolve) => c.provider.once('connection-close', (e) => resolve({ code: e?.code ?? -1, at: Date.now() })));
  const revoke = async (s: TestServer, body: object) => {
    const res = await fetch(`${s.url}/api/admin/revocations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token('ops', true)}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
  };

  it('a revocation made through instance A closes the user’s connection on instance B at once, and B refuses them after', async () => {
    // B re-reads the store only every 10 minutes: a close within a second came through Redis.
    const slow = { REDIS_URL: MACHINE_REDIS, REVOCATION_CHECK_MS: '600000' };
    const a = await start(slow);
    const b = await start(slow);
    const mallory = await token('mallory');
    const onB = await client(b, mallory);
    const onA = await client(a, mallory);
    const other = await client(b, await token('trent'));
    const [closedB, closedA] = [closeOf(onB), closeOf(onA)];
    const before = Date.now();
    await revoke(a, { user: 'mallory', reason: 'compromised' });
    for (const closed of [await closedB, await closedA]) {
      expect(closed.code).toBe(4401);
      expect(closed.at - before).toBeLessThan(1_000);
    }
    expect((await upgradeResponse(b.url, `${encodeURIComponent(DOC)}?token=${mallory}`)).status).toBe(401);
    expect(other.provider.wsconnected).toBe(true);
    expect(b.logs.some((l) => l.event === 'revocation-heard')).toBe(true);
  });

  it('a revocation heard on Redis that the store does not hold closes nobody (Redis is a hint, the store decides)', async () => {
    const a = await start({ REDIS_URL: MACHINE_REDIS, REVOCATION_CHECK_MS: '600000' });
    const victim = await client(a, await token('victim'));
    const closed = closeOf(victim);
    const publisher = new Redis(MACHINE_REDIS);
    try {
      const revocation = { kind: 'user', value: 'victim', until: null, createdAt: Date.now(), reason: 'forged' };
      await publisher.publish(`tandem:${db.schema}:revocations`, JSON.stringify({ from: 'elsewhere', revocation }));
    } finally {
      publisher.disconnect();
    }
    const outcome = await Promise.race([closed.then((c) => `closed ${c.code}`), new Promise((r) => setTimeout(() => r('open'), 1_000))]);
    expect(outcome).toBe('open');
    expect((await upgradeResponse(a.url, `${encodeURIComponent(DOC)}?token=${await token('victim')}`)).status).toBe(101);
  });

  it('`tandem revoke` with REDIS_URL tells every instance at once, without waiting for their re-read', async () => {
    const slow = { REDIS_URL: MACHINE_REDIS, REVOCATION_CHECK_MS: '600000' };
    const [a, b] = [await start(slow), await start(slow)];
    const t = await token('mallory');
    const [onA, onB] = [await client(a, t), await client(b, t)];
    const closes = [closeOf(onA), closeOf(onB)];
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [MAIN, 'revoke', '--user', 'mallory', '--database-url', db.url, '--database-schema', db.schema],
      { env: { ...process.env, REDIS_URL: MACHINE_REDIS } },
    );
    const exited = Date.now();
    expect(stdout).toMatch(/told through Redis/);
    for (const closed of await Promise.all(closes)) {
      expect(closed.code).toBe(4401);
      expect(closed.at).toBeLessThan(exited + 1_000);
    }
  });

  it('without Redis, instance B learns a revocation made on A by its re-read of the store', async () => {
    const a = await start({ REVOCATION_CHECK_MS: '300' });
    const b = await start({ REVOCATION_CHECK_MS: '300' });
    const t = await token('mallory');
    const onB = await client(b, t);
    const closedB = closeOf(onB);
    const before = Date.now();
    await revoke(a, { user: 'mallory' });
    const closed = await closedB;
    expect(closed.code).toBe(4401);
    expect(closed.at - before).toBeLessThan(300 + 1_000);
  });
  it('a share link revoked through instance A closes its connections on instance B at once (Redis), and B refuses its tokens after', async () => {
    const slow = { REDIS_URL: MACHINE_REDIS, REVOCATION_CHECK_MS: '600000' };
    const a = await start(slow);
    const b = await start(slow);
    const alice = await token('alice');
    const api = (s: TestServer, method: string, route: string, body?: object, t = alice) =>
      fetch(`${s.url}${route}`, { method, headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const links = `/api/docs/${encodeURIComponent(DOC)}/share-links`;
    const link = (await (await api(a, 'POST', links, { role: 'editor', expiresIn: 3_600 })).json()) as { id: string; url: string };
    const secret = new URL(link.url).hash.replace('#share=', '');
    const redeemed = (await (await api(b, 'POST', '/api/share-links/redeem', { secret })).json()) as { token: string };
    const onB = await client(b, redeemed.token);
    const closed = closeOf(onB);
    const before = Date.now();
    expect((await api(a, 'DELETE', `${links}/${link.id}`)).status).toBe(200);
    const close = await closed;
    expect(close.code).toBe(4401);
    expect(close.at - before).toBeLessThan(1_000);
    expect((await upgradeResponse(b.url, `${encodeURIComponent(DOC)}?token=${redeemed.token}`)).status).toBe(401);
    expect(b.logs.some((l) => l.event === 'share-link-revocation-heard')).toBe(true);
  });

  it('revoking a user through instance A closes, on instance B at once (Redis), the connections from links that user made, and B refuses them after', async () => {
    const slow = { REDIS_URL: MACHINE_REDIS, REVOCATION_CHECK_MS: '600000' };
    const a = await start(slow);
    const b = await start(slow);
    const alice = await token('alice');
    const api = (s: TestServer, method: string, route: string, body?: object) =>
      fetch(`${s.url}${route}`, { method, headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const link = (await (await api(a, 'POST', `/api/docs/${encodeURIComponent(DOC)}/share-links`, { role: 'editor', expiresIn: 3_600 })).json()) as { url: string };
    const secret = new URL(link.url).hash.replace('#share=', '');
    const redeemed = (await (await api(b, 'POST', '/api/share-links/redeem', { secret })).json()) as { token: string };
    const onB = await client(b, redeemed.token);
    const closed = closeOf(onB);
    const before = Date.now();
    await revoke(a, { user: 'alice', reason: 'left the team' });
    const close = await closed;
    expect(close.code).toBe(4401);
    expect(close.at - before).toBeLessThan(1_000);
    expect((await upgradeResponse(b.url, `${encodeURIComponent(DOC)}?token=${redeemed.token}`)).status).toBe(401);
    expect((await api(b, 'POST', '/api/share-links/redeem', { secret })).status).toBe(401);
  });
});
