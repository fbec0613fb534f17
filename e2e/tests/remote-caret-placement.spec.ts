// Others' carets are drawn in a layer over the text (collab/caret-overlay.ts), placed where ProseMirror says
// their position is on screen. Measuring that costs a walk from the first block to the caret's, so a caret is
// measured again only when something before it may have moved: a change in or before its top-level block, a
// change of the editor's size or place. These check that a caret is where its position is after each kind of
// change, and that typing after it leaves it in place.

import type { EditorPage } from '../fixtures/editor-page.js';
import { writeShared } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

/** How far Bob's caret as drawn on Alice's page is from where her editor places his position (px), and that position. */
const offBy = (alice: EditorPage) =>
  alice.page.evaluate(() => {
    const { view } = (window as unknown as { tandem: { view: import('prosemirror-view').EditorView } }).tandem;
    const caret = document.querySelector<HTMLElement>('.remote-carets > *:not([hidden])');
    if (caret === null) return { pos: -1, off: Number.POSITIVE_INFINITY };
    const pos = Number(caret.dataset.pos);
    const drawn = caret.getBoundingClientRect();
    const at = view.coordsAtPos(pos, -1);
    return { pos, off: Math.max(Math.abs(drawn.left - at.left), Math.abs(drawn.top - at.top)) };
  });
const top = (alice: EditorPage) => alice.page.evaluate(() => document.querySelector<HTMLElement>('.remote-carets > *:not([hidden])')!.getBoundingClientRect().top);

test('a remote caret stays right through changes before it, after it, of formatting and of the window', async ({ pair }) => {
  const { alice, bob } = await pair('remote-caret/placement');
  await writeShared(alice, bob, ['one', 'two', 'three words here', 'four', 'five']);
  await bob.caretAt(2, 6); // three |words
  await expect.poll(async () => (await offBy(alice)).pos).toBeGreaterThan(0);
  await expect.poll(async () => (await offBy(alice)).off).toBeLessThan(2);
  const still = await top(alice);
  // Typing after it: the caret stays put (and is right).
  await alice.caretAt(4, 4);
  await alice.type(' and more text after');
  await alice.page.keyboard.press('Enter');
  await alice.type('a new line');
  await expect.poll(() => alice.blocks()).toEqual(['one', 'two', 'three words here', 'four', 'five and more text after', 'a new line']);
  expect((await offBy(alice)).off).toBeLessThan(2);
  expect(await top(alice)).toBe(still);
  // A new line before it: the caret moves down with its text.
  await alice.caretAt(0, 3);
  await alice.page.keyboard.press('Enter');
  await alice.type('inserted');
  await expect.poll(async () => (await top(alice)) - still).toBeGreaterThan(10);
  await expect.poll(async () => (await offBy(alice)).off).toBeLessThan(2);
  // Typing in its own line before it: it moves right.
  const left = () => alice.page.evaluate(() => document.querySelector<HTMLElement>('.remote-carets > *:not([hidden])')!.getBoundingClientRect().left);
  const before = await left();
  await alice.caretAt(3, 0);
  await alice.type('WIDE ');
  await expect.poll(async () => (await left()) - before).toBeGreaterThan(10);
  await expect.poll(async () => (await offBy(alice)).off).toBeLessThan(2);
  // Bold before it in its own line (the position stays; the text before it widens).
  const plain = await left();
  await alice.select('WIDE three');
  await alice.editor.focus();
  await alice.page.keyboard.press('Control+b');
  await expect.poll(async () => (await left()) - plain).toBeGreaterThan(1);
  await expect.poll(async () => (await offBy(alice)).off).toBeLessThan(1);
  // A heading made above it (no text changes; the lines above grow).
  const was = await top(alice);
  await alice.caretAt(0, 1);
  await alice.toolbar('h1');
  await expect.poll(async () => (await top(alice)) - was).toBeGreaterThan(5);
  await expect.poll(async () => (await offBy(alice)).off).toBeLessThan(2);
  // The window narrowed: the text wraps differently.
  await alice.page.setViewportSize({ width: 420, height: 700 });
  await expect.poll(async () => (await offBy(alice)).off).toBeLessThan(2);
  expect(alice.errors).toEqual([]);
});
