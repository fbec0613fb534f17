import { initProseMirrorDoc } from 'y-prosemirror';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { schema } from '../schema.js';
import { AuthorshipIndex } from './authorship-index.js';
import { passagesOf, type SyncBinding } from './authorship-plugin.js';

/** Ada and Bob each with their own Y.Doc, kept in sync. */
function people() {
  const ada = new Y.Doc();
  const bob = new Y.Doc();
  ada.on('update', (u: Uint8Array) => Y.applyUpdate(bob, u));
  bob.on('update', (u: Uint8Array) => Y.applyUpdate(ada, u));
  return { ada, bob, fragment: ada.getXmlFragment('prosemirror') };
}

const textOf = (d: Y.Doc, block = 0) => (d.getXmlFragment('prosemirror').get(block) as Y.XmlElement).get(0) as Y.XmlText;

describe('authorship passages', () => {
  it('places each author’s text at its ProseMirror positions, past marks and inline nodes', () => {
    const { ada, bob, fragment } = people();
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText()]);
    fragment.insert(0, [p]);
    textOf(ada).insert(0, 'alpha ');
    textOf(bob).insert(6, 'bravo', { strong: true }); // a mark: formatting items that take no position
    const br = new Y.XmlElement('hard_break');
    const after = new Y.XmlText();
    after.insert(0, 'charlie');
    (bob.getXmlFragment('prosemirror').get(0) as Y.XmlElement).insert(1, [br, after]);
    const { doc, meta } = initProseMirrorDoc(ada.getXmlFragment('prosemirror'), schema);
    expect(doc.textContent).toBe('alpha bravocharlie');

    const index = new AuthorshipIndex();
    index.load({
      seq: 3,
      authors: { ada: { name: 'Ada', color: '#aa0000', verified: true }, bob: { name: 'Bob', color: '#0000bb', verified: true } },
      ranges: [
        [ada.clientID, 0, 100, 'ada', Date.UTC(2026, 0, 5, 14, 5)],
        [bob.clientID, 0, 100, 'bob', Date.UTC(2026, 0, 5, 14, 7)],
      ],
    });
    const passages = passagesOf(doc, meta as unknown as SyncBinding, index, Date.UTC(2026, 0, 5, 18));
    const words = passages.map((x) => [doc.textBetween(x.from, x.to, '', '⏎'), x.author, x.color]);
    expect(words).toEqual([
      ['alpha ', 'ada', '#aa0000'],
      ['bravo', 'bob', '#0000bb'],
      ['charlie', 'bob', '#0000bb'], // the line break between is no text to colour
    ]);
    expect(passages[0]!.title).toMatch(/^Ada · Today \d\d:\d\d$/);
  });

  it('colours text the log has not answered for by its client’s live binding, and nothing it cannot name', () => {
    const { ada, bob, fragment } = people();
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText()]);
    fragment.insert(0, [p]);
    textOf(ada).insert(0, 'old ');
    const index = new AuthorshipIndex();
    index.load({ seq: 1, authors: { ada: { name: 'Ada', color: '#aa0000', verified: false } }, ranges: [[ada.clientID, 0, 100, 'ada', Date.now()]] });
    textOf(bob).insert(4, 'new');
    const passages = () => {
      const { doc, meta } = initProseMirrorDoc(ada.getXmlFragment('prosemirror'), schema);
      return passagesOf(doc, meta as unknown as SyncBinding, index).map((x) => [doc.textBetween(x.from, x.to), x.author]);
    };
    expect(passages()).toEqual([['old ', 'ada']]);
    index.bind({ bindings: [[bob.clientID, 'bob']], authors: { bob: { name: 'Bob', color: '#0000bb', verified: false } } });
    expect(passages()).toEqual([
      ['old ', 'ada'],
      ['new', 'bob'],
    ]);
  });
});
