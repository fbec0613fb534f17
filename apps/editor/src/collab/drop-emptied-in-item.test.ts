// Both split one list item ("t|wo", "tw|o") and the one who split later Tabs the next item under his half: his
// page deletes its copy of "o" (the other's split moved it too, double-move.ts) and with it the line it emptied.
// That line was the first of a list item still holding the nested list the Tab made: the item was left a list
// without its first line, which y-prosemirror deletes, nested list and all, and "three" was gone for everyone.
// dropIfEmptied meant to keep a line its container cannot do without, but asked whether the container was the
// document (Yjs' XmlElement is an XmlFragment too) before asking the schema (found by a review, every order).
import type { Node } from 'prosemirror-model';
import { sinkListItem, splitListItem } from 'prosemirror-schema-list';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { dropIfEmptied } from './split-rescue.js';
import { cross, li, meetAll, orders, p, page, run, yElement, yLine } from './test-editors.js';

const item = schema.nodes.list_item!;
const ul = (...items: Node[]) => schema.node('bullet_list', null, items);
const doc = (...items: Node[]) => schema.node('doc', null, [ul(...items)]);
const letters = (node: Node) => [...node.textContent].sort().join('');


describe('a line emptied by a rescue, first in a list item that holds more', () => {
  for (const [bobAbove, bobFirst] of orders) {
    it(`both split "two", Bob also Tabs "three": nothing is lost (Bob's id ${bobAbove ? 'above' : 'below'}, ${bobFirst ? 'Bob' : 'Alice'} stored first)`, async () => {
      const start = doc(li('one'), li('two'), li('three'), li('four'));
      const alice = page(start);
      const bob = page(alice.ydoc);
      bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
      bob.edit(run(splitListItem(item), 1, 2)); // tw|o
      bob.edit(run(sinkListItem(item), 3)); // "three" under "o"
      alice.edit(run(splitListItem(item), 1, 1)); // t|wo
      await (bobFirst ? cross(bob, alice) : cross(alice, bob));
      await meetAll(alice, bob);
      expect(letters(alice.doc())).toBe(letters(start)); // before: "three" gone
    });
  }

  it('keeps the emptied first line of a list item that holds a nested list, and drops one that stands alone', () => {
    const ydoc = new Y.Doc();
    const fragment = ydoc.getXmlFragment('prosemirror');
    const line = yLine;
    const listItem = (...blocks: Y.XmlElement[]) => yElement('list_item', ...blocks);
    const list = (...items: Y.XmlElement[]) => yElement('bullet_list', ...items);
    fragment.insert(0, [list(listItem(line('one')), listItem(line('x'), list(listItem(line('nested')))), listItem(line('y')))]);
    const items = (fragment.get(0) as Y.XmlElement).toArray() as Y.XmlElement[];
    const firstLine = (el: Y.XmlElement) => ((el.get(0) as Y.XmlElement).get(0) as Y.XmlText);
    const withNested = firstLine(items[1]!);
    const alone = firstLine(items[2]!);
    ydoc.transact(() => {
      withNested.delete(0, 1);
      alone.delete(0, 1);
      dropIfEmptied(ydoc, withNested);
      dropIfEmptied(ydoc, alone);
    });
    expect(fragment.toString()).toBe(
      '<bullet_list><list_item><paragraph>one</paragraph></list_item><list_item><paragraph></paragraph><bullet_list><list_item><paragraph>nested</paragraph></list_item></bullet_list></list_item></bullet_list>',
    );
  });

  it('leaves no table row without cells: the last cell of a row someone else made stays, emptied', () => {
    const element = yElement;
    const other = new Y.Doc();
    other.clientID = 1;
    other.getXmlFragment('prosemirror').insert(0, [element('table', element('table_row', element('table_cell', element('paragraph', new Y.XmlText('a')))))]);
    const ydoc = new Y.Doc();
    ydoc.clientID = 2;
    Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(other));
    const row = (ydoc.getXmlFragment('prosemirror').get(0) as Y.XmlElement).get(0) as Y.XmlElement;
    const text = new Y.XmlText('x');
    ydoc.transact(() => {
      row.insert(1, [element('table_cell', element('paragraph', text))]); // a column added, the first deleted
      row.delete(0, 1);
    });
    ydoc.transact(() => {
      text.delete(0, 1);
      dropIfEmptied(ydoc, text);
    });
    expect(row.length).toBe(1); // the schema allows a row of no cells; a drop does not make one
  });
});

