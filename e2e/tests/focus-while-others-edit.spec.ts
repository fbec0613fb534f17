// Someone working from the keyboard, focus on a button, while someone else's change redraws or hides that
// button: focus dropped to the page itself, and the next Tab started again from the top of the page (found by
// an exploratory review). Focus now stays on the same button when it is drawn again, and goes to the nearest
// place that still makes sense when the button goes away: the text for the link popover, the nearest button
// for the toolbar.

import { writeShared, type EditorPage } from '../fixtures/editor-page.js';
import { focused } from '../fixtures/focus.js';
import { sharedLink as linked } from '../fixtures/links.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

/** `p`'s caret inside the link ("h|ere"), then Tab into its popover and on to `button`. */
async function onPopoverButton(p: EditorPage, button: 'Open' | 'Edit' | 'Remove'): Promise<void> {
  await p.select('ere');
  await p.editor.focus();
  await p.page.keyboard.press('ArrowLeft');
  await p.selectionRead();
  await p.page.keyboard.press('Tab');
  for (let i = ['Open', 'Edit', 'Remove'].indexOf(button); i > 0; i--) await p.page.keyboard.press('Tab');
  expect(await focused(p.page)).toBe(`popover:${button}`);
}

test('the link popover redrawn for a new address under a focused button: focus stays on that button', async ({ pair }) => {
  const { alice, bob } = await pair('focus/popover-redrawn');
  await linked(alice, bob);
  await onPopoverButton(alice, 'Remove');
  await onPopoverButton(bob, 'Edit');
  await bob.page.keyboard.press('Enter');
  await bob.page.keyboard.press('Control+a');
  await bob.page.keyboard.insertText('example.org/b');
  await bob.page.keyboard.press('Enter');
  await expect(alice.page.getByTestId('link-popover')).toContainText('https://example.org/b');
  expect(await focused(alice.page)).toBe('popover:Remove');
  // And the button still works, on the link as it is now.
  await alice.page.keyboard.press('Enter');
  await expect(bob.editor.locator('a')).toHaveCount(0);
  expect(await focused(alice.page)).toBe('editor');
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('the link removed by someone else while its popover button has focus: focus goes back to the text', async ({ pair }) => {
  const { alice, bob } = await pair('focus/popover-gone');
  await linked(alice, bob);
  await onPopoverButton(alice, 'Edit');
  await onPopoverButton(bob, 'Remove');
  await bob.page.keyboard.press('Enter');
  await expect(alice.editor.locator('a')).toHaveCount(0);
  await expect(alice.page.getByTestId('link-popover')).toBeHidden();
  await expect.poll(() => focused(alice.page)).toBe('editor');
  // Where her caret was: h|ere.
  await alice.page.keyboard.insertText('X');
  await expect.poll(() => bob.blocks()).toEqual(['Go hXere now']);
});

test('a focused toolbar button hidden by someone else’s change: focus goes to the nearest button, arrows go on from there', async ({ pair }) => {
  const { alice, bob } = await pair('focus/toolbar-hidden');
  await writeShared(alice, bob, ['Above']);
  await alice.caretAt(0, 5);
  await alice.page.keyboard.press('Enter');
  await alice.toolbar('insertTable');
  await alice.type('cell');
  await expect.poll(async () => (await bob.blocks()).slice(0, 2)).toEqual(['Above', 'cell']);
  // Alice goes to the toolbar and on to Add row.
  await alice.page.keyboard.press('Escape');
  await alice.page.keyboard.press('Shift+Tab');
  await alice.page.locator('.toolbar [data-command="addRowAfter"]').focus();
  expect(await focused(alice.page)).toBe('toolbar:addRowAfter');
  // Bob deletes the table.
  await bob.caretInTextblock(1, 2);
  await bob.toolbar('deleteTable');
  await expect.poll(async () => (await alice.blocks()).includes('cell')).toBe(false);
  await expect(alice.page.locator('.toolbar [data-command="addRowAfter"]')).toBeHidden();
  await expect.poll(() => focused(alice.page)).toBe('toolbar:insertTable');
  await expect(alice.page.locator('.toolbar [tabindex="0"]')).toHaveAttribute('data-command', 'insertTable');
  await alice.page.keyboard.press('ArrowRight');
  expect(await focused(alice.page)).not.toBe('body');
  expect(alice.errors).toEqual([]);
});

test('a named version’s button in the history view keeps the keyboard while someone else types', async ({ pair }) => {
  const { alice, bob } = await pair('focus/named-versions');
  await writeShared(alice, bob, ['Draft one.']);
  await alice.expectSaved();
  const named = await alice.headSeq('focus/named-versions');
  await alice.nameVersion('Draft');
  await alice.page.getByRole('button', { name: 'History' }).click();
  const draft = alice.page.locator('.named-versions button', { hasText: 'Draft' });
  await draft.focus();
  const slider = alice.page.getByTestId('history-slider');
  const max = Number(await slider.getAttribute('max'));
  // Bob types; Alice's history view reads the new versions (a refresh about a second after the typing stops).
  await bob.caretAt(0, 10);
  await bob.type(' And two.');
  await bob.expectSaved();
  await expect.poll(async () => Number(await slider.getAttribute('max'))).toBeGreaterThan(max);
  await expect(draft).toBeFocused();
  await alice.page.keyboard.press('Enter');
  await expect(alice.page.getByTestId('history-document')).toHaveAttribute('data-seq', String(named));
  expect(alice.errors).toEqual([]);
});
