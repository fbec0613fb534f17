import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { mintToken } from '../auth/token.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const SECRET = 'history-secret-0123456789-0123456789';
const DOC = 'team/report';

/** A stock y-websocket client editing the editor's fragment, authenticated as `user`. */
async function writer(url: string, user: string, role: 'editor' | 'viewer' = 'editor') {
  const token = await mintToken(SECRET, { userId: user, docs: ['team/*'], role, ttl: '1h' });
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/ws`, encodeURIComponent(DOC), doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params: { token },
  });
  await new Promise<void>((r) => (provider.synced ? r() : provider.once('sync', () => r())));
  const fragment = doc.getXmlFragment('prosemirror');
  return {
    token,
    doc,
    fragment,
    provider,
    /** Appends a paragraph (or heading) with `text`. */
    block(text: string, type = 'paragraph', attrs: Record<string, unknown> = {}) {
      const el = new Y.XmlElement(type);
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v as string);
      const t = new Y.XmlText();
      t.insert(0, text);
      el.insert(0, [t]);
      fragment.insert(fragment.length, [el]);
      return t;
    },
    text: () => fragment.toArray().map((el) => (el as Y.XmlElement).toArray().map((t) => (t as Y.XmlText).toString()).join('')).join('\n'),
    destroy: () => provider.destroy(),
  };
}

describe('history API', () => {
  let server: TestServer;
  let alice: Awaited<ReturnType<typeof writer>>;
  let bob: Awaited<ReturnType<typeof writer>>;
  const api = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${server.url}/api/docs/${encodeURIComponent(DOC)}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${init.token ?? alice.token}`, 'content-type': 'application/json', ...init.headers },
    });
  const lastSeq = async () => (await server.store.getDocument(DOC))!.lastSeq;

  beforeEach(async () => {
    server = await startTestServer({ AUTH_SECRET: SECRET });
    alice = await writer(server.url, 'alice');
    bob = await writer(server.url, 'bob');
  });
  afterEach(async () => {
    alice.destroy();
    bob.destroy();
    await server.destroy();
  });

  it('serves the timeline, any version in five formats, by seq or time, and attributed diffs', async () => {
    alice.block('Quarterly report', 'heading', { level: 1 });
    const body = alice.block('Revenue grew.');
    await expect.poll(lastSeq).toBe(2);
    const draftTime = new Date().toISOString();
    await expect.poll(() => bob.text()).toBe('Quarterly report\nRevenue grew.');
    const draftSeq = await lastSeq();
    await new Promise((r) => setTimeout(r, 5)); // the next edit gets a later time
    bob.doc.transact(() => {
      const t = (bob.fragment.get(1) as Y.XmlElement).get(0) as Y.XmlText;
      t.delete(8, 5); // "grew."
      t.insert(8, 'doubled!', { strong: true });
    });
    await expect.poll(lastSeq).toBe(draftSeq + 1);
    // Stored is not yet shown to Alice: broadcasts are paced after the commit.
    await expect.poll(() => body.toString()).toContain('doubled');

    // The server records who connected in the background; the lookup reads those records.
    await expect.poll(async () => (await server.store.listAuthors(['alice', 'bob'])).length).toBe(2);
    // Alice's draft and Bob's edit moments later: one session of two authors, with a lookup naming them.
    // "grew.", typed and deleted within the session, counts for neither.
    const history = await (await api('/history')).json();
    expect(history.sessions).toHaveLength(1);
    const drafted = 'Quarterly reportRevenue '.length;
    expect(history.sessions[0]).toMatchObject({ fromSeq: 1, toSeq: draftSeq + 1, added: drafted + 8, removed: 0 });
    expect(history.sessions[0].authors).toEqual([
      { id: 'alice', updates: draftSeq, added: drafted, removed: 0 },
      { id: 'bob', updates: 1, added: 8, removed: 0 },
    ]);
    expect(Object.keys(history.authors).sort()).toEqual(['alice', 'bob']);
    expect(history.authors.bob).toMatchObject({ name: 'bob', verified: true, color: expect.stringMatching(/^#[0-9a-f]{6}$/) });
    expect(history.authors.alice.color).not.toBe(history.authors.bob.color);

    const asJson = await api(`/versions/${draftSeq}`);
    expect(asJson.headers.get('content-type')).toContain('application/json');
    expect((await asJson.json()).content.content[0]).toEqual({
      type: 'heading',
      attrs: { level: 1 },
      content: [{ type: 'text', text: 'Quarterly report' }],
    });
    const md = await api(`/versions/${draftSeq + 1}?format=markdown&download=1`);
    expect(md.headers.get('content-type')).toContain('text/markdown');
    expect(md.headers.get('content-disposition')).toContain(`attachment; filename="team_report-v${draftSeq + 1}.md"`);
    expect(await md.text()).toBe('# Quarterly report\n\nRevenue **doubled!**');
    expect(await (await api(`/versions/${draftSeq}?format=html`)).text()).toContain('<h1>Quarterly report</h1><p>Revenue grew.</p>');
    expect(await (await api(`/versions/${draftSeq}?format=text`)).text()).toBe('Quarterly report\nRevenue grew.');
    const binary = new Uint8Array(await (await api(`/versions/${draftSeq}?format=yjs`)).arrayBuffer());
    const replica = new Y.Doc();
    Y.applyUpdate(replica, binary);
    expect(replica.getXmlFragment('prosemirror').length).toBe(2);
    const byTime = await api(`/versions?at=${encodeURIComponent(draftTime)}&format=text`);
    expect(byTime.headers.get('x-tandem-seq')).toBe(String(draftSeq));
    expect(await byTime.text()).toBe('Quarterly report\nRevenue grew.');

    const diff = await (await api(`/diff?from=${draftSeq}&to=${draftSeq + 1}`)).json();
    expect(diff.changes).toEqual([
      { type: 'delete', text: 'grew.', author: 'bob' },
      { type: 'insert', text: 'doubled!', author: 'bob' },
    ]);
    expect(diff.totals).toEqual([{ author: 'bob', inserted: 8, deleted: 5 }]);
    expect(Object.keys(diff.authors)).toEqual(['bob']);
    expect(diff.authors.bob).toEqual(history.authors.bob);
    // A rename shows in the history at once, the log unchanged, the colour kept.
    await server.store.recordAuthors([{ id: 'bob', name: 'Bob B.', verified: true, seenAt: Date.now() }]);
    const renamed = await (await api('/history')).json();
    expect(renamed.authors.bob).toEqual({ ...history.authors.bob, name: 'Bob B.' });
    expect((await (await api(`/diff?from=${draftSeq}`)).json()).authors.bob.name).toBe('Bob B.');
  });

  it("credits a deletion to whoever made it, not to a client reconnecting with offline edits (its sync step 2 holds every deletion)", async () => {
    const text = alice.block('Hello wonderful world');
    await expect.poll(() => bob.text()).toBe('Hello wonderful world');
    ((bob.fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText).delete(5, 10); // " wonderful"
    await expect.poll(() => text.toString()).toBe('Hello world');
    const before = await lastSeq();
    alice.provider.disconnect();
    text.insert(text.length, '!');
    alice.provider.connect();
    await expect.poll(lastSeq).toBe(before + 1);
    // What alice stored on reconnecting carries bob's deletion again (y-websocket sends the whole delete set).
    const [resent] = await server.store.readUpdates(DOC, { afterSeq: before });
    expect(Y.decodeUpdate(resent!.update).ds.clients.size).toBeGreaterThan(0);
    const history = await (await api('/history')).json();
    const removed = Object.fromEntries(history.sessions.flatMap((s: { authors: Array<{ id: string; removed: number }> }) => s.authors.map((a) => [a.id, a.removed])));
    // " wonderful" was typed and deleted in this session: it counts for nobody, nor does its deletion sent again.
    expect(removed).toEqual({ alice: 0, bob: 0 });
    expect(history.sessions[0]).toMatchObject({ added: 'Hello world!'.length, removed: 0 });
  });

  it('diffs show formatting changed on kept text, with who changed it (a mark made, a mark taken off)', async () => {
    const text = alice.block('Revenue grew fast.');
    text.format(8, 4, { em: {} }); // "grew" italic
    await expect.poll(() => bob.text()).toBe('Revenue <em>grew</em> fast.');
    await expect.poll(lastSeq).toBe(2);
    const before = await lastSeq();
    const bobs = (bob.fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    bobs.format(0, 7, { strong: {} }); // "Revenue" bold
    bobs.format(8, 4, { em: null }); // "grew" plain again
    await expect.poll(lastSeq).toBe(before + 2);
    const diff = await (await api(`/diff?from=${before}`)).json();
    expect(diff.segments).toEqual([
      { type: 'format', text: 'Revenue', author: 'bob', formats: { strong: {} } },
      { type: 'keep', text: ' ' },
      { type: 'format', text: 'grew', author: 'bob', formats: { em: null } },
      { type: 'keep', text: ' fast.' },
    ]);
    expect(diff.totals).toEqual([{ author: 'bob', inserted: 0, deleted: 0 }]);
    expect(Object.keys(diff.authors)).toEqual(['bob']);
  });

  it('reports formatting a client wrote under hostile names and values as plain data', async () => {
    const text = alice.block('plain words');
    await expect.poll(lastSeq).toBe(1);
    const before = await lastSeq();
    // A client may write any attribute: names that look like markup or an object's prototype, deep values.
    const deep = JSON.parse('{"a":'.repeat(50) + '1' + '}'.repeat(50));
    const attributes = JSON.parse('{"__proto__":{"polluted":true}}') as Record<string, unknown>; // an own key, not the prototype
    attributes['<img src=x onerror=alert(1)>'] = deep;
    text.format(0, 5, attributes);
    await expect.poll(lastSeq).toBe(before + 1);
    const res = await api(`/diff?from=${before}`);
    expect(res.status).toBe(200);
    const diff = await res.json();
    expect(diff.segments).toEqual([
      { type: 'format', text: 'plain', author: 'alice', formats: JSON.parse('{"__proto__":{"polluted":true},"<img src=x onerror=alert(1)>":' + JSON.stringify(deep) + '}') },
      { type: 'keep', text: ' words' },
    ]);
    expect(Object.keys(diff.segments[0].formats)).toEqual(['<img src=x onerror=alert(1)>', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports node attributes a client changed under hostile names and values as plain data', async () => {
    const text = alice.block('plain words', '<script>x</script>', { level: 1 });
    await expect.poll(lastSeq).toBe(1);
    const before = await lastSeq();
    const deep = JSON.parse('{"a":'.repeat(50) + '1' + '}'.repeat(50));
    const element = text.parent as Y.XmlElement;
    element.doc!.transact(() => {
      element.setAttribute('__proto__', { polluted: true } as unknown as string);
      element.setAttribute('<img src=x onerror=alert(1)>', deep as unknown as string);
      element.setAttribute('level', 2 as unknown as string);
    });
    await expect.poll(lastSeq).toBe(before + 1);
    const res = await api(`/diff?from=${before}`);
    expect(res.status).toBe(200);
    const diff = await res.json();
    // Names are `<node>.<attribute>`, own keys of plain data; values as written.
    expect(diff.segments).toEqual([
      {
        type: 'format',
        text: 'plain words',
        author: 'alice',
        formats: JSON.parse(
          '{"<script>x</script>.<img src=x onerror=alert(1)>":' + JSON.stringify(deep) + ',"<script>x</script>.__proto__":{"polluted":true},"<script>x</script>.level":2}',
        ),
      },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers unknown documents, out-of-range seqs, bad times and formats with clear 4xx JSON', async () => {
    alice.block('x');
    await expect.poll(lastSeq).toBe(1);
    const expectError = async (res: Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect((await res.json()).error.code).toBe(code);
    };
    await expectError(await api('/versions/99'), 400, 'bad-request');
    await expectError(await api('/versions/-1'), 400, 'bad-request');
    await expectError(await api('/versions?at=yesterday'), 400, 'bad-request');
    // Not on the calendar: Date.parse alone reads 30 February as 2 March and a bare 1 as the year 2001.
    await expectError(await api('/versions?at=2026-02-30T10:00:00Z'), 400, 'bad-request');
    await expectError(await api('/versions?at=2026-13-01'), 400, 'bad-request');
    await expectError(await api('/versions/1?format=docx'), 400, 'bad-request');
    await expectError(await api('/diff?from=1&to=0'), 400, 'bad-request');
    await expectError(
      await fetch(`${server.url}/api/docs/${encodeURIComponent('team/none')}/history`, { headers: { authorization: `Bearer ${alice.token}` } }),
      404,
      'not-found',
    );
  });

  it('restores an old version as a new edit that connected clients see live, keeping the whole log', async () => {
    alice.block('First draft.');
    await expect.poll(lastSeq).toBe(1);
    await expect.poll(() => bob.text()).toBe('First draft.');
    bob.doc.transact(() => {
      bob.fragment.delete(0, 1);
    });
    bob.block('Rewritten by Bob.');
    await expect.poll(() => alice.text()).toBe('Rewritten by Bob.');
    const before = await lastSeq();

    const viewer = await mintToken(SECRET, { userId: 'vic', docs: ['team/*'], role: 'viewer', ttl: '1h' });
    expect((await api('/restore', { method: 'POST', body: JSON.stringify({ seq: 1 }), token: viewer })).status).toBe(403);

    const res = await api('/restore', { method: 'POST', body: JSON.stringify({ seq: 1 }) });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ restored: 1, seq: before + 1, author: 'alice' });
    await expect.poll(() => bob.text()).toBe('First draft.');
    await expect.poll(() => alice.text()).toBe('First draft.');
    const log = await server.store.readUpdates(DOC);
    expect(log).toHaveLength(before + 1);
    expect(log.at(-1)!.author).toBe('alice');
    expect(await (await api(`/versions/${before}?format=text`)).text()).toBe('Rewritten by Bob.');
  });

  it('takes a restore back as a new edit: what it replaced returns, edits made since it stay', async () => {
    alice.block('First draft.');
    await expect.poll(lastSeq).toBe(1);
    await expect.poll(() => bob.text()).toBe('First draft.');
    bob.doc.transact(() => bob.fragment.delete(0, 1));
    bob.block('Rewritten by Bob.');
    await expect.poll(() => alice.text()).toBe('Rewritten by Bob.');
    const before = await lastSeq();

    const restored = await (await api('/restore', { method: 'POST', body: JSON.stringify({ seq: 1 }) })).json();
    expect(restored).toMatchObject({ restored: 1, seq: before + 1, changesUndone: before - 1 });
    expect(Date.parse(restored.restoredAt)).not.toBeNaN();
    await expect.poll(() => bob.text()).toBe('First draft.');
    // Bob adds a line after the restore; taking the restore back must keep it.
    bob.block('Added after.');
    await expect.poll(() => alice.text()).toBe('First draft.\nAdded after.');
    await expect.poll(lastSeq).toBe(before + 2);

    const viewer = await mintToken(SECRET, { userId: 'vic', docs: ['team/*'], role: 'viewer', ttl: '1h' });
    expect((await api('/restore/undo', { method: 'POST', body: JSON.stringify({ seq: restored.seq }), token: viewer })).status).toBe(403);
    const res = await api('/restore/undo', { method: 'POST', body: JSON.stringify({ seq: restored.seq }) });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ undone: restored.seq, seq: before + 3, author: 'alice' });
    // The text the restore replaced comes back where Yjs puts it beside Bob's line (before or after).
    const lines = (w: typeof alice) => w.text().split('\n').sort();
    await expect.poll(() => lines(bob)).toEqual(['Added after.', 'Rewritten by Bob.']);
    await expect.poll(() => lines(alice)).toEqual(['Added after.', 'Rewritten by Bob.']);
    expect(await server.store.readUpdates(DOC)).toHaveLength(before + 3);
    expect((await api('/restore/undo', { method: 'POST', body: JSON.stringify({ seq: 99 }) })).status).toBe(400);
    // Only a restore is taken back this way: Bob's line (an ordinary edit) and the undo itself are not.
    for (const seq of [before + 2, before + 3]) {
      const refused = await api('/restore/undo', { method: 'POST', body: JSON.stringify({ seq }) });
      expect({ status: refused.status, message: (await refused.json()).error.message }).toEqual({ status: 400, message: `Update ${seq} is not a restore` });
    }
    // Taken back once: a second undo (two people pressing "Undo restore", a script retrying) brought what
    // the restore replaced back a second time (found by a review). Refused now, at once or together.
    const again = await Promise.all([1, 2].map(() => api('/restore/undo', { method: 'POST', body: JSON.stringify({ seq: restored.seq }) })));
    for (const refused of again) {
      expect({ status: refused.status, message: (await refused.json()).error.message }).toEqual({
        status: 409,
        message: `Restore ${restored.seq} was taken back already (update ${before + 3})`,
      });
    }
    expect(await server.store.readUpdates(DOC)).toHaveLength(before + 3);
    expect(await server.store.getRestore(DOC, restored.seq)).toMatchObject({ undoneBy: before + 3 });
  });

  it('changes only what differs from the version: words typed offline meanwhile in a paragraph both share survive the restore', async () => {
    const intro = alice.block('Intro paragraph.');
    alice.block('Second paragraph.');
    await expect.poll(lastSeq).toBe(2);
    alice.block('A third paragraph to take back.');
    await expect.poll(() => bob.text()).toBe('Intro paragraph.\nSecond paragraph.\nA third paragraph to take back.');
    await expect.poll(lastSeq).toBe(3);
    // Bob goes offline and adds to the first paragraph, which every version has unchanged.
    bob.provider.disconnect();
    ((bob.fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText).insert('Intro paragraph.'.length, ' Bob wrote this offline.');
    const restored = await api('/restore', { method: 'POST', body: JSON.stringify({ seq: 2 }) });
    expect(restored.status).toBe(201);
    await expect.poll(() => alice.text()).toBe('Intro paragraph.\nSecond paragraph.');
    // The restore kept the paragraph's own items: it deleted only the third one.
    expect(intro.toString()).toBe('Intro paragraph.');
    expect(alice.fragment.get(0)).toBe(intro.parent);
    bob.provider.connect();
    const merged = 'Intro paragraph. Bob wrote this offline.\nSecond paragraph.';
    await expect.poll(() => alice.text()).toBe(merged);
    await expect.poll(() => bob.text()).toBe(merged);
  });

  it('takes a restore back keeping what was typed since into the paragraphs it changed', async () => {
    alice.block('Old wording of the plan.');
    await expect.poll(lastSeq).toBe(1);
    await expect.poll(() => bob.text()).toBe('Old wording of the plan.');
    const text = (alice.fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    alice.doc.transact(() => {
      text.delete(0, 'Old wording'.length);
      text.insert(0, 'New text');
    });
    await expect.poll(() => bob.text()).toBe('New text of the plan.');
    await expect.poll(lastSeq).toBe(2);
    const restored = await (await api('/restore', { method: 'POST', body: JSON.stringify({ seq: 1 }) })).json();
    await expect.poll(() => bob.text()).toBe('Old wording of the plan.');
    // Bob adds a sentence to the restored paragraph; taking the restore back keeps it.
    ((bob.fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText).insert('Old wording of the plan.'.length, ' Bob wrote this after.');
    await expect.poll(() => alice.text()).toBe('Old wording of the plan. Bob wrote this after.');
    await expect.poll(lastSeq).toBe(restored.seq + 1);
    expect((await api('/restore/undo', { method: 'POST', body: JSON.stringify({ seq: restored.seq }) })).status).toBe(201);
    await expect.poll(() => alice.text()).toBe('New text of the plan. Bob wrote this after.');
    await expect.poll(() => bob.text()).toBe('New text of the plan. Bob wrote this after.');
  });

  it('creates, lists, renames and deletes named versions; viewers may only read them', async () => {
    alice.block('v1');
    await expect.poll(lastSeq).toBe(1);
    const created = await api('/named-versions', { method: 'POST', body: JSON.stringify({ label: 'First' }) });
    expect(created.status).toBe(201);
    const first = await created.json();
    expect(first).toMatchObject({ label: 'First', seq: 1, author: 'alice' });
    expect((await api('/named-versions', { method: 'POST', body: JSON.stringify({ label: 'Later', seq: 5 }) })).status).toBe(400);
    expect((await api('/named-versions', { method: 'POST', body: JSON.stringify({ label: '' }) })).status).toBe(400);

    const viewer = await mintToken(SECRET, { userId: 'vic', docs: ['team/*'], role: 'viewer', ttl: '1h' });
    expect((await api('/named-versions', { token: viewer })).status).toBe(200);
    expect((await api(`/named-versions/${first.id}`, { method: 'DELETE', token: viewer })).status).toBe(403);

    const renamed = await api(`/named-versions/${first.id}`, { method: 'PATCH', body: JSON.stringify({ label: 'Final' }) });
    expect((await renamed.json()).label).toBe('Final');
    expect((await (await api('/named-versions')).json()).versions.map((v: { label: string }) => v.label)).toEqual(['Final']);
    expect((await api(`/named-versions/${first.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/named-versions/${first.id}`, { method: 'DELETE' })).status).toBe(404);
  });
});
