// Two people splitting one line at two places at the same moment (Enter or Shift+Enter, each unseen by the
// other): the later split was dropped, its words kept once where the earlier split put them ("ab¶cdef¶" for
// two line breaks in "abcdef", one of them at the end of the line; "ab¶cdef" for a line break and an Enter).
// The page whose split gave way now makes it again in the other's copy (split-again.ts).
import type { EditorState, Transaction } from 'prosemirror-state';
import { splitListItem } from 'prosemirror-schema-list';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { schema } from '../schema.js';
import { allAtOnce, inText, li, meetAll, meetAs, meetings, page, type Page, run, shape, twoPages, withUndo } from './test-editors.js';

const { nodes } = schema;
const line = (text: string) => nodes.doc!.create(null, [nodes.paragraph!.create(null, [schema.text(text)])]);
type Edit = (s: EditorState) => Transaction;
const lineBreak = (n: number): Edit => (s) => s.tr.replaceWith(inText(0, n)(s), inText(0, n)(s), nodes.hard_break!.create());
const image = (n: number): Edit => (s) => s.tr.replaceWith(inText(0, n)(s), inText(0, n)(s), nodes.image!.create({ src: 'https://example.com/a.png' }));
const enter = (n: number): Edit => (s) => s.tr.split(inText(0, n)(s));
const type = (text: string, n: number, offset: number): Edit => (s) => s.tr.insertText(text, inText(n, offset)(s));

/** Each top-level block's content, "¶" for a line break and "▣" for an image. */
const lines = (x: Page) =>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- ProseMirror JSON, read loosely
  x.doc().toJSON().content.map((b: any) => (b.content ?? []).map((c: any) => (c.type === 'text' ? c.text : c.type === 'image' ? '▣' : '¶')).join(''));

async function together(start: ReturnType<typeof line>, alices: Edit[], bobs: Edit[], meeting: (typeof meetings)[number]) {
  const { alice, bob } = twoPages(start, meeting);
  for (const edit of alices) alice.edit(edit);
  for (const edit of bobs) bob.edit(edit);
  await meetAs(alice, bob, meeting);
  await meetAll(alice, bob);
  return { alice, bob };
}

