// A list item stored starting with a nested list (changes made apart, caught before an editor gave it its
// line again; or written so by any Yjs client). y-prosemirror deleted such an item on whichever page opened
// it: an editor's page stored the deletion for everyone, and a viewer's sent it, refused, and the page
// reloaded. Now an editor's page writes an empty first line as it loads the item (item-first-line.ts), and a
// viewer's reads it with that line and writes nothing (formats/stored-attrs.ts).

import * as Y from 'yjs';
import { mintToken } from '../../apps/sync-server/src/auth/token.js';
import { expect, test } from '../fixtures/tandem.js';

const SECRET = 'e2e-secret-0123456789-0123456789-0123';
test.use({ serverEnv: { AUTH_SECRET: SECRET }, serverScope: 'test' });

const DOC = 'lists/caught';

function element(name: string, ...children: Array<Y.XmlElement | Y.XmlText>): Y.XmlElement {
  const made = new Y.XmlElement(name);
  made.insert(0, children);
  return made;
}

/** "one", then an item holding only a list of "nested", then "three". */
function caught(): Uint8Array {
  const ydoc = new Y.Doc();
  const line = (text: string) => element('paragraph', new Y.XmlText(text));
  ydoc.getXmlFragment('prosemirror').insert(0, [
    element('bullet_list', element('list_item', line('one')), element('list_item', element('bullet_list', element('list_item', line('nested')))), element('list_item', line('three'))),
  ]);
  return Y.encodeStateAsUpdate(ydoc);
}

const link = (base: string, token: string) => `${base}/d/${encodeURIComponent(DOC)}?token=${token}`;
const lastSeq = async (base: string, token: string) =>
  Number(((await (await fetch(`${base}/api/docs/${encodeURIComponent(DOC)}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { lastSeq: number }).lastSeq);

test('a viewer and then an editor open a document holding a list item without its first line: both see every line', async ({ server, person }) => {
  await server.storeDirectly(DOC, caught());
  const viewerToken = await mintToken(SECRET, { userId: 'vic', name: 'Vic', docs: ['lists/*'], role: 'viewer', ttl: '1h' });
  const editorToken = await mintToken(SECRET, { userId: 'alice', name: 'Alice', docs: ['lists/*'], role: 'editor', ttl: '1h' });

  const vic = await person('Vic', '#16a34a');
  await vic.page.goto(link(server.url, viewerToken));
  await vic.expectConnected();
  await expect.poll(() => vic.blocks()).toEqual(['one', '', 'nested', 'three']); // before: ['one', 'three']
  expect(await lastSeq(server.url, viewerToken)).toBe(1); // the viewer's page wrote nothing

  const alice = await person('Alice', '#e11d48');
  await alice.page.goto(link(server.url, editorToken));
  await alice.expectConnected();
  await expect.poll(() => alice.blocks()).toEqual(['one', '', 'nested', 'three']);
  await alice.expectSaved();
  await expect.poll(() => lastSeq(server.url, editorToken)).toBe(2); // the line, written once into the document
  await expect.poll(() => vic.blocks()).toEqual(['one', '', 'nested', 'three']); // the viewer's page the same, one line
  expect(vic.errors).toEqual([]);
  expect(alice.errors).toEqual([]);
});
