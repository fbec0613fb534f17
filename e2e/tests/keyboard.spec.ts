// Keyboard-only editing: Tab inside the text, leaving the editor, and the formatting toolbar.

import type { Page } from '@playwright/test';
import { focused } from '../fixtures/focus.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

/** Escape, then Shift+Tab: out of the text, back to the toolbar just before it. */
const toToolbar = async (page: Page) => {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Shift+Tab');
};

test.describe('Tab in the text', () => {
  test('Tab and Shift+Tab indent and outdent a list item; focus and the name stay put', async ({ pair }) => {
    const { alice, bob } = await pair('tab-in-list');
    const keys = alice.page.keyboard;
    await alice.focusEnd();
    await alice.type('- one');
    await keys.press('Enter');
    await alice.type('two');
    await keys.press('Tab');
    expect(await focused(alice.page)).toBe('editor');
    await expect.poll(() => bob.texts('ul > li > ul > li')).toEqual(['two']);
    // What comes next is text, not a new name for Alice.
    await alice.type(' more');
    await expect.poll(() => bob.texts('ul > li > ul > li')).toEqual(['two more']);
    await expect(alice.page.getByTestId('my-name')).toHaveValue('Alice');
    expect(await bob.presence()).toEqual(['Alice', 'Bob (you)']);

    await keys.press('Shift+Tab');
    expect(await focused(alice.page)).toBe('editor');
    await expect.poll(() => bob.texts(':scope > ul > li')).toEqual(['one', 'two more']);
    await expect.poll(() => bob.texts('ul ul')).toEqual([]);
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });

  test('Tab in a code block inserts a tab; Shift+Tab takes one back off the line', async ({ person, server }) => {
    const alice = await person('Alice', '#e11d48');
    await alice.open(server.url, 'tab-in-code');
    const keys = alice.page.keyboard;
    await alice.focusEnd();
    await alice.type('```');
    await alice.type('if (x) {');
    await keys.press('Enter');
    await keys.press('Tab');
    await alice.type('go();');
    await expect.poll(() => alice.texts('pre')).toEqual(['if (x) {\n\tgo();']);
    await keys.press('Shift+Tab');
    await expect.poll(() => alice.texts('pre')).toEqual(['if (x) {\ngo();']);
    // No tab left at the start of the line: nothing happens, and focus stays.
    await keys.press('Shift+Tab');
    expect(await focused(alice.page)).toBe('editor');
    await alice.type('!');
    await expect.poll(() => alice.texts('pre')).toEqual(['if (x) {\ngo();!']);
    expect(alice.errors).toEqual([]);
  });

  test('indenting selected code lines with Tab and taking the tabs off with Shift+Tab are undo steps of their own', async ({ person, server }) => {
    const alice = await person('Alice', '#e11d48');
    await alice.open(server.url, 'tab-in-code-undo');
    const keys = alice.page.keyboard;
    await alice.focusEnd();
    await alice.type('```');
    await alice.type('one();');
    await keys.press('Enter');
    await alice.type('two();');
    await keys.press('Shift+ArrowUp');
    await keys.press('Tab');
    await expect.poll(() => alice.texts('pre')).toEqual(['\tone();\n\ttwo();']);
    await keys.press('Shift+Tab');
    await expect.poll(() => alice.texts('pre')).toEqual(['one();\ntwo();']);
    // Each Ctrl+Z takes back one of them, as in a code editor, not both at once (a step that changed nothing).
    await keys.press('Control+z');
    await expect.poll(() => alice.texts('pre')).toEqual(['\tone();\n\ttwo();']);
    await keys.press('Control+z');
    await expect.poll(() => alice.texts('pre')).toEqual(['one();\ntwo();']);
    expect(alice.errors).toEqual([]);
  });

  test('Tab in a paragraph does nothing and keeps focus in the text', async ({ person, server }) => {
    const alice = await person('Alice', '#e11d48');
    await alice.open(server.url, 'tab-in-text');
    await alice.focusEnd();
    await alice.type('Hello');
    await alice.page.keyboard.press('Tab');
    expect(await focused(alice.page)).toBe('editor');
    await alice.page.keyboard.press('Shift+Tab');
    expect(await focused(alice.page)).toBe('editor');
    await alice.type('!');
    await expect.poll(() => alice.text()).toBe('Hello!');
    await expect(alice.page.getByTestId('my-name')).toHaveValue('Alice');
  });

  test('Escape then Tab leaves the editor, and the editor says so', async ({ person, server }) => {
    const alice = await person('Alice', '#e11d48');
    await alice.open(server.url, 'escape-tab');
    const keys = alice.page.keyboard;
    await expect(alice.editor).toHaveAccessibleDescription(/Escape, then Tab/);
    await alice.focusEnd();
    await alice.type('- item');
    await keys.press('Escape');
    await keys.press('Tab');
    expect(await focused(alice.page)).toBe('comments');
    // Back in: the flag was one-shot, so Tab indents again (here: nothing to sink into, focus stays).
    await keys.press('Shift+Tab');
    expect(await focused(alice.page)).toBe('editor');
    await keys.press('Tab');
    expect(await focused(alice.page)).toBe('editor');
    await toToolbar(alice.page);
    expect(await focused(alice.page)).toMatch(/^toolbar:/);
    // Escape followed by typing leaves the flag behind: Tab is the editor's again.
    await keys.press('Tab');
    expect(await focused(alice.page)).toBe('editor');
    await keys.press('Escape');
    await alice.type('s');
    await keys.press('Tab');
    expect(await focused(alice.page)).toBe('editor');
    await expect.poll(() => alice.text()).toBe('items');
  });
});

