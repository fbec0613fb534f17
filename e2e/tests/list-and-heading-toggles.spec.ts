// The block buttons and shortcuts as someone used to Google Docs presses them: the numbered list button in
// a bulleted list numbers that list (and the other way round), and after Select all (Ctrl+A) a second press
// of the list, heading or code block button takes the list, the headings or the code blocks back off, as it
// does with the caret in one.

import { blocks } from '../fixtures/blocks.js';
import type { EditorPage } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own


/** Types `lines` at the end of the document, Enter between them (an empty one: Enter twice). */
async function typeLines(p: EditorPage, lines: readonly string[]): Promise<void> {
  await p.focusEnd();
  for (const [i, text] of lines.entries()) {
    if (i > 0) await p.page.keyboard.press('Enter');
    if (text !== '') await p.type(text);
  }
}

async function threeParagraphs(p: EditorPage): Promise<void> {
  await p.focusEnd();
  for (const [i, text] of ['one', 'two', 'three'].entries()) {
    if (i > 0) await p.page.keyboard.press('Enter');
    await p.type(text);
  }
  await expect.poll(() => blocks(p)).toEqual(['paragraph:one', 'paragraph:two', 'paragraph:three']);
}

test('the numbered list button in a bulleted list numbers it, and the bullet button bullets a numbered one', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'toggles/switch-list');
  await alice.focusEnd();
  await alice.type('- one');
  await alice.page.keyboard.press('Enter');
  await alice.type('two');
  await expect.poll(() => blocks(alice)).toEqual(['bullet_list>list_item>paragraph:one', 'bullet_list>list_item>paragraph:two']);

  await alice.page.keyboard.press('Control+Shift+7');
  await expect.poll(() => blocks(alice)).toEqual(['ordered_list>list_item>paragraph:one', 'ordered_list>list_item>paragraph:two']);
  await expect(alice.page.locator('.toolbar [data-command="orderedList"]')).toHaveAttribute('aria-pressed', 'true');

  await alice.toolbar('bulletList');
  await expect.poll(() => blocks(alice)).toEqual(['bullet_list>list_item>paragraph:one', 'bullet_list>list_item>paragraph:two']);
  expect(alice.errors).toEqual([]);
});

test('after Select all, Ctrl+Shift+8 makes a list and a second Ctrl+Shift+8 takes it back off', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'toggles/select-all-list');
  await threeParagraphs(alice);
  await alice.page.keyboard.press('Control+a');
  await alice.page.keyboard.press('Control+Shift+8');
  await expect.poll(() => blocks(alice)).toEqual(['one', 'two', 'three'].map((t) => `bullet_list>list_item>paragraph:${t}`));
  // The button shows it (soft: the second press below is what matters most).
  await expect.soft(alice.page.locator('.toolbar [data-command="bulletList"]')).toHaveAttribute('aria-pressed', 'true', { timeout: 2_000 });

  await alice.page.keyboard.press('Control+a');
  await alice.page.keyboard.press('Control+Shift+8');
  await expect.poll(() => blocks(alice)).toEqual(['paragraph:one', 'paragraph:two', 'paragraph:three']);
  expect(alice.errors).toEqual([]);
});

test('after Select all, Ctrl+Shift+1 makes headings and a second Ctrl+Shift+1 makes them paragraphs again', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'toggles/select-all-heading');
  await threeParagraphs(alice);
  await alice.page.keyboard.press('Control+a');
  await alice.page.keyboard.press('Control+Shift+1');
  await expect.poll(() => blocks(alice)).toEqual(['heading1:one', 'heading1:two', 'heading1:three']);
  // The button shows it (soft: the second press below is what matters most).
  await expect.soft(alice.page.locator('.toolbar [data-command="h1"]')).toHaveAttribute('aria-pressed', 'true', { timeout: 2_000 });

  await alice.page.keyboard.press('Control+Shift+1');
  await expect.poll(() => blocks(alice)).toEqual(['paragraph:one', 'paragraph:two', 'paragraph:three']);
  expect(alice.errors).toEqual([]);
});

