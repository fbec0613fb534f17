// Old characters y-prosemirror kept only because they looked like what replaced them (kept-in-place.ts):
// paragraphs pasted into a line, a line split, text deleted across lines, while the other person, unseen,
// pressed Enter, typed, made bold or made a heading at the same place.

import { Fragment, type Node, Slice } from 'prosemirror-model';
import { liftListItem } from 'prosemirror-schema-list';
import { EditorState, TextSelection, type Transaction } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from '../schema.js';
import { at, cross, inText, meetAll, orders, p, page, shape, withUndo } from './test-editors.js';

const pasted = (...texts: string[]) => new Slice(Fragment.from(texts.map(p)), 1, 1);
type Edit = (s: EditorState) => Transaction;

/** Alice and Bob each make their edit apart, then their changes cross in `order`; the blocks both end with. */
async function crossed(start: string[], aliceEdit: Edit, bobEdit: Edit, [bobHigher, bobFirst]: readonly [boolean, boolean]) {
  const alice = page(start);
  const bob = page(alice.ydoc);
  bob.ydoc.clientID = alice.ydoc.clientID + (bobHigher ? 1 : -1);
  alice.edit(aliceEdit);
  bob.edit(bobEdit);
  if (bobFirst) await cross(bob, alice);
  else await cross(alice, bob);
  return meetAll(alice, bob);
}

describe('paragraphs pasted into a line while the other presses Enter at that place', () => {
  it.each(orders)('"Pasted first." and "Pasted second" into "Ori|ginal first.": each pasted line whole (bob higher %s, bob first %s)', async (...order) => {
    const result = await crossed(['Original first.'], (s) => s.tr.replace(at(s.doc, 0, 3), at(s.doc, 0, 3), pasted('Pasted first.', 'Pasted second')), (s) => s.tr.split(at(s.doc, 0, 3)), order);
    // Before: "OriPasted", then " first." on a line of its own (the old " first." was kept as the pasted line's end).
    expect(result[0]).toBe('OriPasted first.');
    expect(result.join('\n')).toContain('Pasted second');
    expect([...result.join('')].sort().join('')).toBe([...'Original first.Pasted first.Pasted second'].sort().join(''));
  });

  it.each(orders)('the line\'s moved end is not paired with the same letter inside the pasted text (bob higher %s, bob first %s)', async (...order) => {
    const result = await crossed(['one two three'], (s) => s.tr.replace(at(s.doc, 0, 12), at(s.doc, 0, 12), pasted('Pasted first.', 'Pasted second')), (s) => s.tr.split(at(s.doc, 0, 12)), order);
    // Before: "Pastd seconde" (the moved "e" was taken for the first "e" of "Pasted second").
    expect(result.join('\n')).toContain('Pasted second');
    expect(result.join('\n')).toContain('Pasted first.');
    expect([...result.join('')].sort().join('')).toBe([...'one two threePasted first.Pasted second'].sort().join(''));
  });

  it.each(orders)('pasted at the start of the line, the pasted line ends like it: nothing lost (bob higher %s, bob first %s)', async (...order) => {
    const result = await crossed(['Original first.'], (s) => s.tr.replace(at(s.doc, 0, 0), at(s.doc, 0, 0), pasted('line.', 'first.')), (s) => s.tr.split(at(s.doc, 0, 3)), order);
    // Before: the "." of "line." was lost in two of the four orders.
    expect([...result.join('')].sort().join('')).toBe([...'Original first.line.first.'].sort().join(''));
    expect(result.join('\n')).toContain('line.');
  });
});

