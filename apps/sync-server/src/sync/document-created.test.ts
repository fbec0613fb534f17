// `[105, createdAt]` (encodeDocumentCreated): which document a name holds, told to editors with stored-acks
// so that a browser's copy is tagged with it before anything of the document reaches the page (the page says
// "Saved" only once its copy is tagged). A page left the moment it said "Saved" had an untagged copy
// (it asked the HTTP API afterwards), which a document given the name after a purge then took in whole.
import * as decoding from 'lib0/decoding';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { updateFrame } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

/** The messages a socket receives, as [type, the document's creation time for a 105]. */
const watch = (ws: WebSocket) => {
  const heard: Array<[number, number?]> = [];
  ws.on('message', (data: Buffer) => {
    const d = decoding.createDecoder(new Uint8Array(data));
    const type = decoding.readVarUint(d);
    heard.push(type === 105 ? [type, decoding.readVarUint(d)] : [type]);
  });
  return heard;
};

/** Opens a socket listening from its first message (those sent at join can come with the upgrade). */
const open = async (url: string, docPath: string) => {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/${docPath}`);
  const heard = watch(ws);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return { ws, heard };
};

describe('which document a name holds ([105])', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.destroy();
  });

  it('is told to the editors of a new document once its first update is stored, the writer and the others there', async () => {
    const { ws: writer, heard } = await open(server.url, 'fresh?acks=1');
    const { ws: other, heard: othersHeard } = await open(server.url, 'fresh?acks=1');
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'first words');
    writer.send(updateFrame(Y.encodeStateAsUpdate(doc)));
    await expect.poll(() => heard.some(([type]) => type === 100)).toBe(true);
    const createdAt = (await server.store.getDocument('fresh'))!.createdAt;
    await expect.poll(() => heard.filter(([type]) => type === 105)).toEqual([[105, createdAt]]);
    await expect.poll(() => othersHeard.filter(([type]) => type === 105)).toEqual([[105, createdAt]]);
    writer.close();
    other.close();
  });

  it('is told first, before the sync step 1, to an editor joining a document that exists; never to a stock client', async () => {
    const { ws: writer } = await open(server.url, 'existing?acks=1');
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'kept');
    writer.send(updateFrame(Y.encodeStateAsUpdate(doc)));
    await expect.poll(async () => (await server.store.getDocument('existing'))?.updateCount).toBe(1);
    const createdAt = (await server.store.getDocument('existing'))!.createdAt;

    const { ws: joiner, heard } = await open(server.url, 'existing?acks=1');
    const { ws: stock, heard: stockHeard } = await open(server.url, 'existing');
    await expect.poll(() => heard.length).toBeGreaterThan(1);
    expect(heard[0]).toEqual([105, createdAt]);
    expect(heard[1]).toEqual([0]);
    // A later round trip proves the server had every chance to send it.
    stock.send(new Uint8Array([3]));
    await expect.poll(() => stockHeard.some(([type]) => type === 1)).toBe(true);
    expect(stockHeard.map(([type]) => type)).not.toContain(105);
    for (const ws of [writer, joiner, stock]) ws.close();
  });
});