describe('two splits of one line at two places, at once', () => {
  for (const m of meetings) {
    it(`two line breaks: both made (${m.name})`, async () => {
      const { alice, bob } = await together(line('abcdef'), [lineBreak(2)], [lineBreak(4)], m);
      expect(lines(alice)).toEqual(['ab¶cd¶ef']);
      expect(lines(bob)).toEqual(['ab¶cd¶ef']);
    });

    it(`a line break, and an Enter later in the line: both made (${m.name})`, async () => {
      const { alice } = await together(line('abcdef'), [lineBreak(2)], [enter(4)], m);
      expect(lines(alice)).toEqual(['ab¶cd', 'ef']); // before: "ab¶cdef"
    });

    it(`an Enter, and a line break later in the line: both made (${m.name})`, async () => {
      const { alice } = await together(line('abcdef'), [lineBreak(4)], [enter(2)], m);
      expect(lines(alice)).toEqual(['ab', 'cd¶ef']); // before: "ab¶", "cdef"
    });

    it(`two Enters: both made (${m.name})`, async () => {
      const { alice } = await together(line('one two three'), [enter(3)], [enter(7)], m);
      expect(lines(alice)).toEqual(['one', ' two', ' three']); // before: "one", " two three"
    });

    it(`an image put in the line, and a line break earlier: the image where it was put (${m.name})`, async () => {
      const { alice } = await together(line('abcdef'), [lineBreak(2)], [image(4)], m);
      expect(lines(alice)).toEqual(['ab¶cd▣ef']);
    });

    it(`two Enters in one list item: two items more (${m.name})`, async () => {
      const start = nodes.doc!.create(null, [nodes.bullet_list!.create(null, [li('one two three')])]);
      const { alice } = await together(start, [run(splitListItem(nodes.list_item!), 0, 3)], [run(splitListItem(nodes.list_item!), 0, 7)], m);
      expect(shape(alice.ydoc)).toEqual(['>one', '> two', '> three']);
    });

    it(`what the later split's person typed after it stays, with their break (${m.name})`, async () => {
      const { alice } = await together(line('abcdef'), [lineBreak(2)], [lineBreak(4), type('X', 0, 5)], m);
      const [text] = lines(alice);
      expect([...text!.replaceAll('¶', '')].sort().join('')).toBe('Xabcdef'); // every letter once
      expect(text).toContain('¶X');
    });
  }

  it('both at one place: one split (the second line break was left at the end of the line: "abc¶def¶")', async () => {
    for (const m of meetings) {
      const { alice } = await together(line('abcdef'), [lineBreak(3)], [lineBreak(3)], m);
      expect(lines(alice), m.name).toEqual(['abc¶def']);
    }
  });

  it('Ctrl+Z of the later Enter afterwards takes back that Enter, and nothing else', async () => {
    for (const m of meetings) {
      const { alice, bob } = twoPages(line('one two three'), m);
      const undo = withUndo(bob);
      alice.edit(enter(3));
      bob.edit(enter(7));
      await meetAs(alice, bob, m);
      await meetAll(alice, bob);
      undo.stopCapturing();
      undo.undo();
      await meetAll(alice, bob);
      expect(lines(alice), m.name).toEqual(['one', ' two three']);
      expect(Y.encodeStateVector(alice.ydoc)).toEqual(Y.encodeStateVector(bob.ydoc));
    }
  });

  // Brought " three" back twice ("one three¶ two three"): Bob's copy, taken out as a repeat, still counted as
  // standing (deleted by his own page), so his Ctrl+Z put the original words back beside Alice's copy of them.
  // After an Enter it was right only because the taken-out paragraph's text had been collected.
  it('Ctrl+Z of the later line break afterwards takes back that line break, and nothing else', async () => {
    for (const m of meetings) {
      const { alice, bob } = twoPages(line('one two three'), m);
      const undo = withUndo(bob);
      alice.edit(lineBreak(3));
      bob.edit(lineBreak(7));
      await meetAs(alice, bob, m);
      await meetAll(alice, bob);
      expect(lines(alice), m.name).toEqual(['one¶ two¶ three']);
      undo.stopCapturing();
      undo.undo();
      await meetAll(alice, bob);
      expect(lines(alice), m.name).toEqual(['one¶ two three']);
      expect(Y.encodeStateVector(alice.ydoc)).toEqual(Y.encodeStateVector(bob.ydoc));
    }
  });

  // The split made again is a step of its own when it comes after a pause (the other was offline for a while):
  // its Ctrl+Z put Bob's line break back at the end of the line, where nobody had put it ("one¶ two three¶";
  // "one¶¶ two three" with his id below hers), and a second Ctrl+Z was needed. Enter was right.
  it('Ctrl+Z of the later split made again after a pause takes back that split at once; Ctrl+Y makes it again', async () => {
    for (const [name, split] of [['line break', lineBreak], ['Enter', enter]] as const) {
      for (const m of meetings) {
        const { alice, bob } = twoPages(line('one two three'), m);
        const undo = withUndo(bob);
        alice.edit(split(3));
        bob.edit(split(7));
        undo.stopCapturing(); // a pause before the two met
        await meetAs(alice, bob, m);
        await meetAll(alice, bob);
        const both = name === 'Enter' ? ['one', ' two', ' three'] : ['one¶ two¶ three'];
        const first = name === 'Enter' ? ['one', ' two three'] : ['one¶ two three'];
        expect(lines(alice), `${name}, ${m.name}`).toEqual(both);
        undo.undo();
        await meetAll(alice, bob);
        expect(lines(alice), `${name}, ${m.name}: Ctrl+Z`).toEqual(first);
        undo.redo();
        await meetAll(alice, bob);
        expect(lines(alice), `${name}, ${m.name}: Ctrl+Y`).toEqual(both);
        undo.undo();
        undo.undo();
        await meetAll(alice, bob);
        expect(lines(alice), `${name}, ${m.name}: Ctrl+Z twice`).toEqual(first);
      }
    }
  });
});

// Found by a review: three people splitting one line at three places at once. A page made its split again in the
// copy of a second person's move that was itself a repeat of the third one's, and words came twice for everyone.
// A split is made again only while one other move of its words is known; else it is dropped, as before. Still
// wrong: a third page that gets the second one's split before the first one's (all three made at once) makes its
// split again in the second's copy, which then turns out to repeat the first's, and "gh" comes twice.
describe('three splits of one line at once', () => {
  const edits = {
    'three Enters': [enter(2), enter(4), enter(6)],
    'line break, Enter, line break': [lineBreak(2), enter(4), lineBreak(6)],
    'three line breaks': [lineBreak(2), lineBreak(4), lineBreak(6)],
  } as const;
  for (const [name, made] of Object.entries(edits)) {
    for (const order of [[0, 1, 2], [2, 1, 0], [1, 0, 2]] as const) {
      it(`${name}, meeting at once (pages in order ${order.join(',')}): every letter once`, async () => {
        const alice = page(line('abcdefgh'));
        const pages = [alice, page(alice.ydoc), page(alice.ydoc)];
        pages.forEach((x, i) => x.edit(made[i]!));
        await allAtOnce(order.map((i) => pages[i]!));
        await meetAll(...pages);
        expect(lines(alice).join('').replaceAll('¶', '')).toBe('abcdefgh');
      });
    }
  }
});
