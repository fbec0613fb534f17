import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, connectClient, upgradeResponse } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';
import { mintToken, verifyToken } from '../auth/token.js';
import { MAX_LINKS_PER_USER } from '../auth/share-links.js';

const SECRET = 'share-links-test-secret-0123456789-abcdef';
const DOC = 'team/plan';
const PATH = `/api/docs/${encodeURIComponent(DOC)}/share-links`;
const DAY = 86_400;

const token = (userId: string, options: { role?: 'editor' | 'viewer'; docs?: string[]; ttl?: number | string } = {}) =>
  mintToken(SECRET, { userId, docs: options.docs ?? ['team/*'], role: options.role ?? 'editor', ttl: options.ttl ?? '7d' });

interface LinkBody {
  id: string;
  url: string;
  role: string;
  expiresAt: string;
  revokedAt: string | null;
  createdBy: string;
}

const firstClose = (client: TestClient) =>
  new Promise<{ code: number; reason: string; at: number }>((resolve) =>
    client.provider.once('connection-close', (event) => resolve({ code: event?.code ?? -1, reason: event?.reason ?? '', at: Date.now() })),
  );

describe('share links (AUTH_SECRET set)', () => {
  let server: TestServer | undefined;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server?.destroy();
    server = undefined;
  });

  const start = async (env: Record<string, string> = {}) => (server = await startTestServer({ AUTH_SECRET: SECRET, REVOCATION_CHECK_MS: '600000', ...env }));
  const api = (s: TestServer, method: string, route: string, t: string | undefined, body?: unknown) =>
    fetch(`${s.url}${route}`, {
      method,
      headers: { ...(t === undefined ? {} : { authorization: `Bearer ${t}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const create = async (s: TestServer, t: string, body: unknown) => {
    const res = await api(s, 'POST', PATH, t, body);
    expect(res.status).toBe(201);
    return (await res.json()) as LinkBody;
  };
  const secretOf = (link: LinkBody) => new URL(link.url).hash.replace(/^#share=/, '');
  const redeem = async (s: TestServer, link: LinkBody, holder?: string, name?: string) => {
    const res = await api(s, 'POST', '/api/share-links/redeem', holder, { secret: secretOf(link), ...(name === undefined ? {} : { name }) });
    return { status: res.status, body: (await res.json()) as { token: string; expiresAt: string; userId: string; role: string; error?: { code: string } } };
  };
  const client = async (s: TestServer, t: string) => {
    const c = connectClient(s.url, DOC, { params: { token: t } });
    clients.push(c);
    await c.synced();
    return c;
  };

  it('an editor makes a link; each person who opens it gets a token of their own: own user id, the link’s document and role, not past its expiry', async () => {
    const s = await start();
    const alice = await token('alice');
    const before = Date.now();
    const link = await create(s, alice, { role: 'viewer', expiresIn: DAY });
    expect(link).toMatchObject({ role: 'viewer', createdBy: 'alice', revokedAt: null });
    expect(link.url).toMatch(new RegExp(`^${s.url}/d/team%2Fplan#share=`));
    expect(Date.parse(link.expiresAt) - before).toBeGreaterThanOrEqual(DAY * 1000 - 1_000);
    expect(Date.parse(link.expiresAt) - before).toBeLessThanOrEqual(DAY * 1000 + 1_000);

    const bob = await redeem(s, link, undefined, 'Bob');
    const carol = await redeem(s, link);
    expect(bob.status).toBe(200);
    expect(bob.body.userId).toMatch(/^share:/);
    expect(carol.body.userId).toMatch(/^share:/);
    expect(carol.body.userId).not.toBe(bob.body.userId);
    const p = await verifyToken(SECRET, bob.body.token);
    expect(p).toMatchObject({ userId: bob.body.userId, name: 'Bob', role: 'viewer', docs: [DOC], linkId: link.id });
    expect(p.expiresAt!).toBeLessThanOrEqual(Date.parse(link.expiresAt));
    // The name is cleaned as a guest's is: "Alice \u202e)nimda(" would show as "Alice (admin)".
    const posing = await redeem(s, link, undefined, 'Alice \u202e)nimda(\u200b\u0007\u2060\u00ad');
    expect((await verifyToken(SECRET, posing.body.token)).name).toBe('Alice )nimda(');
    const invisible = await redeem(s, link, undefined, '\u202e\u200b');
    expect({ status: invisible.status, code: invisible.body.error?.code }).toEqual({ status: 400, code: 'bad-request' });
    // Opened again with the token from it (a reload): the same person.
    expect((await redeem(s, link, bob.body.token)).body.userId).toBe(bob.body.userId);
    // The secret alone opens nothing.
    expect((await api(s, 'GET', `/api/docs/${encodeURIComponent(DOC)}`, secretOf(link))).status).toBe(401);
    // A viewer's token reads, and cannot write.
    expect((await upgradeResponse(s.url, `${encodeURIComponent(DOC)}?token=${bob.body.token}`)).status).toBe(101);
    expect((await upgradeResponse(s.url, `${encodeURIComponent('team/other')}?token=${bob.body.token}`)).status).toBe(403);
  });

  it('each redeemer of an editor link is recorded as the author of what they type', async () => {
    const s = await start();
    const link = await create(s, await token('alice'), { role: 'editor', expiresIn: DAY });
    const [bob, carol] = [await redeem(s, link), await redeem(s, link)];
    const bobClient = await client(s, bob.body.token);
    bobClient.text.insert(0, 'bob ');
    const carolClient = await client(s, carol.body.token);
    carolClient.text.insert(0, 'carol ');
    await expect.poll(async () => new Set((await s.store.readUpdates(DOC)).map((u) => u.author))).toEqual(new Set([bob.body.userId, carol.body.userId]));
  });

  it('caps: the role at the creator’s, the expiry at the creator’s token and 30 days', async () => {
    const s = await start();
    const shortLived = await token('alice', { ttl: 3_600 });
    const capped = await create(s, shortLived, { role: 'editor', expiresIn: 7 * DAY });
    expect(Date.parse(capped.expiresAt)).toBeLessThanOrEqual(Date.now() + 3_600_000);
    const redeemed = await redeem(s, capped);
    expect((await verifyToken(SECRET, redeemed.body.token)).expiresAt!).toBeLessThanOrEqual(Date.parse(capped.expiresAt));
    const farAt = new Date(Date.now() + 365 * DAY * 1000).toISOString();
    const far = await create(s, await token('alice', { ttl: '400d' }), { role: 'viewer', expiresAt: farAt });
    expect(Date.parse(far.expiresAt)).toBeLessThanOrEqual(Date.now() + 30 * DAY * 1000);
    expect((await api(s, 'POST', PATH, shortLived, { role: 'editor', expiresIn: 31 * DAY })).status).toBe(400);
    expect((await api(s, 'POST', PATH, shortLived, { role: 'owner', expiresIn: DAY })).status).toBe(400);
    expect((await api(s, 'POST', PATH, shortLived, { role: 'viewer' })).status).toBe(400);
  });

  it('only editors of the document may make, list or revoke links; a person let in by a link may not make one', async () => {
    const s = await start();
    const alice = await token('alice');
    const link = await create(s, alice, { role: 'editor', expiresIn: DAY });
    const viewer = await token('vera', { role: 'viewer' });
    const elsewhere = await token('eve', { docs: ['other/*'] });
    for (const t of [viewer, elsewhere]) {
      expect((await api(s, 'POST', PATH, t, { role: 'viewer', expiresIn: DAY })).status).toBe(403);
      expect((await api(s, 'GET', PATH, t)).status).toBe(403);
      expect((await api(s, 'DELETE', `${PATH}/${link.id}`, t)).status).toBe(403);
    }
    expect((await api(s, 'GET', PATH, undefined)).status).toBe(401);
    const guest = (await redeem(s, link)).body.token;
    expect((await api(s, 'POST', PATH, guest, { role: 'viewer', expiresIn: DAY })).status).toBe(403);
    expect((await api(s, 'DELETE', `${PATH}/nope`, alice)).status).toBe(404);
    const listed = (await (await api(s, 'GET', PATH, alice)).json()) as { links: LinkBody[] };
    expect(listed.links.map((l) => [l.id, l.url])).toEqual([[link.id, link.url]]);
  });

  it('revoking a link closes its live connections with 4401 at once and refuses its tokens (HTTP, WebSocket, redeeming again); other links keep working', async () => {
    const s = await start();
    const alice = await token('alice');
    const editorLink = await create(s, alice, { role: 'editor', expiresIn: DAY });
    const viewerLink = await create(s, alice, { role: 'viewer', expiresIn: DAY });
    const bob = (await redeem(s, editorLink)).body.token;
    const carol = (await redeem(s, viewerLink)).body.token;
    const bobClient = await client(s, bob);
    const carolClient = await client(s, carol);
    const bobClosed = firstClose(bobClient);
    const before = Date.now();
    const res = await api(s, 'DELETE', `${PATH}/${editorLink.id}`, alice);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ link: { id: editorLink.id }, closed: 1 });
    const close = await bobClosed;
    expect(close.code).toBe(4401);
    expect(close.reason).toMatch(/^token-revoked/);
    expect(close.at - before).toBeLessThan(1_000);
    const refused = await upgradeResponse(s.url, `${encodeURIComponent(DOC)}?token=${bob}`);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'token-revoked' } });
    expect((await api(s, 'GET', `/api/docs/${encodeURIComponent(DOC)}`, bob)).status).toBe(401);
    expect((await redeem(s, editorLink)).status).toBe(401);
    expect(carolClient.provider.wsconnected).toBe(true);
    expect((await api(s, 'GET', '/api/docs', carol)).status).toBe(200);
    expect((await api(s, 'GET', '/api/docs', bob)).status).toBe(401);
    const listed = (await (await api(s, 'GET', PATH, alice)).json()) as { links: LinkBody[] };
    expect(listed.links.find((l) => l.id === editorLink.id)?.revokedAt).not.toBeNull();
  });

  it('a renamed document keeps its links and the tokens minted from them: they open it under its new name (HTTP, WebSocket, the list); its editors manage them there', async () => {
    const s = await start();
    const alice = await token('alice', { docs: [DOC, 'elsewhere/*'] });
    const link = await create(s, alice, { role: 'editor', expiresIn: DAY });
    const bob = (await redeem(s, link)).body.token;
    const writer = await client(s, bob);
    writer.text.insert(0, 'before the rename');
    await expect.poll(async () => (await s.store.readUpdates(DOC)).length).toBeGreaterThan(0);
    writer.destroy();

    const renamed = await api(s, 'POST', `/api/docs/${encodeURIComponent(DOC)}/rename`, alice, { to: 'elsewhere/plan' });
    expect(renamed.status).toBe(201);
    const NEW = encodeURIComponent('elsewhere/plan');
    // Bob's token names the old name: it opens the document there still, by its new name.
    expect((await api(s, 'GET', `/api/docs/${NEW}`, bob)).status).toBe(200);
    expect((await upgradeResponse(s.url, `${NEW}?token=${bob}`)).status).toBe(101);
    const listed = (await (await api(s, 'GET', '/api/docs', bob)).json()) as { documents: { name: string }[] };
    expect(listed.documents.map((d) => d.name)).toEqual(['elsewhere/plan']);
    // The link goes with the document: listed and revocable there; a new redemption names the new name.
    const links = (await (await api(s, 'GET', `/api/docs/${NEW}/share-links`, alice)).json()) as { links: LinkBody[] };
    expect(links.links.map((l) => l.id)).toEqual([link.id]);
    const carol = await redeem(s, link);
    expect(carol.status).toBe(200);
    expect((await verifyToken(SECRET, carol.body.token)).docs).toEqual(['elsewhere/plan']);
    // A document given the old name afterwards is not the renamed one: the old token follows the name there.
    const other = await api(s, 'GET', `/api/docs/${encodeURIComponent('elsewhere/other')}`, bob);
    expect(other.status).toBe(403);
    // Nor is it in the trash for them.
    const owner = await token('owner', { docs: ['*'] });
    expect((await api(s, 'PUT', `/api/docs/${encodeURIComponent(DOC)}`, owner, { type: 'doc', content: [{ type: 'paragraph' }] })).status).toBe(201);
    expect((await api(s, 'GET', `/api/docs/${encodeURIComponent(DOC)}`, bob)).status).toBe(403);
    expect((await api(s, 'DELETE', `/api/docs/${encodeURIComponent(DOC)}`, owner)).status).toBe(200);
    expect(((await (await api(s, 'GET', '/api/trash', bob)).json()) as { trash: unknown[] }).trash).toEqual([]);
    expect((await api(s, 'DELETE', `/api/docs/${NEW}/share-links/${link.id}`, alice)).status).toBe(200);
    expect((await api(s, 'GET', `/api/docs/${NEW}`, bob)).status).toBe(401);
  });

  it('a link revoked in the store by another instance is refused, and its connections closed, within REVOCATION_CHECK_MS', async () => {
    const s = await start({ REVOCATION_CHECK_MS: '300' });
    const link = await create(s, await token('alice'), { role: 'editor', expiresIn: DAY });
    const bob = (await redeem(s, link)).body.token;
    const bobClient = await client(s, bob);
    const closed = firstClose(bobClient);
    await s.store.revokeShareLink(DOC, link.id, Date.now());
    const at = Date.now();
    expect((await closed).code).toBe(4401);
    expect(Date.now() - at).toBeLessThan(300 + 700);
    expect((await api(s, 'GET', `/api/docs/${encodeURIComponent(DOC)}`, bob)).status).toBe(401);
  });

  it('revoking a user ends the links they made: redeeming them is refused, their tokens refused and live connections closed at once; links made by others, or by the user after, work', async () => {
    const s = await start();
    const admin = await mintToken(SECRET, { userId: 'root', docs: ['*'], role: 'editor', admin: true, ttl: '1h' });
    const alice = await token('alice');
    const aliceLink = await create(s, alice, { role: 'editor', expiresIn: DAY });
    const daveLink = await create(s, await token('dave'), { role: 'viewer', expiresIn: DAY });
    const bob = (await redeem(s, aliceLink)).body.token;
    const carol = (await redeem(s, daveLink)).body.token;
    const bobClient = await client(s, bob);
    const bobClosed = firstClose(bobClient);
    const before = Date.now();
    const res = await api(s, 'POST', '/api/admin/revocations', admin, { user: 'alice', reason: 'left the team' });
    expect(res.status).toBe(201);
    const { revocation, closed } = (await res.json()) as { revocation: { createdAt: number }; closed: number };
    expect(closed).toBe(1); // bob's, from alice's link
    const close = await bobClosed;
    expect(close.code).toBe(4401);
    expect(close.reason).toMatch(/^token-revoked/);
    expect(close.at - before).toBeLessThan(1_000);
    expect((await api(s, 'GET', `/api/docs/${encodeURIComponent(DOC)}`, bob)).status).toBe(401);
    expect((await upgradeResponse(s.url, `${encodeURIComponent(DOC)}?token=${bob}`)).status).toBe(401);
    const again = await redeem(s, aliceLink);
    expect(again.status).toBe(401);
    expect(again.body.error?.code).toBe('token-revoked');
    expect((await api(s, 'GET', '/api/docs', carol)).status).toBe(200);
    expect((await redeem(s, daveLink)).status).toBe(200);
    // A token issued to alice after the revocation works (see revocation-list.ts), and so does a link made with it.
    await expect.poll(() => Date.now(), { timeout: 2_000, interval: 50 }).toBeGreaterThanOrEqual(Math.ceil((revocation.createdAt + 1) / 1000) * 1000);
    const later = await create(s, await token('alice'), { role: 'viewer', expiresIn: DAY });
    expect((await redeem(s, later)).status).toBe(200);
  });

  it('a user revoked in the store (tandem revoke, another instance) has their links refused, and the connections from them closed, within REVOCATION_CHECK_MS', async () => {
    const s = await start({ REVOCATION_CHECK_MS: '300' });
    const link = await create(s, await token('alice'), { role: 'editor', expiresIn: DAY });
    const bob = (await redeem(s, link)).body.token;
    const bobClient = await client(s, bob);
    const closed = firstClose(bobClient);
    await s.store.revoke({ kind: 'user', value: 'alice', until: null, createdAt: Date.now(), reason: '' });
    const at = Date.now();
    expect((await closed).code).toBe(4401);
    expect(Date.now() - at).toBeLessThan(300 + 700);
    expect((await api(s, 'GET', `/api/docs/${encodeURIComponent(DOC)}`, bob)).status).toBe(401);
    expect((await redeem(s, link)).status).toBe(401);
  });

  it('limits redeeming per client address (a wrong secret counts too): 429 rate-limited with Retry-After, counted in the limits metric; another address is not held back', async () => {
    const s = await start({ SHARE_LINK_REDEEMS_PER_MINUTE: '3', TRUST_PROXY: '127.0.0.1' });
    const link = await create(s, await token('alice'), { role: 'viewer', expiresIn: DAY });
    const from = (address: string, secret = secretOf(link)) =>
      fetch(`${s.url}/api/share-links/redeem`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
        body: JSON.stringify({ secret }),
      });
    expect((await from('198.51.100.7')).status).toBe(200);
    expect((await from('198.51.100.7', 'not-a-secret')).status).toBe(401);
    expect((await from('198.51.100.7')).status).toBe(200);
    const refused = await from('198.51.100.7');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({
      error: { code: 'rate-limited', message: expect.stringMatching(/^Too many share links redeemed from this address \(at most 3 a minute\); try again in \d+ s$/) },
    });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(20);
    expect((await from('203.0.113.9')).status).toBe(200);
    expect(await (await fetch(`${s.url}/metrics`)).text()).toContain('tandem_limits_hit_total{kind="share-link-redeems"} 1');
  });

  it('a user holds at most MAX_LINKS_PER_USER links not yet expired, revoked ones included (each revoked one is read again by every instance every REVOCATION_CHECK_MS until it expires): 429 with Retry-After beyond; others are not held back', async () => {
    const s = await start();
    const now = Date.now();
    // Made and revoked by a script (two requests each, about a hundred a second): what every instance then read
    // again every 5 s on its event loop (300 000 of them: 0.7 s each time) until they expired, 30 days later.
    for (let i = 0; i < MAX_LINKS_PER_USER; i++) {
      const expiresAt = now + (i === 0 ? 120_000 : 20 * DAY * 1000);
      await s.store.createShareLink({ id: `flood-${i}`, doc: `team/n${i}`, role: 'viewer', createdBy: 'mallory', createdAt: now, expiresAt, revokedAt: i % 2 === 0 ? now : null });
    }
    await s.store.createShareLink({ id: 'old', doc: DOC, role: 'viewer', createdBy: 'mallory', createdAt: now - 9_000, expiresAt: now - 1, revokedAt: null });
    const refused = await api(s, 'POST', PATH, await token('mallory'), { role: 'viewer', expiresIn: DAY });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({
      error: {
        code: 'rate-limited',
        message: expect.stringMatching(new RegExp(`^You have ${MAX_LINKS_PER_USER} share links not yet expired \\(revoked ones count until they expire\\); the next one can be made in (1[01]\\d|120) s$`)),
      },
    });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(100);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(await (await fetch(`${s.url}/metrics`)).text()).toContain('tandem_limits_hit_total{kind="share-links-per-user"} 1');
    await create(s, await token('alice'), { role: 'viewer', expiresIn: DAY });
  });
});

describe('share links (sign-in off)', () => {
  it('are refused: there is nothing to share but the address', async () => {
    const s = await startTestServer({});
    try {
      const res = await fetch(`${s.url}${PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'viewer', expiresIn: DAY }) });
      expect(res.status).toBe(409);
    } finally {
      await s.destroy();
    }
  });
});
