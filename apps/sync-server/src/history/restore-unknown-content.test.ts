// Restoring a version holding what the editor's schema cannot (a client wrote it: an unknown element, an
// unknown mark). y-prosemirror drops such content without throwing while it reads the version, so the
// diff-based restore wrote the version without it; such a version is written whole instead.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const DOC = 'team/notes';

describe('restoring a version holding what the schema cannot', () => {
  let server: TestServer;
  let provider: WebsocketProvider;
  let doc: Y.Doc;
  const lastSeq = async () => (await server.store.getDocument(DOC))?.lastSeq ?? 0;
  const api = (path: string, body: unknown) =>
    fetch(`${server.url}/api/docs/${encodeURIComponent(DOC)}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeEach(async () => {
    server = await startTestServer();
    doc = new Y.Doc();
    provider = new WebsocketProvider(`${server.url.replace(/^http/, 'ws')}/ws`, encodeURIComponent(DOC), doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    await new Promise<void>((r) => provider.once('sync', () => r()));
  });
  afterEach(async () => {
    provider.destroy();
    await server.destroy();
  });

  const paragraph = (text: string, attrs?: Record<string, unknown>) => {
    const p = new Y.XmlElement('paragraph');
    const t = new Y.XmlText();
    t.insert(0, text, attrs as never);
    p.insert(0, [t]);
    return p;
  };

  for (const [what, make] of [
    ['an element of a type the schema does not know', () => {
      const el = new Y.XmlElement('callout');
      el.insert(0, [new Y.XmlText('Remember the deadline')]);
      return el;
    }],
    ['text formatted with a mark the schema does not know', () => paragraph('Remember the deadline', { highlight: 'yellow' })],
  ] as const) {
    it(`brings back ${what}`, async () => {
      const fragment = doc.getXmlFragment('prosemirror');
      fragment.insert(0, [paragraph('Intro.'), make(), paragraph('Outro.')]);
      await expect.poll(lastSeq).toBe(1);
      const version = fragment.toString();
      fragment.delete(1, 1); // someone removes the block
      await expect.poll(lastSeq).toBe(2);

      expect((await api('/restore', { seq: 1 })).status).toBe(201);
      await expect.poll(lastSeq).toBe(3);
      await new Promise((r) => setTimeout(r, 200));
      // The version, whole: what it held is back (the old whole-replacing restore did this).
      expect(fragment.toString()).toBe(version);
    });
  }
});
