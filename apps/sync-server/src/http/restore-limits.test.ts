import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, type TestClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const DOC = 'capped';

/** Replaces the editor fragment's content with one paragraph of `text`: one update. */
function setParagraph(client: TestClient, text: string): void {
  const fragment = client.doc.getXmlFragment('prosemirror');
  client.doc.transact(() => {
    fragment.delete(0, fragment.length);
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText(text)]);
    fragment.insert(0, [paragraph]);
  });
}

describe('restore obeys MAX_DOC_BYTES and the stored-bytes rate', () => {
  let dataDir: string;
  let server: TestServer | undefined;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-restore-cap-'));
  });
  afterEach(async () => {
    await server?.destroy();
    server = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  const restore = (seq: number) =>
    fetch(`${server!.url}/api/docs/${DOC}/restore`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seq }),
    });
  const lastSeq = async () => (await server!.store.getDocument(DOC))?.lastSeq ?? 0;
  const contentBytes = async () => {
    const client = connectClient(server!.url, DOC);
    await client.synced();
    const bytes = Y.encodeStateAsUpdate(client.doc).byteLength;
    client.destroy();
    return bytes;
  };

  it('refuses with 413, storing nothing, a restore that would make the document larger than the cap', async () => {
    server = await startTestServer({}, dataDir);
    const client = connectClient(server.url, DOC);
    await client.synced();
    setParagraph(client, 'x'.repeat(3000));
    await expect.poll(lastSeq).toBe(1);
    setParagraph(client, 'short now');
    await expect.poll(lastSeq).toBe(2);
    client.destroy();
    await server.destroy();

    // The operator lowers the cap: the 3 KB version no longer fits.
    server = await startTestServer({ MAX_DOC_BYTES: '2048' }, dataDir);
    const before = await lastSeq();
    const response = await restore(1);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'too-large', message: expect.stringContaining('MAX_DOC_BYTES') } });
    expect(await lastSeq()).toBe(before);
    const check = connectClient(server.url, DOC);
    await check.synced();
    expect(check.doc.getXmlFragment('prosemirror').toString()).toContain('short now');
    check.destroy();
  });

  it('lets a document near its cap be restored again and again: what it is stays under the cap', async () => {
    server = await startTestServer({ MAX_DOC_BYTES: '2048' }, dataDir);
    const client = connectClient(server.url, DOC);
    await client.synced();
    setParagraph(client, 'a'.repeat(1500));
    await expect.poll(lastSeq).toBe(1);
    setParagraph(client, 'b'.repeat(10));
    await expect.poll(lastSeq).toBe(2);
    client.destroy();
    for (const seq of [1, 2, 1, 2, 1, 2]) expect((await restore(seq)).status).toBe(201);
    expect((await server.store.getDocument(DOC))!.sizeBytes).toBeGreaterThan(2048); // the log grew past it
    expect(await contentBytes()).toBeLessThanOrEqual(2048);
  });

  it('refuses with 429 a restore past the requester\'s stored-bytes rate, storing nothing', async () => {
    server = await startTestServer({ STORE_RATE_BYTES_PER_HOUR: '3600', STORE_BURST_BYTES: '2048' }, dataDir);
    const client = connectClient(server.url, DOC);
    await client.synced();
    setParagraph(client, 'a'.repeat(1500));
    await expect.poll(lastSeq).toBe(1);
    client.destroy();
    expect((await restore(0)).status).toBe(201); // the empty version: a small edit, which fits
    const refused = await restore(1); // 1500 characters back: the bucket holds about 500 bytes
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { code: 'store-rate' } });
    expect(await lastSeq()).toBe(2);
  });
});
