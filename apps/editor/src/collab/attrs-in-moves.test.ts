// A block's attribute (a task's tick, a heading's level) changed by one person while the other, not having
// seen it, moves the block (Tab, Shift+Tab, a quote around it): the move's copy carried the old value and the
// change was lost for everyone (found by an exploratory run: a task's tick dropped). The changer's page now
// writes it again on the copy (attrs-in-moves.ts), unless the mover's note says it had seen the change.
import { liftListItem, sinkListItem } from 'prosemirror-schema-list';
import type { EditorState } from 'prosemirror-state';
import type { Node } from 'prosemirror-model';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { schema } from '../schema.js';
import { MOVED } from './noted-moves.js';
import { cross, inText, meetAll, orders, p, page, run, send } from './test-editors.js';

const taskItem = schema.nodes.task_item!;
const task = (text: string, checked = false, ...nested: Node[]) => schema.node('task_item', { checked }, [p(text), ...nested]);
const tasks = (...items: Node[]) => schema.node('task_list', null, items);
const doc = (...items: Node[]) => schema.node('doc', null, [tasks(...items)]);

/** Each task as "[x] text" or "[ ] text", two spaces per task list it stands in beyond the first. */
function ticks(node: Node, depth = -1): string[] {
  const out: string[] = [];
  node.forEach((child) => {
    if (child.type === taskItem) out.push(`${'  '.repeat(depth)}${child.attrs.checked ? '[x]' : '[ ]'} ${child.firstChild?.textContent}`);
    out.push(...ticks(child, child.type === schema.nodes.task_list ? depth + 1 : depth));
  });
  return out;
}

/** Ticks (or unticks) the `n`th task. */
const setTick = (n: number, checked = true) => (s: EditorState) => {
  let pos = -1;
  let seen = 0;
  s.doc.descendants((node, at) => {
    if (pos < 0 && node.type === taskItem && seen++ === n) pos = at;
    return pos < 0;
  });
  return s.tr.setNodeMarkup(pos, undefined, { ...s.doc.nodeAt(pos)!.attrs, checked });
};

describe("a block's attribute changed while the other moves the block", () => {
  for (const [bobAbove, moveStoredFirst] of orders) {
    const how = `Bob's id ${bobAbove ? 'above' : 'below'}, the ${moveStoredFirst ? 'move' : 'change'} stored first`;
    const pair = (from: Node) => {
      const alice = page(from);
      const bob = page(alice.ydoc);
      bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
      return { alice, bob, meet: async () => (moveStoredFirst ? cross(bob, alice) : cross(alice, bob)).then(() => meetAll(alice, bob)) };
    };

    it(`Alice ticks "two" while Bob presses Tab in it: it stays ticked, indented (${how})`, async () => {
      const { alice, bob, meet } = pair(doc(task('one'), task('two'), task('three')));
      bob.edit(run(sinkListItem(taskItem), 1));
      alice.edit(setTick(1));
      await meet();
      expect(ticks(alice.doc())).toEqual(['[ ] one', '  [x] two', '[ ] three']);
      expect(ticks(bob.doc())).toEqual(ticks(alice.doc()));
    });

    it(`Alice unticks "two" while Bob presses Shift+Tab in it: it stays unticked, outdented (${how})`, async () => {
      const { alice, bob, meet } = pair(doc(task('one', false, tasks(task('two', true))), task('three')));
      bob.edit(run(liftListItem(taskItem), 1));
      alice.edit(setTick(1, false));
      await meet();
      expect(ticks(alice.doc())).toEqual(['[ ] one', '[ ] two', '[ ] three']);
    });

    it(`Alice ticks "two" while Bob presses Enter in it: the first half keeps the tick, the new line has none (${how})`, async () => {
      const { alice, bob, meet } = pair(doc(task('one'), task('two'), task('three')));
      bob.edit((s) => s.tr.split(inText(1, 2)(s), 2, [{ type: taskItem, attrs: { checked: false } }]));
      alice.edit(setTick(1));
      await meet();
      expect(ticks(alice.doc())).toEqual(['[ ] one', '[x] tw', '[ ] o', '[ ] three']);
    });

    it(`Alice makes a heading level 2 while Bob puts it in a quote: level 2, in the quote (${how})`, async () => {
      const heading = (text: string, level: number) => schema.node('heading', { level }, [schema.text(text)]);
      const { alice, bob, meet } = pair(schema.node('doc', null, [p('one'), heading('two', 1), p('three')]));
      bob.edit((s) => s.tr.wrap(s.doc.resolve(inText(1, 0)(s)).blockRange()!, [{ type: schema.nodes.blockquote! }]));
      alice.edit((s) => s.tr.setNodeMarkup(inText(1, 0)(s) - 1, undefined, { level: 2 }));
      await meet();
      const quote = alice.doc().child(1);
      expect([quote.type.name, quote.firstChild?.type.name, quote.firstChild?.attrs.level, quote.textContent]).toEqual(['blockquote', 'heading', 2, 'two']);
    });
  }

  it('Bob had seen the tick, pressed Tab, then took the tick off: it stays off (his note says he had seen it)', async () => {
    const alice = page(doc(task('one'), task('two'), task('three')));
    const bob = page(alice.ydoc);
    alice.edit(setTick(1));
    await send(alice, bob);
    bob.edit(run(sinkListItem(taskItem), 1));
    bob.edit(setTick(1, false));
    await send(bob, alice); // both of Bob's changes in one update
    await meetAll(alice, bob);
    expect(ticks(alice.doc())).toEqual(['[ ] one', '  [ ] two', '[ ] three']);
  });
});

describe('a note from a hostile client', () => {
  it('naming the characters of a task that still stands as copied into its own new task writes nothing there', async () => {
    const alice = page(doc(task('one'), task('two'), task('three')));
    const mallory = page(alice.ydoc);
    alice.edit(setTick(1));
    await send(alice, mallory);
    // Mallory adds a task "evil" and notes it as a copy of "two" (which nobody moved or deleted).
    mallory.edit((s) => s.tr.insert(s.doc.content.size - 1, task('evil')));
    const fragment = mallory.ydoc.getXmlFragment('prosemirror');
    const list = fragment.get(0) as Y.XmlElement;
    const evil = ((list.get(3) as Y.XmlElement).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const two = ((list.get(1) as Y.XmlElement).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const [source, copy] = [two._start!.id, evil._start!.id];
    mallory.ydoc.transact(() => mallory.ydoc.getMap(MOVED).set(`${copy.client}:${copy.clock}`, { r: [source.client, source.clock, copy.client, copy.clock, 3], s: {}, b: 1 }));
    await send(mallory, alice);
    await meetAll(alice, mallory);
    expect(ticks(alice.doc())).toEqual(['[ ] one', '[x] two', '[ ] three', '[ ] evil']);
  });
});