test('after Select all, Ctrl+Shift+\\ makes code blocks and a second Ctrl+Shift+\\ makes them paragraphs again', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'toggles/select-all-code');
  await threeParagraphs(alice);
  await alice.page.keyboard.press('Control+a');
  await alice.page.keyboard.press('Control+Shift+\\');
  await expect.poll(() => blocks(alice)).toEqual(['code_block:one', 'code_block:two', 'code_block:three']);
  await expect(alice.page.locator('.toolbar [data-command="codeBlock"]')).toHaveAttribute('aria-pressed', 'true');

  await alice.page.keyboard.press('Control+a');
  await alice.page.keyboard.press('Control+Shift+\\');
  await expect.poll(() => blocks(alice)).toEqual(['paragraph:one', 'paragraph:two', 'paragraph:three']);
  await expect(alice.page.locator('.toolbar [data-command="codeBlock"]')).toHaveAttribute('aria-pressed', 'false');
  expect(alice.errors).toEqual([]);
});

test('the bullet and numbered list buttons in a task list make it that kind of list, its text kept', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'toggles/task-to-list');
  await alice.focusEnd();
  await alice.type('[ ] one');
  await alice.page.keyboard.press('Enter');
  await alice.type('two');
  await expect.poll(() => blocks(alice)).toEqual(['task_list>task_item>paragraph:one', 'task_list>task_item>paragraph:two']);

  await alice.page.keyboard.press('Control+Shift+8');
  await expect.poll(() => blocks(alice)).toEqual(['bullet_list>list_item>paragraph:one', 'bullet_list>list_item>paragraph:two']);
  await alice.type('!'); // the caret stayed where it was, at the end of "two"
  await expect.poll(() => blocks(alice)).toEqual(['bullet_list>list_item>paragraph:one', 'bullet_list>list_item>paragraph:two!']);
  expect(alice.errors).toEqual([]);
});

test('the numbered list button on a heading made from a numbered item brings it back into the list, numbered on', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'toggles/heading-back-to-list');
  await alice.focusEnd();
  await alice.type('1. one');
  await alice.page.keyboard.press('Enter');
  await alice.type('Plan');
  await alice.page.keyboard.press('Enter');
  await alice.type('three');
  await alice.select('Plan');
  await alice.toolbar('h1');
  await expect.poll(() => blocks(alice)).toEqual(['ordered_list>list_item>paragraph:one', 'heading1:Plan', 'ordered_list>list_item>paragraph:three']);
  // The way back, as in Google Docs: the list button on the heading. It did nothing (a heading cannot be a list item's first block).
  await alice.toolbar('orderedList');
  await expect
    .poll(() => blocks(alice))
    .toEqual(['ordered_list>list_item>paragraph:one', 'ordered_list>list_item>paragraph:Plan', 'ordered_list>list_item>paragraph:three']);
  // One list, numbered 1, 2, 3: not a list of its own numbered 1 between the two.
  await expect(alice.editor.locator('ol')).toHaveCount(1);
  expect(alice.errors).toEqual([]);
});

test('the list buttons on a line between or after items of that kind of list make it one more item of that list', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'toggles/join-neighbours');
  await alice.focusEnd();
  await alice.type('1. one');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.press('Enter');
  await alice.type('two');
  await alice.page.keyboard.press('Enter');
  await alice.type('2. three');
  await expect.poll(() => blocks(alice)).toEqual(['ordered_list>list_item>paragraph:one', 'paragraph:two', 'ordered_list>list_item>paragraph:three']);
  await alice.caretAt(1, 0);
  await alice.page.keyboard.press('Control+Shift+7');
  await expect.poll(() => blocks(alice)).toEqual(['ordered_list>list_item>paragraph:one', 'ordered_list>list_item>paragraph:two', 'ordered_list>list_item>paragraph:three']);
  // Numbered 1, 2, 3, as one list: it was a list of its own numbered 1, between "1. one" and "2. three".
  await expect(alice.editor.locator('ol')).toHaveCount(1);

  // A bullet after a bulleted list: one more item of it, so Tab indents it (the first item of a list of its own cannot be).
  await alice.page.keyboard.press('Control+a');
  await alice.page.keyboard.press('Delete');
  await alice.type('- one');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.press('Enter');
  await alice.type('two');
  await alice.page.keyboard.press('Control+Shift+8');
  await expect.poll(() => blocks(alice)).toEqual(['bullet_list>list_item>paragraph:one', 'bullet_list>list_item>paragraph:two']);
  await expect(alice.editor.locator('ul')).toHaveCount(1);
  await alice.page.keyboard.press('Tab');
  await expect.poll(() => blocks(alice)).toEqual(['bullet_list>list_item>paragraph:one', 'bullet_list>list_item>bullet_list>list_item>paragraph:two']);
  expect(alice.errors).toEqual([]);
});