test.describe('the toolbar from the keyboard', () => {
  // Two people and some forty key presses, each waited on: past the default timeout on a loaded machine.
  test.slow();

  test('one tab stop, arrows between buttons, Enter and Space apply, focus returns to the text', async ({ pair }) => {
    const { alice, bob } = await pair('toolbar-keys');
    const { page } = alice;
    const keys = page.keyboard;
    await alice.focusEnd();
    await alice.type('word');
    await expect.poll(() => bob.blocks()).toEqual(['word']);
    // The word is selected before the toolbar is reached (what Enter on a button will format). Bob's
    // cursor, drawn at the start of the line once his presence lands, adds word joiners to the selected
    // text. (A selection made just before his presence or sync landed used to collapse: see
    // selection-before-remote.spec.ts.)
    await keys.press('End');
    await keys.press('Shift+Home');
    await alice.selectionRead();
    expect(await page.evaluate(() => document.getSelection()?.toString().replace(/\u2060/g, ''))).toBe('word');
    await toToolbar(page);
    expect(await focused(page)).toBe('toolbar:bold');
    await expect(page.locator('.toolbar [tabindex="0"]')).toHaveCount(1);

    await keys.press('ArrowRight');
    expect(await focused(page)).toBe('toolbar:italic');
    await expect(page.locator('.toolbar [tabindex="0"]')).toHaveAttribute('data-command', 'italic');
    await keys.press('Enter');
    // Applied here first, then on Bob's page (a loaded machine delays his copy, not the result).
    await expect.poll(() => alice.texts('em')).toEqual(['word']);
    await expect.poll(() => bob.texts('em'), { timeout: 20_000 }).toEqual(['word']);
    expect(await focused(page)).toBe('editor');
    await expect(page.locator('.toolbar [data-command="italic"]')).toHaveAttribute('aria-pressed', 'true');

    // The toolbar remembers the last button; arrows wrap; Home and End.
    await toToolbar(page);
    expect(await focused(page)).toBe('toolbar:italic');
    await keys.press('ArrowLeft');
    await keys.press('ArrowLeft');
    expect(await focused(page)).toBe('toolbar:comment');
    await keys.press('ArrowRight');
    expect(await focused(page)).toBe('toolbar:bold');
    await keys.press('End');
    expect(await focused(page)).toBe('toolbar:comment');
    await keys.press('Home');
    expect(await focused(page)).toBe('toolbar:bold');
    await keys.press(' ');
    await expect.poll(() => bob.texts('strong')).toEqual(['word']);
    expect(await focused(page)).toBe('editor');

    // Tab from the toolbar goes on past it, not to the next button.
    await toToolbar(page);
    expect(await focused(page)).toBe('toolbar:bold');
    await keys.press('Tab');
    expect(await focused(page)).toBe('editor');
    expect(alice.errors).toEqual([]);
  });

  test('an unavailable button stays reachable, says so, and does nothing', async ({ pair }) => {
    const { alice, bob } = await pair('toolbar-unavailable');
    await bob.focusEnd();
    await bob.type('Bob: ');
    await expect.poll(() => alice.text()).toBe('Bob: ');
    const { page } = alice;
    const keys = page.keyboard;
    const undo = page.locator('.toolbar [data-command="undo"]');
    const redo = page.locator('.toolbar [data-command="redo"]');
    await alice.focusEnd();
    await toToolbar(page);
    await keys.press('End');
    // The last button is Comment (unavailable: nothing is selected); Redo is before it.
    expect(await focused(page)).toBe('toolbar:comment');
    await expect(page.locator('.toolbar [data-command="comment"]')).toHaveAttribute('aria-disabled', 'true');
    await keys.press('ArrowLeft');
    expect(await focused(page)).toBe('toolbar:redo');
    await expect(redo).toHaveAttribute('aria-disabled', 'true');
    await expect(redo).not.toHaveAttribute('disabled');
    await expect(redo).toBeDisabled();
    await keys.press('ArrowLeft');
    expect(await focused(page)).toBe('toolbar:undo');
    await expect(undo).toHaveAttribute('aria-disabled', 'true');
    // Nothing of Alice's to undo: Bob's text stays, and so does focus.
    await keys.press('Enter');
    expect(await focused(page)).toBe('toolbar:undo');

    await keys.press('Tab');
    expect(await focused(page)).toBe('editor');
    await alice.type('abc');
    await expect.poll(() => bob.text()).toBe('Bob: abc');
    await expect(undo).toHaveAttribute('aria-disabled', 'false');
    await toToolbar(page);
    expect(await focused(page)).toBe('toolbar:undo');
    await keys.press('Enter');
    await expect.poll(() => bob.text()).toBe('Bob: ');
    expect(await focused(page)).toBe('editor');
    await expect(redo).toHaveAttribute('aria-disabled', 'false');
    await toToolbar(page);
    await keys.press('ArrowRight');
    await keys.press('Enter');
    await expect.poll(() => bob.text()).toBe('Bob: abc');
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
});
