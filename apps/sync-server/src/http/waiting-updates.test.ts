// A document can hold an update still waiting for an earlier one of the same writer (with several
// instances, one behind the log holds such an update until the earlier one reaches it; a program may send
// one through the API). The server's own edits built on the live state were built on the waiting update
// too: a content replacement by someone else was refused as "written under another person's client id"
// (found by the churn test on two instances), and a copy carried it into a document where the earlier
// update never comes.
import { FRAGMENT } from '@tandem/schema';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mintToken } from '../auth/token.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const SECRET = 'waiting-updates-secret-0123456789-0123456789';

describe('server edits beside an update still waiting for an earlier one', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.destroy();
    server = undefined;
  });
  const tok = (user: string) => mintToken(SECRET, { userId: user, name: user, docs: ['*'], role: 'editor', ttl: '1h' });
  const api = async (user: string, path: string, body: string | Uint8Array, type: string) =>
    fetch(`${server!.url}/api/docs/${path}`, { method: 'POST', body, headers: { authorization: `Bearer ${await tok(user)}`, 'content-type': type } });

  /** Ada's two updates: a paragraph, then text in it; the second is sent alone. */
  const adasUpdates = () => {
    const ada = new Y.Doc();
    const text = new Y.XmlText();
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [text]);
    ada.getXmlFragment(FRAGMENT).insert(0, [paragraph]);
    const first = Y.encodeStateAsUpdate(ada);
    const sv = Y.encodeStateVector(ada);
    text.insert(0, 'ada later');
    return { client: ada.clientID, first, second: Y.encodeStateAsUpdate(ada, sv) };
  };

  const replay = async (doc: string) => {
    const d = new Y.Doc();
    for (const u of await server!.store.readUpdates(doc)) Y.applyUpdate(d, u.update);
    return d;
  };

  it('replaces the content as someone else, under their own id only, and the waiting update still lands', async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET });
    const ada = adasUpdates();
    expect((await api('zed', 'doc/content', 'Before\n', 'text/markdown')).status).toBe(201);
    expect((await api('ada', 'doc/updates', ada.second, 'application/octet-stream')).status).toBe(201);

    const res = await api('zed', 'doc/content', '# Replaced\n', 'text/markdown');
    expect(res.status, await res.clone().text()).toBe(201);
    const log = await server.store.readUpdates('doc');
    const zeds = log.filter((u) => u.author.endsWith('zed')).flatMap((u) => Y.decodeUpdate(u.update).structs.map((s) => s.id.client));
    expect(zeds).not.toContain(ada.client);

    expect((await api('ada', 'doc/updates', ada.first, 'application/octet-stream')).status).toBe(201);
    const content = (await replay('doc')).getXmlFragment(FRAGMENT).toString();
    expect(content).toContain('Replaced');
    expect(content).toContain('ada later');
  });

  it('copies what the document shows, not the update still waiting', async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET });
    const ada = adasUpdates();
    expect((await api('zed', 'doc/content', 'Shown\n', 'text/markdown')).status).toBe(201);
    expect((await api('ada', 'doc/updates', ada.second, 'application/octet-stream')).status).toBe(201);

    const res = await api('zed', 'doc/duplicate', JSON.stringify({ to: 'copy' }), 'application/json');
    expect(res.status, await res.clone().text()).toBe(201);
    const copy = await replay('copy');
    expect(copy.store.pendingStructs).toBeNull();
    expect(copy.getXmlFragment(FRAGMENT).toString()).toContain('Shown');
    const copied = (await server.store.readUpdates('copy')).flatMap((u) => Y.decodeUpdate(u.update).structs.map((s) => s.id.client));
    expect(copied).not.toContain(ada.client);
  });
});