test('the numbered list button pressed twice on the first item takes its number off and puts it back: one list, 1, 2, 3', async ({ server, person }) => {
  // Put back, it was a list of its own above the rest, numbered 1 as they were ("1. one", "1. two", "2. three";
  // found by an exploratory run): a line just above a list of that kind joins it, as one just below does.
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'toggles/first-item-off-on');
  await typeLines(alice, ['1. one', 'two', 'three']);
  await alice.caretInTextblock(0, 0);
  await alice.page.keyboard.press('Control+Shift+7');
  await expect.poll(() => blocks(alice)).toEqual(['paragraph:one', 'ordered_list>list_item>paragraph:two', 'ordered_list>list_item>paragraph:three']);
  await alice.page.keyboard.press('Control+Shift+7');
  await expect.poll(() => blocks(alice)).toEqual(['one', 'two', 'three'].map((t) => `ordered_list>list_item>paragraph:${t}`));
  await expect(alice.editor.locator('ol')).toHaveCount(1);
  await expect(alice.editor.locator('ol')).not.toHaveAttribute('start', /./);
  expect(alice.errors).toEqual([]);
});

test('a list button over lines and a list side by side makes one flat list, each line an item, whichever comes first', async ({ server, person }) => {
  // The list went into the first line's item, its items a level down; with the list first, the button did
  // nothing (found by an exploratory run). Google Docs makes one list, every line at one level.
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'toggles/lines-and-a-list');
  await typeLines(alice, ['Intro', '- two', 'three']);
  await alice.page.keyboard.press('Control+a');
  await alice.page.keyboard.press('Control+Shift+8');
  await expect.poll(() => blocks(alice)).toEqual(['Intro', 'two', 'three'].map((t) => `bullet_list>list_item>paragraph:${t}`));
  await expect(alice.editor.locator('ul')).toHaveCount(1);

  // The list first, a line after it, numbered.
  await alice.page.keyboard.press('Control+a');
  await alice.page.keyboard.press('Delete');
  await typeLines(alice, ['- one', 'two', '', 'Outro']);
  await expect.poll(() => blocks(alice)).toEqual(['bullet_list>list_item>paragraph:one', 'bullet_list>list_item>paragraph:two', 'paragraph:Outro']);
  await alice.page.keyboard.press('Control+a');
  await alice.page.keyboard.press('Control+Shift+7');
  await expect.poll(() => blocks(alice)).toEqual(['one', 'two', 'Outro'].map((t) => `ordered_list>list_item>paragraph:${t}`));
  await expect(alice.editor.locator('ol')).toHaveCount(1);
  // A second press takes the list off, as after Select all on a list.
  await alice.page.keyboard.press('Control+a');
  await alice.page.keyboard.press('Control+Shift+7');
  await expect.poll(() => blocks(alice)).toEqual(['paragraph:one', 'paragraph:two', 'paragraph:Outro']);
  expect(alice.errors).toEqual([]);
});

