// Two people restructure one list at once, each with two (and then three) changes made apart (Enter at any place of a line,
// Tab, Shift+Tab, Backspace at an item's start, typing), met in every order the server can store them, or
// crossing at the same moment: the pages must agree, and no letter may be lost or doubled. Lines may still come
// out of order (README, "Still wrong"); this guards what the rescues promise. A seeded sample of the
// combinations: the same ones every run.
// Before the fixes of 2026-12-06 (double-move.ts standsOnward, split-rescue.ts dropIfEmptied and moveStranded)
// 10 of these 400 came out wrong, every one with a letter twice or lost. With three changes each, a list item
// left starting with a nested list (item-first-line.ts) and two editors' notes of one deleted node under one
// key (seen-by-both.test.ts) lost lines in about 1 of 2 000; the 600 here are a general guard.
import { joinBackward } from 'prosemirror-commands';
import type { Node } from 'prosemirror-model';
import { liftListItem, sinkListItem, splitListItem } from 'prosemirror-schema-list';
import type { EditorState, Transaction } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@tandem/persistence/testing/seeded-random';
import { schema } from '../schema.js';
import { atOnce, cross, inText, li, meetAll, orders, p, page, run } from './test-editors.js';

const item = schema.nodes.list_item!;
const ul = (...items: Node[]) => schema.node('bullet_list', null, items);
const starts: Array<[string, () => Node]> = [
  ['a flat list', () => schema.node('doc', null, [ul(li('abc'), li('def'), li('ghi'), li('jkl'))])],
  ['a list holding a nested item', () => schema.node('doc', null, [ul(li('abc'), schema.node('list_item', null, [p('def'), ul(li('ghi'))]), li('jkl'))])],
];

type Change = [string, (s: EditorState) => Transaction];
/** Every change one person may make, typing `letter`. */
function changes(letter: string): Change[] {
  const out: Change[] = [];
  for (let k = 0; k < 4; k++) for (const offset of [0, 1, 2, 3]) out.push([`Enter in line ${k} at ${offset}`, run(splitListItem(item), k, offset)]);
  for (let k = 1; k < 4; k++) out.push([`Tab on line ${k}`, run(sinkListItem(item), k)]);
  for (let k = 0; k < 4; k++) out.push([`Shift+Tab on line ${k}`, run(liftListItem(item), k)]);
  for (let k = 1; k < 4; k++) out.push([`Backspace at the start of line ${k}`, run(joinBackward, k)]);
  for (let k = 0; k < 4; k++) out.push([`${letter} typed into line ${k}`, (s) => s.tr.insertText(letter, inText(k, 1)(s))]);
  return out;
}

/** A seeded generator: the same sample every run (mulberry32; an earlier home-made one in floating point
 * lost its low bits and drew almost only Bob's id above, Bob first, and even-numbered changes: found by a review). */
function seeded(seed: number): (n: number) => number {
  const next = seededRandom(seed);
  return (n) => Math.floor(next() * n);
}

const letters = (node: Node) => [...node.textContent].sort().join('');
const SEED3 = Number(process.env.FUZZ_SEED3 ?? 1);
const COUNT3 = Number(process.env.FUZZ_COUNT3 ?? 600);

/**
 * The combinations of these samples that still show letters twice, as README's "Still wrong" would say: each
 * must still double, and nothing else may. None since 2026-12-06 (unseen-start.test.ts: a split starting at a
 * letter the other had not seen, read among what the other had seen).
 */
const KNOWN_DOUBLED: Record<2 | 3, readonly string[]> = { 2: [], 3: [] };

for (const [each, seed, combinations] of [[2, 1, 400], [3, SEED3, COUNT3]] as const) {
  describe(`two people restructuring one list, ${each} changes each`, () => {
    it(`agree and keep every letter once, in ${combinations} seeded combinations`, async () => {
      const random = seeded(seed);
      const [aliceCan, bobCan] = [changes('X'), changes('Y')];
      const pick = (can: Change[]) => Array.from({ length: each }, () => can[random(can.length)]!);
      const wrong: string[] = [];
      const known = KNOWN_DOUBLED[each];
      const doubledAsKnown: string[] = [];
      for (let n = 0; n < combinations; n++) {
        const [startName, start] = starts[random(starts.length)]!;
        const made = pick(aliceCan);
        const bobMade = pick(bobCan);
        const [bobAbove, bobFirst] = orders[random(orders.length)]!;
        const together = random(5) === 0; // a fifth cross at the same moment (each page before the other's fixes)
        const alice = page(start());
        const bob = page(alice.ydoc);
        bob.ydoc.clientID = alice.ydoc.clientID + (bobAbove ? 1 : -1);
        const done: string[] = [];
        let typed = '';
        // A change that cannot be made where it is asked for (Tab on a first item) is left out.
        const make = (who: typeof alice, name: string, [what, change]: Change, letter: string) => {
          try {
            who.edit(change);
          } catch {
            return;
          }
          done.push(`${name}: ${what}`);
          if (what.startsWith(letter)) typed += letter;
        };
        for (const change of bobMade) make(bob, 'Bob', change, 'Y');
        for (const change of made) make(alice, 'Alice', change, 'X');
        await (together ? atOnce(alice, bob, bobFirst) : bobFirst ? cross(bob, alice) : cross(alice, bob));
        const met = together ? `at the same moment${bobFirst ? ', both acknowledged' : ''}` : `${bobFirst ? 'Bob' : 'Alice'} stored first`;
        const how = `${startName}, ${done.join(', ')} (Bob's id ${bobAbove ? 'above' : 'below'}, ${met})`;
        try {
          await meetAll(alice, bob);
        } catch (error) {
          wrong.push(`${how}: ${String(error)}`);
          continue;
        }
        const got = letters(alice.doc());
        const want = [...letters(start()) + typed].sort().join('');
        if (got === want) continue;
        const count = (text: string, ch: string) => [...text].filter((c) => c === ch).length;
        const lost = [...want].some((ch) => count(got, ch) < count(want, ch));
        // A letter lost is never known: only doubles the README lists as still wrong may stand.
        if (!lost && known.includes(how)) doubledAsKnown.push(how);
        else wrong.push(`${lost ? 'lost' : 'doubled'}: ${how}: ${JSON.stringify(alice.doc().textContent)}`);
      }
      expect(wrong).toEqual([]);
      // A known double that no longer doubles: fixed, and it comes off the list.
      expect(doubledAsKnown.sort()).toEqual([...known].sort());
    }, 120_000);
  });
}
