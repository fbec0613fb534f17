// Undo steps as people expect them: a step ends at a pause in typing, a new sentence, a new line or
// a change of formatting; redo brings back exactly what undo took. Keyboard only.

import { expect, test } from '../fixtures/tandem.js';
import { type EditorPage, writeShared } from '../fixtures/editor-page.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

// Text mostly arrives as one input event per chunk (as from an input method): each chunk is one
// change however slow the machine, so a step's end comes from the rule under test, never from a
// loaded machine's second-long gap between keys. The test of typing in one go types key by key, well
// within the pause (15 ms between keys against 1 s); pauses are well beyond it (2.5 s).
const KEY_DELAY = 15;
const PAUSE_MS = 2_500;

/** A person stopping to think: the behaviour under test, not a wait for something to happen. */
const pause = (person: EditorPage) => person.page.waitForTimeout(PAUSE_MS);
const undo = (person: EditorPage) => person.page.keyboard.press('Control+z');
const redo = (person: EditorPage) => person.page.keyboard.press('Control+Shift+z');

test('a pause in typing ends an undo step: one Ctrl+Z takes back only the sentence typed after it', async ({ person, server }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'undo-pause');
  await alice.focusEnd();
  await alice.page.keyboard.insertText('The first sentence.');
  await pause(alice);
  await alice.page.keyboard.insertText(' The second one.');
  await expect.poll(() => alice.text()).toBe('The first sentence. The second one.');

  await undo(alice);
  await expect.poll(() => alice.text()).toBe('The first sentence.');
  await undo(alice);
  await expect.poll(() => alice.text()).toBe('');
  await redo(alice);
  await expect.poll(() => alice.text()).toBe('The first sentence.');
  await redo(alice);
  await expect.poll(() => alice.text()).toBe('The first sentence. The second one.');
  expect(alice.errors).toEqual([]);
});

test('typing without a pause is one undo step', async ({ person, server }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'undo-burst');
  await alice.focusEnd();
  await alice.type('Typed in one go', KEY_DELAY);
  await undo(alice);
  await expect.poll(() => alice.text()).toBe('');
  expect(alice.errors).toEqual([]);
});

test('a new sentence starts a new undo step, even without a pause', async ({ person, server }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'undo-sentence');
  await alice.focusEnd();
  // Typed character by character in one task of the page: no pause at all, however slow the machine.
  await alice.page.evaluate((text) => {
    type View = { state: { tr: { insertText(text: string): unknown } }; dispatch(tr: unknown): void };
    const { view } = (window as unknown as { tandem: { view: View } }).tandem;
    for (const ch of text) view.dispatch(view.state.tr.insertText(ch));
  }, 'One. Two? Three');
  await undo(alice);
  await expect.poll(() => alice.text()).toBe('One. Two? ');
  await undo(alice);
  await expect.poll(() => alice.text()).toBe('One. ');
  await redo(alice);
  await expect.poll(() => alice.text()).toBe('One. Two? ');
  expect(alice.errors).toEqual([]);
});

test('Enter ends an undo step and begins the next: one Ctrl+Z takes back the new line with its text', async ({ person, server }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'undo-enter');
  await alice.focusEnd();
  await alice.page.keyboard.insertText('First line');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('Second line');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('Third line');
  await expect.poll(() => alice.text()).toBe('First line\nSecond line\nThird line');

  await undo(alice);
  await expect.poll(() => alice.text()).toBe('First line\nSecond line');
  await undo(alice);
  await expect.poll(() => alice.text()).toBe('First line');
  await undo(alice);
  await expect.poll(() => alice.text()).toBe('');
  await redo(alice);
  await expect.poll(() => alice.text()).toBe('First line');
  await redo(alice);
  await expect.poll(() => alice.text()).toBe('First line\nSecond line');
  await redo(alice);
  await expect.poll(() => alice.text()).toBe('First line\nSecond line\nThird line');
  expect(alice.errors).toEqual([]);
});

test('a formatting change ends an undo step, even while typing fast', async ({ person, server }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'undo-bold');
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Plain then ');
  await alice.page.keyboard.press('Control+b');
  await alice.page.keyboard.insertText('bold');
  await expect.poll(() => alice.texts('strong')).toEqual(['bold']);

  await undo(alice);
  await expect.poll(() => alice.text()).toBe('Plain then ');
  await undo(alice);
  await expect.poll(() => alice.text()).toBe('');
  await redo(alice);
  await expect.poll(() => alice.text()).toBe('Plain then ');
  await redo(alice);
  await expect.poll(() => alice.text()).toBe('Plain then bold');
  await expect.poll(() => alice.texts('strong')).toEqual(['bold']);

  // Bolding a selection is its own step too: undo takes back the bold, not the words.
  await alice.page.keyboard.press('Home');
  await alice.page.keyboard.press('Control+Shift+ArrowRight');
  await alice.page.keyboard.press('Control+b');
  await expect.poll(() => alice.texts('strong')).toEqual(['Plain', 'bold']);
  await undo(alice);
  await expect.poll(() => alice.texts('strong')).toEqual(['bold']);
  await expect.poll(() => alice.text()).toBe('Plain then bold');
  expect(alice.errors).toEqual([]);
});

test('a link added with Ctrl+K and nothing selected is a step of its own: Ctrl+Z takes back the words typed right after it first', async ({ person, server }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'undo-link');
  await alice.focusEnd();
  await alice.page.keyboard.insertText('See ');
  await alice.page.keyboard.press('Control+k');
  const field = alice.page.getByRole('textbox', { name: 'Link address' });
  await expect(field).toBeFocused();
  await field.fill('example.com');
  await alice.page.keyboard.press('Enter');
  await expect(alice.editor).toBeFocused();
  await alice.page.keyboard.insertText(' more');
  await expect.poll(() => alice.text()).toBe('See example.com more');

  await undo(alice);
  await expect.poll(() => alice.text()).toBe('See example.com');
  await expect(alice.editor.locator('a')).toHaveAttribute('href', 'https://example.com');
  await undo(alice);
  await expect.poll(() => alice.text()).toBe('See ');
  await redo(alice);
  await expect(alice.editor.locator('a')).toHaveText('example.com');
  expect(alice.errors).toEqual([]);
});