test('a numbered item taken out of the middle of its list (Shift+Tab, the list button, Enter on it empty): the items after it number on', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'toggles/number-on');
  await alice.focusEnd();
  await alice.type('1. one');
  await alice.page.keyboard.press('Enter');
  await alice.type('two');
  await alice.page.keyboard.press('Enter');
  await alice.type('three');
  const split = ['ordered_list>list_item>paragraph:one', 'paragraph:two', 'ordered_list>list_item>paragraph:three'];
  // "three" is numbered 2, as in Google Docs: it was numbered 1 again, a list of its own.
  const numberedOn = async () => {
    await expect.poll(() => blocks(alice)).toEqual(split);
    await expect(alice.editor.locator('ol').nth(1)).toHaveAttribute('start', '2');
  };

  await alice.select('two');
  await alice.page.keyboard.press('Shift+Tab');
  await numberedOn();
  // The list button back on it: one list again, numbered 1, 2, 3.
  await alice.toolbar('orderedList');
  await expect.poll(() => blocks(alice)).toEqual(['ordered_list>list_item>paragraph:one', 'ordered_list>list_item>paragraph:two', 'ordered_list>list_item>paragraph:three']);
  await expect(alice.editor.locator('ol')).toHaveCount(1);

  await alice.toolbar('orderedList');
  await numberedOn();
  await alice.page.keyboard.press('Control+z');
  await expect(alice.editor.locator('ol')).toHaveCount(1);

  // Enter on an empty item between two others.
  await alice.select('one');
  await alice.page.keyboard.press('End');
  await alice.selectionRead();
  await alice.page.keyboard.press('Enter');
  await expect.poll(() => blocks(alice)).toEqual(['ordered_list>list_item>paragraph:one', 'ordered_list>list_item>paragraph:', 'ordered_list>list_item>paragraph:two', 'ordered_list>list_item>paragraph:three']);
  await alice.page.keyboard.press('Enter');
  await expect.poll(() => blocks(alice)).toEqual(['ordered_list>list_item>paragraph:one', 'paragraph:', 'ordered_list>list_item>paragraph:two', 'ordered_list>list_item>paragraph:three']);
  await expect(alice.editor.locator('ol').nth(1)).toHaveAttribute('start', '2');
  expect(alice.errors).toEqual([]);
});

test('after Select all over a paragraph and a list, Ctrl+Shift+1 makes every line a heading, and a second press paragraphs again', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'toggles/select-all-heading-list');
  await alice.focusEnd();
  await alice.type('Title');
  await alice.page.keyboard.press('Enter');
  await alice.type('1. one');
  await alice.page.keyboard.press('Enter');
  await alice.type('two');
  await expect.poll(() => blocks(alice)).toEqual(['paragraph:Title', 'ordered_list>list_item>paragraph:one', 'ordered_list>list_item>paragraph:two']);
  await alice.page.keyboard.press('Control+a');
  await alice.page.keyboard.press('Control+Shift+1');
  // The list's lines leave it as headings, as one item's line does: they stayed list items, so the
  // button never showed pressed and a second press did nothing at all.
  await expect.poll(() => blocks(alice)).toEqual(['heading1:Title', 'heading1:one', 'heading1:two']);
  await alice.page.keyboard.press('Control+Shift+1');
  await expect.poll(() => blocks(alice)).toEqual(['paragraph:Title', 'paragraph:one', 'paragraph:two']);
  expect(alice.errors).toEqual([]);
});

test('lines selected in the middle of a numbered list made headings: the items after them number on', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'toggles/range-heading-number-on');
  await alice.focusEnd();
  await alice.type('1. one');
  for (const text of ['two', 'three', 'four']) {
    await alice.page.keyboard.press('Enter');
    await alice.type(text);
  }
  await alice.select('two');
  await alice.page.keyboard.press('Shift+ArrowDown');
  await alice.selectionRead();
  await alice.page.keyboard.press('Control+Shift+1');
  await expect.poll(() => blocks(alice)).toEqual(['ordered_list>list_item>paragraph:one', 'heading1:two', 'heading1:three', 'ordered_list>list_item>paragraph:four']);
  // "four" is numbered 2, as one heading made there numbers it: it was numbered 1 again, a list of its own.
  await expect(alice.editor.locator('ol').nth(1)).toHaveAttribute('start', '2');
  expect(alice.errors).toEqual([]);
});

