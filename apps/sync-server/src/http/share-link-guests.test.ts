// What a share link's guest may do, and what ends a link (found by a security review): a guest cannot
// delete the document for good, redeeming again starts no new budget, and revoking the token that made a
// link (by its id) ends the link.
import { afterEach, describe, expect, it } from 'vitest';
import { mintToken } from '../auth/token.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const SECRET = 'share-link-guests-secret-0123456789abcdef';

describe('share-link guests', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.destroy();
    server = undefined;
  });
  const start = async (env: Record<string, string> = {}) => (server = await startTestServer({ AUTH_SECRET: SECRET, REVOCATION_CHECK_MS: '600000', ...env }));
  const api = (method: string, path: string, token?: string, body?: unknown, type = 'application/json') =>
    fetch(`${server!.url}${path}`, {
      method,
      redirect: 'manual',
      headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': type }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const owner = () => mintToken(SECRET, { userId: 'owner', docs: ['*'], role: 'editor', ttl: '7d' });
  const put = async (t: string, doc: string, md: string) => expect((await api('PUT', `/api/docs/${encodeURIComponent(doc)}`, t, md, 'text/markdown')).status).toBe(201);
  const makeLink = async (t: string, doc: string, role: string) => {
    const res = await api('POST', `/api/docs/${encodeURIComponent(doc)}/share-links`, t, { role, expiresIn: 30 * 86_400 });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; url: string };
    return { id: body.id, secret: new URL(body.url).hash.replace(/^#share=/, '') };
  };
  const redeem = (secret: string) => api('POST', '/api/share-links/redeem', undefined, { secret });

  it('a guest let in by an editor link can edit, but cannot move the document to the trash, purge it or take it out of the trash (403)', async () => {
    await start();
    const o = await owner();
    await put(o, 'handbook', '# Years of history');
    const link = await makeLink(o, 'handbook', 'editor');
    const guest = ((await (await redeem(link.secret)).json()) as { token: string }).token;
    expect((await api('POST', '/api/docs/handbook/content', guest, '# Years of history\n\nAnd a guest.', 'text/markdown')).status).toBe(201);
    const trashed = await api('DELETE', '/api/docs/handbook', guest);
    expect(trashed.status).toBe(403);
    expect((await trashed.json()).error.message).toBe('Access from a share link cannot delete documents');
    // In the trash through its owner: the guest cannot purge it either.
    expect((await api('DELETE', '/api/docs/handbook', o)).status).toBe(200);
    expect((await api('DELETE', '/api/trash/handbook', guest)).status).toBe(403);
    // Nor take it back out: its people closed it to everyone (the guest's link still authenticates, and
    // stays listed for them to revoke), and a guest brought it back for all (found by a review).
    const restored = await api('POST', '/api/trash/handbook/restore', guest, {});
    expect(restored.status).toBe(403);
    expect((await restored.json()).error.message).toBe('Access from a share link cannot restore documents from the trash');
    expect((await api('GET', '/api/docs/handbook', o)).status).toBe(410);
    expect((await api('POST', '/api/trash/handbook/restore', o, {})).status).toBe(200);
    expect((await api('GET', '/api/docs/handbook', o)).status).toBe(200);
  });

  it('no link is made for a document in the trash (410, as every route of it); its links stay listed and revocable', async () => {
    await start();
    const o = await owner();
    await put(o, 'minutes', '# Minutes');
    const before = await makeLink(o, 'minutes', 'viewer');
    expect((await api('DELETE', '/api/docs/minutes', o)).status).toBe(200);
    // Made while in the trash, a link waited there to open the document the day it was restored.
    const made = await api('POST', '/api/docs/minutes/share-links', o, { role: 'editor', expiresIn: 86_400 });
    expect(made.status).toBe(410);
    expect((await made.json()).error.code).toBe('gone');
    const listed = (await (await api('GET', '/api/docs/minutes/share-links', o)).json()) as { links: Array<{ id: string }> };
    expect(listed.links.map((l) => l.id)).toEqual([before.id]);
    expect((await api('DELETE', `/api/docs/minutes/share-links/${before.id}`, o)).status).toBe(200);
  });

  it('revoking a token by its id (a leaked one) also ends the share links made with it, and what they let in', async () => {
    await start();
    await put(await owner(), 'board', '# Board');
    const leaked = await mintToken(SECRET, { userId: 'alice', docs: ['*'], role: 'editor', ttl: '7d', tokenId: 'leaked-jti' });
    const other = await mintToken(SECRET, { userId: 'alice', docs: ['*'], role: 'editor', ttl: '7d', tokenId: 'kept-jti' });
    // Whoever holds the leaked token makes themselves a 30-day editor link first, and redeems it.
    const backdoor = await makeLink(leaked, 'board', 'editor');
    const redeemed = ((await (await redeem(backdoor.secret)).json()) as { token: string }).token;
    const kept = await makeLink(other, 'board', 'viewer');
    const admin = await mintToken(SECRET, { userId: 'admin', docs: [], role: 'viewer', admin: true, ttl: '1h' });
    expect((await api('POST', '/api/admin/revocations', admin, { tokenId: 'leaked-jti' })).status).toBe(201);
    expect((await api('GET', '/api/docs/board', leaked)).status).toBe(401);
    expect((await redeem(backdoor.secret)).status).toBe(401);
    expect((await api('POST', '/api/docs/board/content', redeemed, '# defaced', 'text/markdown')).status).toBe(401);
    // Alice's other token, and the link made with it, still work.
    expect((await redeem(kept.secret)).status).toBe(200);
    expect((await api('GET', '/api/docs/board', other)).status).toBe(200);
  });

  it('redeeming the same link again from the same address starts no new store budget', async () => {
    await start({ STORE_RATE_BYTES_PER_HOUR: '4096', STORE_BURST_BYTES: '4096' });
    await put(await owner(), 'pad', '# pad');
    const link = await makeLink(await owner(), 'pad', 'editor');
    const tokenOf = async () => ((await (await redeem(link.secret)).json()) as { token: string }).token;
    // Each a different 3 000 characters (a replacement stores only what differs).
    const bulk = (i: number) => `# ${i}\n\n${String.fromCharCode(96 + i).repeat(3000)}`;
    const first = await tokenOf();
    expect((await api('POST', '/api/docs/pad/content', first, bulk(1), 'text/markdown')).status).toBe(201);
    expect((await api('POST', '/api/docs/pad/content', first, bulk(2), 'text/markdown')).status).toBe(429);
    const second = await tokenOf();
    expect((await api('POST', '/api/docs/pad/content', second, bulk(3), 'text/markdown')).status).toBe(429);
    // The document's own people keep theirs.
    expect((await api('POST', '/api/docs/pad/content', await owner(), bulk(4), 'text/markdown')).status).toBe(201);
  });
});