test('Ctrl+B right after the selection moved bolds the new selection, even before the browser reported the move', async ({ person, server }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'bold-fresh-selection');
  await alice.focusEnd();
  await alice.page.keyboard.insertText('Plain then bold');
  await expect.poll(() => alice.text()).toBe('Plain then bold');
  // A busy page handles the next key before the "selectionchange" of the last one (Chromium runs
  // input ahead of other tasks). Reproduced deterministically: the selection moves and the key
  // arrives in one task of the page, so the selectionchange event can only come after the key.
  await alice.editor.evaluate((el) => {
    const selection = getSelection()!;
    selection.modify('move', 'backward', 'lineboundary');
    selection.modify('extend', 'forward', 'word');
    el.dispatchEvent(new KeyboardEvent('keydown', { key: 'b', code: 'KeyB', keyCode: 66, ctrlKey: true, bubbles: true, cancelable: true }));
  });
  await expect.poll(() => alice.texts('strong')).toEqual(['Plain']);
  expect(alice.errors).toEqual([]);
});

test('a toolbar button pressed right after the caret moved acts where the caret is now, even before the browser reported the move', async ({ person, server }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'toolbar-fresh-selection');
  await alice.focusEnd();
  await alice.type('- one');
  await alice.page.keyboard.press('Enter');
  await alice.type('two');
  await expect.poll(() => alice.blocks()).toEqual(['one', 'two']);
  // As above: the caret moves and the button is pressed in one task of the page, so the "selectionchange"
  // can only come after the press (a pointer is slower than that; a busy page, or a test, is not).
  await alice.editor.evaluate((el) => {
    const selection = getSelection()!;
    selection.collapse(el.querySelector('li p')!.firstChild, 1);
    document.querySelector('.toolbar [data-command="h1"]')!.dispatchEvent(new MouseEvent('mousedown', { bubbles: true, cancelable: true }));
  });
  await expect(alice.editor.locator('h1')).toHaveText('one');
  await expect(alice.editor.locator('li')).toHaveText('two');
  expect(alice.errors).toEqual([]);
});

// Found while testing undo after others' changes: with nothing to redo, the key went on to the browser,
// whose own redo of the editable page changed the document behind the editor: the last line was gone.
test('Ctrl+Shift+Z, Ctrl+Y or Ctrl+Z with nothing to redo or undo changes nothing', async ({ pair }) => {
  const { alice, bob } = await pair('undo/nothing-to-redo');
  await writeShared(alice, bob, ['Hello', 'end']);
  await alice.caretAt(0, 5);
  for (const key of ['Control+Shift+z', 'Control+y']) {
    await alice.page.keyboard.press(key);
    await alice.page.waitForTimeout(300);
    expect(await alice.blocks()).toEqual(['Hello', 'end']);
  }
  // Bob's page has nothing of his own to take back either.
  await bob.caretAt(1, 3);
  await bob.page.keyboard.press('Control+z');
  await bob.page.keyboard.press('Control+Shift+z');
  await bob.page.waitForTimeout(300);
  expect(await bob.blocks()).toEqual(['Hello', 'end']);
  await expect.poll(() => alice.blocks()).toEqual(['Hello', 'end']);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

// Found by an exploratory run: typing over a selection from one line into the next made the first letter a
// step of its own with the joining of the lines, so Ctrl+Z left "X" of "XYZ" (a second Ctrl+Z brought the
// lines back). As over a selection within one line, one Ctrl+Z takes back the typing and brings back the text.
test('typing over a selection across lines is one undo step with the letters typed after it', async ({ person, server }) => {
  const alice = await person('Alice', '#e11d48');
  await alice.open(server.url, 'undo-typed-over-lines');
  await alice.focusEnd();
  await alice.page.keyboard.insertText('one two');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('three four');
  await pause(alice);
  // From "two" in the first line to "three" in the second (keyboard: Shift+Down, then Shift+Right past "three").
  await alice.caretInTextblock(0, 4);
  await alice.page.keyboard.press('Shift+ArrowDown');
  await alice.page.keyboard.press('Shift+End');
  await alice.page.keyboard.press('Shift+Home');
  for (let i = 0; i < 5; i++) await alice.page.keyboard.press('Shift+ArrowRight');
  await alice.page.keyboard.type('XYZ', { delay: KEY_DELAY });
  await expect.poll(() => alice.text()).toBe('one XYZ four');

  await undo(alice);
  await expect.poll(() => alice.text()).toBe('one two\nthree four');
  await redo(alice);
  await expect.poll(() => alice.text()).toBe('one XYZ four');

  // Everything selected (a paragraph and a list), then typed over: one Ctrl+Z brings it all back.
  await alice.page.keyboard.press('End');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.type('- item', { delay: KEY_DELAY });
  await expect.poll(() => alice.blocks()).toEqual(['one XYZ four', 'item']);
  await pause(alice);
  await alice.page.keyboard.press('Control+a');
  await alice.page.keyboard.type('replaced', { delay: KEY_DELAY });
  await expect.poll(() => alice.text()).toBe('replaced');
  await undo(alice);
  await expect.poll(() => alice.blocks()).toEqual(['one XYZ four', 'item']);
  expect(alice.errors).toEqual([]);
});
