// Keys pressed where someone else's caret is drawn. y-prosemirror drew a remote caret as an element in the
// text that cannot be edited, and Chromium's own caret movement and editing went wrong beside it (found by
// an exploratory run, each case failing every time): End and Shift+End at the start of a line beginning
// with bold went to the end of the document (Shift+End and a letter deleted the lines below); on the line
// after a line break, or a code block's second line, keys acted on the line above (Shift+Home and a letter
// wiped it); Enter in a code block put what was typed next on the old line; a double-click and typing over
// the word after a line break deleted the break. Carets are now drawn in a layer over the text
// (collab/caret-overlay.ts). Bob's caret is at the same place as Alice's in each case.

import { br, caret, code, drawnCaret, p, resolve, setDocument, shape, t, type At, type Json } from '../fixtures/doc-json.js';
import { type EditorPage, writeShared } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

interface Case {
  readonly name: string;
  readonly doc: Json[];
  readonly at: At;
  readonly act: (alice: EditorPage) => Promise<void>;
  readonly want: string[];
}

const press = (key: string, text = 'Z') => async (alice: EditorPage) => {
  await alice.page.keyboard.press(key);
  await alice.type(text, 20);
};

const marked = [p(t('start', 'strong'), t(' tail')), p(t('middle')), p(t('last'))];
const codeLines = [p(t('intro')), code('let a\nlet b'), p(t('end'))];
const broken = [p(t('one'), br, t('two'))];

const cases: Case[] = [
  { name: 'End at the start of a line beginning with bold', doc: marked, at: '|start', act: press('End'), want: ['paragraph:<strong>start</> tailZ', 'paragraph:middle', 'paragraph:last'] },
  { name: 'Shift+End there, then a letter', doc: marked, at: '|start', act: press('Shift+End'), want: ['paragraph:<strong>Z</>', 'paragraph:middle', 'paragraph:last'] },
  { name: "typing at the start of a code block's second line", doc: codeLines, at: [1, 6], act: (alice) => alice.type('XY', 20), want: ['paragraph:intro', 'code_block:let a\nXYlet b', 'paragraph:end'] },
  { name: 'Backspace there', doc: codeLines, at: [1, 6], act: press('Backspace'), want: ['paragraph:intro', 'code_block:let aZlet b', 'paragraph:end'] },
  { name: 'Shift+Home there, then a letter', doc: codeLines, at: [1, 6], act: press('Shift+Home'), want: ['paragraph:intro', 'code_block:let a\nZlet b', 'paragraph:end'] },
  { name: 'Enter at the end of a code line, then typing', doc: [p(t('intro')), code('let a'), p(t('end'))], at: 'let a|', act: press('Enter', 'b = 2'), want: ['paragraph:intro', 'code_block:let a\nb = 2', 'paragraph:end'] },
  { name: 'Home on the line after a line break', doc: broken, at: '¶|two', act: press('Home'), want: ['paragraph:one¶Ztwo'] },
  { name: 'End on the line after a line break', doc: broken, at: '¶|two', act: press('End'), want: ['paragraph:one¶twoZ'] },
  { name: 'Shift+Home on the line after a line break, then a letter', doc: broken, at: '¶|two', act: press('Shift+Home'), want: ['paragraph:one¶Ztwo'] },
  {
    name: 'a double-click on the word after a line break, typed over',
    doc: [p(t('one'), br, t('two three'))],
    at: '¶|two',
    act: async (alice) => {
      // The middle of "two", on screen.
      const pos = (await resolve(alice, '¶tw|o')) as number;
      const box = await alice.page.evaluate((pos) => (window as unknown as { tandem: { view: { coordsAtPos(pos: number, side: number): { left: number; top: number; bottom: number } } } }).tandem.view.coordsAtPos(pos, 1), pos);
      await alice.page.mouse.dblclick(box.left, (box.top + box.bottom) / 2);
      await alice.selectionRead();
      await alice.type('NEW', 20);
    },
    want: ['paragraph:one¶NEW three'],
  },
];

for (const { name, doc, at, act, want } of cases) {
  test(`${name}, where the other person's caret is: as when alone`, async ({ pair }) => {
    const { alice, bob } = await pair(`keys-beside-a-caret/${name}`);
    await alice.focusEnd();
    await setDocument(alice, bob, doc);
    const pos = await resolve(bob, at);
    await caret(bob, pos);
    await expect.poll(() => drawnCaret(alice)).toBe(pos);
    await caret(alice, pos);
    await alice.page.waitForTimeout(300); // a person's pace, past prosemirror-view's focus window
    await act(alice);
    await alice.expectSaved();
    expect(await shape(alice)).toEqual(want);
    await expect.poll(() => shape(bob)).toEqual(want);
    expect(alice.errors).toEqual([]);
  });
}

// Selections stay in the text (a plugin of ours maps them through each change, as y-prosemirror did).
test("the other person's selection is highlighted and follows typing before it; their caret is drawn over the text", async ({ pair }) => {
  const { alice, bob } = await pair('keys-beside-a-caret/selection');
  await writeShared(alice, bob, ['Hello brave new world']);
  await bob.select('brave');
  await expect(alice.editor.locator('.ProseMirror-yjs-selection')).toHaveText('brave');
  await alice.caretAt(0, 0);
  await alice.type('Well, ');
  await expect(alice.editor.locator('.ProseMirror-yjs-selection')).toHaveText('brave');
  await expect.poll(() => alice.cursorLabels()).toEqual(['Bob']);
  await expect(alice.editor.locator('.ProseMirror-yjs-cursor')).toHaveCount(0); // none in the text
});
