// Edges of access: what a share link's guest may do, tokens after a rename or a purge, redirects, the trash.
import { afterEach, describe, expect, it } from 'vitest';
import { mintToken } from '../auth/token.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const SECRET = 'access-edges-secret-0123456789abcdef';

describe('access at the edges', () => {
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
      ...(body === undefined ? {} : { body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body) }),
    });
  const owner = () => mintToken(SECRET, { userId: 'owner', docs: ['*'], role: 'editor', ttl: '7d' });
  const put = async (t: string, doc: string, md: string) => expect((await api('PUT', `/api/docs/${encodeURIComponent(doc)}`, t, md, 'text/markdown')).status).toBe(201);
  const link = async (t: string, doc: string, role: string) => {
    const res = await api('POST', `/api/docs/${encodeURIComponent(doc)}/share-links`, t, { role, expiresIn: 86_400 });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; url: string };
    return { id: body.id, secret: new URL(body.url).hash.replace(/^#share=/, '') };
  };
  const redeem = async (secret: string) => {
    const res = await api('POST', '/api/share-links/redeem', undefined, { secret });
    return { status: res.status, token: ((await res.json()) as { token: string }).token };
  };
  const markdown = async (t: string, doc: string) => {
    const res = await api('GET', `/api/docs/${encodeURIComponent(doc)}/content?format=markdown`, t);
    return { status: res.status, text: await res.text() };
  };

  it('a guest let in by a share link cannot get the secret of another link (so revoking its own link ends its access)', async () => {
    await start();
    const o = await owner();
    await put(o, 'board', '# Board notes');
    const mine = await link(o, 'board', 'editor');
    const forSomeoneElse = await link(o, 'board', 'editor');
    const guest = (await redeem(mine.secret)).token;

    const listed = await api('GET', '/api/docs/board/share-links', guest);
    // README: "People let in by a link cannot make links (revoking one link must end everything that came from it)".
    const secrets = listed.status === 200 ? ((await listed.json()) as { links: Array<{ url: string }> }).links.map((l) => new URL(l.url).hash.slice('#share='.length)) : [];
    // The owner revokes the guest's link; the guest should be out for good.
    expect((await api('DELETE', `/api/docs/board/share-links/${mine.id}`, o)).status).toBe(200);
    const again = secrets.includes(forSomeoneElse.secret) ? await redeem(forSomeoneElse.secret) : { status: 401, token: '' };
    expect(listed.status).toBe(403);
    expect(again.status).toBe(401);
  });

  it('a token from a share link keeps to its document: after a rename and a new document at the old name, it does not open the new one', async () => {
    await start();
    const o = await owner();
    await put(o, 'pub', '# Public doc');
    const l = await link(o, 'pub', 'editor');
    const guest = (await redeem(l.secret)).token;
    expect((await api('POST', '/api/docs/pub/rename', o, { to: 'archive/pub' })).status).toBe(201);
    expect((await markdown(guest, 'archive/pub')).status).toBe(200); // follows its document
    await put(o, 'pub', '# Private salaries'); // an unrelated document takes the old name back
    const read = await markdown(guest, 'pub');
    const write = await api('POST', '/api/docs/pub/content', guest, '# defaced', 'text/markdown');
    expect({ read: read.status, write: write.status }).toEqual({ read: 403, write: 403 });
  });

  it('the old name of a renamed document does not tell a caller without a token what the new name is', async () => {
    await start();
    const o = await owner();
    await put(o, 'hr/plan', '# x');
    expect((await api('POST', '/api/docs/hr%2Fplan/rename', o, { to: 'hr/layoffs-2027' })).status).toBe(201);
    const anonymous = await api('GET', '/api/docs/hr%2Fplan/history');
    expect({ status: anonymous.status, location: anonymous.headers.get('location') }).toEqual({ status: 401, location: null });
  });

  it('a PUT at an old name that fails leaves the redirect in place', async () => {
    await start();
    const o = await owner();
    await put(o, 'team/spec', '# spec');
    expect((await api('POST', '/api/docs/team%2Fspec/rename', o, { to: 'team/spec-v2' })).status).toBe(201);
    const failed = await api('PUT', '/api/docs/team%2Fspec', o, new Uint8Array([1, 2, 3, 0x67]), 'application/octet-stream');
    expect(failed.status).toBe(422);
    const old = await api('GET', '/api/docs/team%2Fspec', o);
    expect(old.status).toBe(308);
  });

  it('purging a document ends its share links at once: their tokens do not open a new document given its name', async () => {
    await start(); // REVOCATION_CHECK_MS long, as a busy deployment may set it
    const o = await owner();
    await put(o, 'tmpdoc', '# old');
    const l = await link(o, 'tmpdoc', 'viewer');
    const guest = (await redeem(l.secret)).token;
    expect((await api('DELETE', '/api/docs/tmpdoc', o)).status).toBe(200);
    expect((await api('DELETE', '/api/trash/tmpdoc', o)).status).toBe(200);
    await put(o, 'tmpdoc', '# brand new private doc');
    expect((await markdown(guest, 'tmpdoc')).status).toBe(401);
  });

  it('a document in the trash answers 410 to named versions too (read and write), as to every other route', async () => {
    await start();
    const o = await owner();
    await put(o, 'gone', '# x');
    expect((await api('DELETE', '/api/docs/gone', o)).status).toBe(200);
    const list = await api('GET', '/api/docs/gone/named-versions', o);
    const create = await api('POST', '/api/docs/gone/named-versions', o, { label: 'after delete' });
    expect({ list: list.status, create: create.status }).toEqual({ list: 410, create: 410 });
  });
});
