// A list item that changes made apart left starting with a nested list (Yjs orders blocks two people put at
// one place by their client ids) is caught so in the log until an editor gives it its line again. The
// server's renders read the version through y-prosemirror, which left such an item out with every line in
// it: an export or the history view of that version lacked them, and a restore of it wrote it whole.
// Now the copy they read gets an empty first line first (first-lines.ts), as the editor does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, type TestClient } from '../testing/clients.js';
import { startTestServer, type TestServer } from '../testing/in-process.js';

const DOC = 'team/list';

describe('a version holding a list item that starts with a list', () => {
  let server: TestServer;
  let client: TestClient;
  const lastSeq = async () => (await server.store.getDocument(DOC))?.lastSeq ?? 0;
  const url = (path: string) => `${server.url}/api/docs/${encodeURIComponent(DOC)}${path}`;

  beforeEach(async () => {
    server = await startTestServer();
    client = connectClient(server.url, DOC);
    await client.synced();
  });
  afterEach(async () => {
    client.destroy();
    await server.destroy();
  });
  const fragment = () => client.doc.getXmlFragment('prosemirror');

  const element = (name: string, ...children: Array<Y.XmlElement | Y.XmlText>) => {
    const el = new Y.XmlElement(name);
    el.insert(0, children);
    return el;
  };
  const line = (text: string) => element('paragraph', new Y.XmlText(text));
  /** "one", then an item holding only a list of "nested" (its line taken out elsewhere), then "three". */
  const write = async () => {
    fragment().insert(0, [
      element('bullet_list', element('list_item', line('one')), element('list_item', element('bullet_list', element('list_item', line('nested')))), element('list_item', line('three'))),
    ]);
    await expect.poll(lastSeq).toBe(1);
  };

  it('exports it and shows it in the history view with its nested lines, under an empty first line', async () => {
    await write();
    const markdown = await (await fetch(url('/versions/1?format=markdown'))).text();
    expect(markdown).toContain('nested'); // before: left out
    const json = (await (await fetch(url('/versions/1?format=json'))).json()) as { content: unknown };
    expect(json.content).toEqual({
      type: 'doc',
      content: [{
        type: 'bullet_list',
        content: [
          { type: 'list_item', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'one' }] }] },
          { type: 'list_item', content: [{ type: 'paragraph' }, { type: 'bullet_list', content: [{ type: 'list_item', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'nested' }] }] }] }] },
          { type: 'list_item', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'three' }] }] },
        ],
      }],
    });
    const current = await (await fetch(url('/content?format=text'))).text();
    expect(current).toContain('nested');
  });

  it('restores it edit by edit, the blocks others kept staying the same blocks', async () => {
    await write();
    const list = fragment().get(0) as Y.XmlElement;
    const first = list.get(0) as Y.XmlElement;
    list.delete(1, 1); // someone removes the item
    await expect.poll(lastSeq).toBe(2);
    const res = await fetch(url('/restore'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seq: 1 }) });
    expect(res.status).toBe(201);
    await expect.poll(lastSeq).toBe(3);
    await expect.poll(() => fragment().toString()).toContain('nested');
    // Edit by edit: the item "one" is the same Yjs element as before (written whole, every block is new).
    expect((fragment().get(0) as Y.XmlElement).get(0)).toBe(first);
  });
});