test('Google Docs\' shortcuts: Ctrl+Shift+7 numbers, 8 bullets, 9 makes a checklist; Ctrl+Alt+1–3 headings, Ctrl+Alt+0 normal text', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'toggles/docs-shortcuts');
  await alice.focusEnd();
  await alice.type('line');
  const steps: Array<[key: string, block: string]> = [
    ['Control+Shift+7', 'ordered_list>list_item>paragraph:line'],
    ['Control+Shift+7', 'paragraph:line'],
    ['Control+Shift+9', 'task_list>task_item>paragraph:line'],
    ['Control+Shift+9', 'paragraph:line'],
    ['Control+Shift+8', 'bullet_list>list_item>paragraph:line'],
    ['Control+Shift+8', 'paragraph:line'],
    ['Control+Alt+2', 'heading2:line'],
    ['Control+Alt+3', 'heading3:line'],
    ['Control+Alt+0', 'paragraph:line'],
    ['Control+Alt+1', 'heading1:line'],
  ];
  for (const [key, block] of steps) {
    await alice.page.keyboard.press(key);
    await expect.poll(() => blocks(alice), { message: key }).toEqual([block]);
  }
  // The toolbar tells the same keys.
  await expect(alice.page.locator('.toolbar [data-command="orderedList"]')).toHaveAttribute('title', /Ctrl\+Shift\+7/);
  await expect(alice.page.locator('.toolbar [data-command="h1"]')).toHaveAttribute('title', /Ctrl\+Alt\+1/);
  expect(alice.errors).toEqual([]);
});

test('a numbered list going on after a line taken out of it keeps numbering on as items are added above, for both people', async ({ pair }) => {
  const { alice, bob } = await pair('toggles/number-on-grows');
  await alice.focusEnd();
  await alice.type('1. Preheat oven');
  for (const line of ['Mix flour', 'Note: use fresh eggs.', 'Bake', 'Serve']) {
    await alice.page.keyboard.press('Enter');
    await alice.type(line);
  }
  await alice.select('Note: use fresh eggs.');
  await alice.page.keyboard.press('Shift+Tab');
  await expect(alice.editor.locator('ol').nth(1)).toHaveAttribute('start', '3');

  await alice.select('Mix flour');
  await alice.page.keyboard.press('End');
  await alice.selectionRead();
  await alice.page.keyboard.press('Enter');
  await alice.type('Add eggs');
  // "Bake" is step 4 now: it stayed 3 ("3. Add eggs", "3. Bake"; found by an exploratory review).
  for (const who of [alice, bob]) {
    await expect(who.editor.locator('ol').nth(0).locator('li')).toHaveText(['Preheat oven', 'Mix flour', 'Add eggs']);
    await expect(who.editor.locator('ol').nth(1)).toHaveAttribute('start', '4');
  }
  // And back to 3 when the step is taken out again (Ctrl+Z: its words, then its line).
  await alice.page.keyboard.press('Control+z');
  await expect(alice.editor.locator('ol').nth(0).locator('li')).toHaveText(['Preheat oven', 'Mix flour', '']);
  await alice.page.keyboard.press('Control+z');
  for (const who of [alice, bob]) {
    await expect(who.editor.locator('ol').nth(0).locator('li')).toHaveText(['Preheat oven', 'Mix flour']);
    await expect(who.editor.locator('ol').nth(1)).toHaveAttribute('start', '3');
  }
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('Backspace in the empty line made by Enter twice inside a numbered list makes it one list again', async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'toggles/number-mend');
  await alice.focusEnd();
  await alice.type('1. one');
  for (const line of ['two', 'three']) {
    await alice.page.keyboard.press('Enter');
    await alice.type(line);
  }
  await alice.select('two');
  await alice.page.keyboard.press('End');
  await alice.selectionRead();
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.press('Enter'); // an empty line between "two" and "three", the list numbering on
  await expect.poll(() => blocks(alice)).toEqual(['ordered_list>list_item>paragraph:one', 'ordered_list>list_item>paragraph:two', 'paragraph:', 'ordered_list>list_item>paragraph:three']);
  await expect(alice.editor.locator('ol')).toHaveCount(2);
  await alice.page.keyboard.press('Backspace');
  // One list, 1 to 3, as before the Enters (before: two lists side by side, the second starting at 3).
  await expect.poll(() => blocks(alice)).toEqual(['ordered_list>list_item>paragraph:one', 'ordered_list>list_item>paragraph:two', 'ordered_list>list_item>paragraph:three']);
  await expect(alice.editor.locator('ol')).toHaveCount(1);
  await alice.type('!');
  await expect.poll(() => alice.blocks()).toEqual(['one', 'two!', 'three']);
  expect(alice.errors).toEqual([]);
});