describe('a change of shape, against each of the other\'s edits made apart', () => {
  const start = ['Original first.', 'Second line.'];
  type Op = { name: string; edit: Edit; added: string; removed: string; whole: string[]; at?: number };
  const alices: Op[] = [];
  for (const k of [0, 3, 15]) {
    for (const lines of [['Pasted first.', 'Pasted second'], ['alpha', 'beta', 'gamma'], ['line.', 'first.']]) {
      alices.push({ name: `paste ${JSON.stringify(lines)} at ${k}`, edit: (s) => s.tr.replace(at(s.doc, 0, k), at(s.doc, 0, k), pasted(...lines)), added: lines.join(''), removed: '', whole: lines, at: k });
    }
    alices.push({ name: `Enter at ${k}`, edit: (s) => s.tr.split(at(s.doc, 0, k)), added: '', removed: '', whole: [] });
    for (const k2 of [0, 4]) alices.push({ name: `delete from ${k} to ${k2} of the next line`, edit: (s) => s.tr.delete(at(s.doc, 0, k), at(s.doc, 1, k2)), added: '', removed: start[0]!.slice(k) + start[1]!.slice(0, k2), whole: [] });
  }
  alices.push({ name: 'join', edit: (s) => s.tr.join(at(s.doc, 1, -1)), added: '', removed: '', whole: [] });
  const bobs: Op[] = [];
  for (const j of [0, 3, 12]) {
    bobs.push({ name: `Enter at ${j}`, edit: (s) => s.tr.split(at(s.doc, 0, j)), added: '', removed: '', whole: [], at: j });
    bobs.push({ name: `X typed at ${j}`, edit: (s) => s.tr.insertText('X', at(s.doc, 0, j)), added: 'X', removed: '', whole: [], at: j });
    bobs.push({ name: `bold from ${j}`, edit: (s) => s.tr.addMark(at(s.doc, 0, j), at(s.doc, 0, j + 3), schema.marks.strong!.create()), added: '', removed: '', whole: [] });
  }
  bobs.push({ name: 'heading', edit: (s) => s.tr.setBlockType(1, 1, schema.nodes.heading!, { level: 1 }), added: '', removed: '', whole: [] });

  it('every letter once, every pasted line whole, and each person\'s own page as their editor shows it', async () => {
    const wrong: string[] = [];
    for (const a of alices) {
      for (const b of bobs) {
        // A letter typed at the very place the other pastes lines may go among the pasted words (two inserts at one place).
        const sameSpot = a.at !== undefined && a.at === b.at && b.added !== '';
        for (const order of orders) {
          const alice = page(start);
          const bob = page(alice.ydoc);
          bob.ydoc.clientID = alice.ydoc.clientID + (order[0] ? 1 : -1);
          const expected = (e: Edit) => {
            const s = EditorState.create({ schema, doc: alice.doc() });
            return s.apply(e(s)).doc;
          };
          const own: [Node, Node] = [expected(a.edit), expected(b.edit)];
          alice.edit(a.edit);
          bob.edit(b.edit);
          // Each page holds its own edit exactly as the editor made it, formatting included.
          if (!alice.doc().eq(own[0]) || !bob.doc().eq(own[1])) wrong.push(`${a.name} / ${b.name}: a page differs from its editor`);
          if (order[1]) await cross(bob, alice);
          else await cross(alice, bob);
          const result = await meetAll(alice, bob);
          const letters = [...start.join('') + a.added + b.added];
          for (const ch of a.removed) letters.splice(letters.indexOf(ch), 1);
          const joined = result.join('\n');
          if ([...result.join('')].sort().join('') !== letters.sort().join('') || (!sameSpot && !a.whole.every((line) => joined.includes(line)))) {
            wrong.push(`${a.name} / ${b.name} ${JSON.stringify(order)}: ${JSON.stringify(result)}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);
});

describe('whole blocks y-prosemirror kept by likeness', () => {
  // From a review: y-prosemirror matched the old list items to the pasted copies above them (same text), and
  // rewriting their characters while the elements stayed lost Bob's lift of "one" and left a copy after Alice's
  // Ctrl+Z. An element kept where the mapping does not put it leaves the change as y-prosemirror wrote it.
  const ul = (...items: string[]) => schema.node('bullet_list', null, items.map((t) => schema.node('list_item', null, [p(t)])));
  const duplicateItems: Edit = (s) => s.tr.insert(1, Fragment.from([schema.node('list_item', null, [p('one')]), schema.node('list_item', null, [p('two')])]));
  const liftFirst: Edit = (s) => {
    let made: Transaction | undefined;
    liftListItem(schema.nodes.list_item!)(s.apply(s.tr.setSelection(TextSelection.create(s.doc, inText(0, 0)(s)))), (tr) => (made = tr));
    const tr = s.tr;
    for (const step of made!.steps) tr.step(step);
    return tr;
  };

  it.each(orders)('list items pasted above their like while Bob lifts "one": the lift kept, and Alice\'s Ctrl+Z takes back exactly her items (bob higher %s, bob first %s)', async (bobHigher, bobFirst) => {
    const alice = page(schema.node('doc', null, [ul('one', 'two'), p('end')]));
    const bob = page(alice.ydoc);
    bob.ydoc.clientID = alice.ydoc.clientID + (bobHigher ? 1 : -1);
    const undo = withUndo(alice);
    alice.edit(duplicateItems);
    bob.edit(liftFirst);
    if (bobFirst) await cross(bob, alice);
    else await cross(alice, bob);
    await meetAll(alice, bob);
    const merged = shape(alice.ydoc);
    undo.undo();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await meetAll(alice, bob);
    // Bob's lift stands ("one" out of the list) beside Alice's pasted items.
    expect({ ones: merged.filter((t) => t === 'one').length, undone: shape(alice.ydoc) }).toEqual({ ones: 1, undone: ['one', '>two', 'end'] });
  });
});
