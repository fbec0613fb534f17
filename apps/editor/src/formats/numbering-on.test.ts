import type { Node } from 'prosemirror-model';
import { splitListItem } from 'prosemirror-schema-list';
import { EditorState, TextSelection } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { numberingOnPlugin } from './numbering-on.js';
import { p } from './test-states.js';

const { nodes } = schema;
const li = (text: string) => nodes.list_item!.create(null, p(text));
const ol = (order: number, ...items: string[]) => nodes.ordered_list!.create({ order }, items.map(li));

/** A state of `blocks` with the numbering plugin, the caret at the end of the textblock `inText`. */
function state(blocks: Node[], inText: string): EditorState {
  const doc = nodes.doc!.create(null, blocks);
  let at = -1;
  doc.descendants((node, pos) => {
    if (at < 0 && node.isTextblock && node.textContent === inText) at = pos + 1 + node.content.size;
    return at < 0;
  });
  return EditorState.create({ schema, doc, selection: TextSelection.create(doc, at), plugins: [numberingOnPlugin()] });
}
const enter = (s: EditorState) => {
  let next = s;
  splitListItem(nodes.list_item!)(s, (tr) => (next = s.applyTransaction(tr).state));
  return next;
};
/** Each numbered list's first number and items. */
const numbered = (doc: Node) => {
  const out: string[] = [];
  doc.descendants((node) => {
    if (node.type === nodes.ordered_list) out.push(`${node.attrs.order as number}: ${node.textBetween(0, node.content.size, ',')}`);
    return !node.isTextblock;
  });
  return out;
};

describe('a numbered list that numbers on from the one before it', () => {
  it('still does after an item is added to the one before (Enter), and after one is taken out (Backspace)', () => {
    let s = state([ol(1, 'Preheat oven', 'Mix flour'), p('Note: use fresh eggs.'), ol(3, 'Bake', 'Serve')], 'Mix flour');
    s = enter(s);
    s = s.applyTransaction(s.tr.insertText('Add eggs')).state;
    expect(numbered(s.doc)).toEqual(['1: Preheat oven,Mix flour,Add eggs', '4: Bake,Serve']); // before: "3: Bake,Serve"
    // The new item taken out again (its text deleted, then the item): back to 3.
    const item = s.doc.child(0).child(2);
    let from = 0;
    s.doc.child(0).forEach((child, offset) => {
      if (child === item) from = 1 + offset;
    });
    s = s.applyTransaction(s.tr.delete(from, from + item.nodeSize)).state;
    expect(numbered(s.doc)).toEqual(['1: Preheat oven,Mix flour', '3: Bake,Serve']);
  });

  it('numbers on through a chain of breaks, and leaves alone a list that started again from its own number', () => {
    let s = state([ol(1, 'a', 'b'), p('break'), ol(3, 'c'), p('break'), ol(4, 'd'), p('break'), ol(1, 'again')], 'b');
    s = enter(s);
    expect(numbered(s.doc)).toEqual(['1: a,b,', '4: c', '5: d', '1: again']);
  });

  it('numbers on inside a container (a quote) as at the top', () => {
    const quote = nodes.blockquote!.create(null, [ol(2, 'x', 'y'), p('break'), ol(4, 'z')]);
    let s = state([quote], 'y');
    s = enter(s);
    expect(numbered(s.doc)).toEqual(['2: x,y,', '5: z']);
  });

  it('leaves a list that did not number on from the one before as it is', () => {
    let s = state([ol(1, 'a', 'b'), p('break'), ol(1, 'c')], 'b');
    s = enter(s);
    expect(numbered(s.doc)).toEqual(['1: a,b,', '1: c']);
  });
});
