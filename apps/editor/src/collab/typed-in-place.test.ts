import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { inText, li, orders, person } from './test-editors.js';
import { schema } from '../schema.js';

/** Each character of the first text block's Yjs text, with who wrote it: "a." for Alice's ".", "b " for Bob's space. */
function letters(ydoc: Y.Doc, names: Map<number, string>): string[] {
  let text: Y.XmlText | undefined;
  const find = (el: Y.XmlElement | Y.XmlFragment): void => {
    for (const child of el.toArray()) {
      if (text !== undefined) return;
      if (child instanceof Y.XmlText) text = child;
      else if (child instanceof Y.XmlElement) find(child);
    }
  };
  find(ydoc.getXmlFragment('prosemirror'));
  const out: string[] = [];
  for (let item = text!._start; item !== null; item = item.right) {
    if (item.deleted || typeof (item.content as { str?: unknown }).str !== "string") continue;
    for (const ch of (item.content as Y.ContentString).str) out.push(`${names.get(item.id.client)}${ch}`);
  }
  return out;
}

const typed = (text: string, n: number, offset: number) => (s: import('prosemirror-state').EditorState) => s.tr.insertText(text, inText(n, offset)(s));
const deleted = (n: number, from: number, to: number) => (s: import('prosemirror-state').EditorState) => s.tr.delete(inText(n, from)(s), inText(n, to)(s));

describe('a character typed or deleted beside the same character goes where the person put it', () => {
  // y-prosemirror writes a changed line to Yjs by comparing its old and new text from the start: a space
  // typed just before a space went after it, as if typed there. When that space was someone else's, the
  // two people's words came out in the wrong order ("dog. Bob adds that.Alice adds this. ", seen in CI:
  // Bob's caret stood before the space Alice had just typed, and his space went after hers).
  for (const [bobAbove] of orders.filter(([, first]) => first)) {
    it(`Bob's space typed before Alice's goes before it (Bob's id ${bobAbove ? 'above' : 'below'})`, () => {
      const alice = person(['The dog.']);
      const bob = person(alice.ydoc);
      bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
      const names = new Map([
        [alice.ydoc.clientID, 'a'],
        [bob.ydoc.clientID, 'b'],
      ]);
      alice.edit(typed(' ', 0, 8));
      bob.receive(alice);
      bob.edit(typed(' ', 0, 8)); // his caret before her space
      expect(letters(bob.ydoc, names).slice(-3)).toEqual(['a.', 'b ', 'a ']);
      // Each goes on typing where they were, at the same moment: their words keep their order and spaces.
      alice.edit(typed('Alice', 0, 9));
      bob.edit(typed('Bob', 0, 9));
      alice.receive(bob);
      bob.receive(alice);
      expect(alice.doc().textContent).toBe('The dog. Bob Alice');
      expect(bob.doc().textContent).toBe('The dog. Bob Alice');
    });
  }

  it('a letter typed before the same letters (a run of them) goes where it was typed, and a pasted word too', () => {
    const alice = person(['Hmm.']);
    const names = new Map([[alice.ydoc.clientID, 'a']]);
    const before = letters(alice.ydoc, names);
    alice.ydoc.clientID += 1;
    names.set(alice.ydoc.clientID, 'A');
    alice.edit(typed('m', 0, 1)); // "H|mm." → "Hmmm.": the new "m" is the first one
    expect(letters(alice.ydoc, names)).toEqual(['aH', 'Am', 'am', 'am', 'a.']);
    alice.edit(typed('Hm', 0, 0)); // "HmHmmm.": pasted before the same letters
    expect(letters(alice.ydoc, names).slice(0, 3)).toEqual(['AH', 'Am', 'aH']);
    expect(before).toEqual(['aH', 'am', 'am', 'a.']);
  });

  it('a deleted character is the one the person deleted, not the same one beside it', () => {
    const alice = person(['The dog.']);
    const bob = person(alice.ydoc);
    const names = new Map([
      [alice.ydoc.clientID, 'a'],
      [bob.ydoc.clientID, 'b'],
    ]);
    alice.edit(typed(' ', 0, 8));
    bob.receive(alice);
    bob.edit(typed(' ', 0, 9)); // after her space: "dog.␣␣", hers first
    alice.receive(bob);
    alice.edit(deleted(0, 8, 9)); // Alice takes back her own space
    expect(letters(alice.ydoc, names).slice(-2)).toEqual(['a.', 'b ']);
  });

  it('also in a list item, and with formatting', () => {
    const bold = schema.marks.strong!.create();
    const start = schema.node('doc', null, [schema.node('bullet_list', null, [li('x'), schema.node('list_item', null, [schema.node('paragraph', null, [schema.text('Go!', [bold])])])])]);
    const alice = person(start);
    const names = new Map([[alice.ydoc.clientID, 'a']]);
    alice.ydoc.clientID += 1;
    names.set(alice.ydoc.clientID, 'A');
    alice.edit((s) => s.tr.insertText('!', inText(1, 2)(s))); // "Go|!" → "Go!!", bold like its neighbours
    const text = ((alice.ydoc.getXmlFragment('prosemirror').get(0) as Y.XmlElement).get(1) as Y.XmlElement).get(0) as Y.XmlElement;
    const items: string[] = [];
    for (let item = (text.get(0) as Y.XmlText)._start; item !== null; item = item.right) {
      if (!item.deleted && typeof (item.content as { str?: unknown }).str === "string") items.push(`${names.get(item.id.client)}${(item.content as Y.ContentString).str}`);
    }
    expect(items).toEqual(['aGo', 'A!', 'a!']);
    expect(alice.doc().child(0).child(1).child(0).child(0).marks.map((m) => m.type.name)).toEqual(['strong']);
    expect(alice.doc().child(0).child(1).textContent).toBe('Go!!');
  });

  it('after a line break in the line (Shift+Enter): the text after it', () => {
    const br = schema.nodes.hard_break!.create();
    const start = schema.node('doc', null, [schema.node('paragraph', null, [schema.text('Hi'), br, schema.text('ok.')])]);
    const alice = person(start);
    const names = new Map([[alice.ydoc.clientID, 'a']]);
    alice.ydoc.clientID += 1;
    names.set(alice.ydoc.clientID, 'A');
    alice.edit((s) => s.tr.insertText('.', inText(0, 5)(s))); // "ok|." → "ok..": the new full stop is the first one
    const paragraph = alice.ydoc.getXmlFragment('prosemirror').get(0) as Y.XmlElement;
    const after: string[] = [];
    for (let item = (paragraph.get(2) as Y.XmlText)._start; item !== null; item = item.right) {
      if (!item.deleted && typeof (item.content as { str?: unknown }).str === 'string') after.push(`${names.get(item.id.client)}${(item.content as Y.ContentString).str}`);
    }
    expect(after).toEqual(['aok', 'A.', 'a.']);
    expect(alice.doc().child(0).textContent).toBe('Hiok..');
  });
});
