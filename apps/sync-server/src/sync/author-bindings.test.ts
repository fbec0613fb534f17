import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mintToken } from '../auth/token.js';
import { type BindingsMessage, connectClient, hearBindings, type TestClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';
import { AuthorBindings } from './author-bindings.js';
import * as Y from 'yjs';

const SECRET = 'bindings-secret-0123456789-0123456789';
const DOC = 'team/live';

describe('author bindings (?authors=1, message 102)', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const join = async (user: string, params: Record<string, string> = {}) => {
    const token = await mintToken(SECRET, { userId: user, docs: ['team/*'], role: user === 'vera' ? 'viewer' : 'editor', ttl: '1h' });
    const client = connectClient(server.url, DOC, { params: { token, ...params } });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server.destroy();
  });

  it('tells a connection that asked which author each Yjs client writes as, as they type and when it joins', async () => {
    const vera = await join('vera', { authors: '1' });
    const heard = hearBindings(vera);
    const ada = await join('ada');
    const bob = await join('bob');
    await Promise.all([vera, ada, bob].map((c) => c.synced()));
    ada.text.insert(0, 'alpha');
    await expect.poll(() => heard.bound().get(ada.doc.clientID)).toBe('ada');
    bob.text.insert(0, 'bravo');
    await expect.poll(() => heard.bound().get(bob.doc.clientID)).toBe('bob');
    const named = Object.assign({}, ...heard.heard.map((m) => m.authors)) as BindingsMessage['authors'];
    expect(Object.keys(named).sort()).toEqual(['ada', 'bob']);
    expect(named.ada!.color).toMatch(/^#[0-9a-f]{6}$/);
    // One binding per client: typing on sends nothing more.
    const messages = heard.heard.length;
    ada.text.insert(5, ' again');
    await expect.poll(() => vera.text.toString()).toContain('again');
    await new Promise((r) => setImmediate(r));
    expect(heard.heard.length).toBe(messages);

    // A connection that asks later hears what the room knows on joining.
    const late = await join('vera', { authors: '1' });
    const lateHeard = hearBindings(late);
    await expect.poll(() => lateHeard.bound()).toEqual(new Map([[ada.doc.clientID, 'ada'], [bob.doc.clientID, 'bob']]));
  });

  it('never sends message 102 to a connection that did not ask', async () => {
    const stock = await join('vera');
    const seen = hearBindings(stock);
    const ada = await join('ada');
    await Promise.all([stock.synced(), ada.synced()]);
    ada.text.insert(0, 'hello');
    await expect.poll(() => stock.text.toString()).toBe('hello');
    const asked = await join('vera', { authors: '1' });
    const askedHeard = hearBindings(asked);
    await expect.poll(() => askedHeard.bound().get(ada.doc.clientID)).toBe('ada');
    expect(seen.heard).toEqual([]);
    expect(seen.types.has(0)).toBe(true); // it did hear the others' messages
    expect(seen.types.has(102)).toBe(false);
  });
});

describe('AuthorBindings', () => {
  it('binds every client of an update with several, and keeps the first author of each', () => {
    const bindings = new AuthorBindings({ describe: async () => ({}) });
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.getText('t').insert(0, 'a');
    b.getText('t').insert(0, 'b');
    const both = Y.mergeUpdates([Y.encodeStateAsUpdate(a), Y.encodeStateAsUpdate(b)]);
    bindings.bind(Y.encodeStateAsUpdate(a), 'ada');
    bindings.bind(both, 'bob');
    expect(bindings.authorOf(a.clientID)).toBe('ada');
    expect(bindings.authorOf(b.clientID)).toBe('bob');
  });
});
