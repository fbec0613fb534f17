// Rendering a version must not change the version a history thread keeps for the next request:
// y-prosemirror deletes from the Y.Doc it reads whatever the schema cannot hold.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const DOC = 'notes';

describe('a version viewed, then downloaded', () => {
  let server: TestServer;
  beforeEach(async () => {
    // One history thread, so that every request below meets the same cache.
    server = await startTestServer({ HISTORY_WORKERS: '1' });
  });
  afterEach(() => server.destroy());
  const api = (p: string) => fetch(`${server.url}/api/docs/${encodeURIComponent(DOC)}${p}`);
  const yjsText = async (seq: number) => {
    const replica = new Y.Doc();
    Y.applyUpdate(replica, new Uint8Array(await (await api(`/versions/${seq}?format=yjs`)).arrayBuffer()));
    return replica.getXmlFragment('prosemirror').toString();
  };

  it('the Yjs download of a version holds the same content whether or not it was viewed as JSON first', async () => {
    // A paragraph, and a block the editor's schema does not know (written by another client, an older or newer editor).
    const writer = new Y.Doc();
    let update: Uint8Array | undefined;
    writer.on('update', (u: Uint8Array) => (update = u));
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText('Keep me.')]);
    const callout = new Y.XmlElement('callout');
    callout.insert(0, [new Y.XmlText('Important note.')]);
    writer.getXmlFragment('prosemirror').insert(0, [p, callout]);
    await server.store.append([{ doc: DOC, entries: [{ update: update!, author: 'alice', receivedAt: Date.now() }] }]);

    const before = await yjsText(1);
    expect(before).toContain('Important note.');
    expect((await api('/versions/1?format=json')).status).toBe(200); // the history view shows the version
    expect(await yjsText(1)).toBe(before); // the same version, downloaded again
  });
});
