// The link field stays open while the person types an address; meanwhile someone else may delete the words it
// was opened for, or remove the link it was opened in. Enter then inserted the typed address as linked text
// where the caret had been left, in the middle of the next words ("Go he**example.org/z**re now"; found by an
// exploratory review). The field now applies to what it was opened for, and when that is gone it changes
// nothing and says why; Esc closes it.

import { writeShared, type EditorPage } from '../fixtures/editor-page.js';
import { sharedLink } from '../fixtures/links.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

const field = (p: EditorPage) => p.page.getByRole('textbox', { name: 'Link address' });
const links = (p: EditorPage) =>
  p.page.evaluate(() => {
    const { view } = (window as unknown as { tandem: { view: import('prosemirror-view').EditorView } }).tandem;
    const found: Array<[string, string]> = [];
    view.state.doc.descendants((node) => {
      const mark = node.marks.find((m) => m.type.name === 'link');
      if (node.isText && mark !== undefined) found.push([node.text ?? '', String(mark.attrs.href)]);
    });
    return found;
  });

/** Alice selects `words` (or puts her caret in them), opens the link field and types `address` into it. */
async function openFieldOn(alice: EditorPage, words: string, address: string, caretInside = false): Promise<void> {
  await alice.select(caretInside ? words.slice(1) : words);
  await alice.editor.focus();
  if (caretInside) await alice.page.keyboard.press('ArrowLeft'); // w|ords
  await alice.selectionRead();
  await alice.page.keyboard.press('Control+k');
  await expect(field(alice)).toBeFocused();
  await alice.page.keyboard.press('Control+a');
  await alice.page.keyboard.insertText(address);
}

test('the words selected for a link deleted by someone else meanwhile: Enter adds nothing and says why', async ({ pair }) => {
  const { alice, bob } = await pair('link-field/words-deleted');
  await writeShared(alice, bob, ['alpha beta gamma']);
  await openFieldOn(alice, 'beta', 'example.com');
  await bob.select('beta ');
  await bob.editor.focus();
  await bob.page.keyboard.press('Backspace');
  await expect.poll(() => alice.blocks()).toEqual(['alpha gamma']);
  await alice.page.keyboard.press('Enter');
  await expect(alice.page.getByRole('alert')).toContainText('deleted');
  await expect(field(alice)).toBeFocused();
  await expect(field(alice)).not.toHaveAttribute('aria-invalid', 'true'); // the address is fine; its words are gone
  await alice.page.keyboard.press('Escape');
  await expect(field(alice)).toHaveCount(0);
  await expect(alice.editor).toBeFocused();
  await alice.expectSaved();
  await expect.poll(() => bob.blocks()).toEqual(['alpha gamma']);
  expect(await alice.blocks()).toEqual(['alpha gamma']);
  expect(await links(alice)).toEqual([]);
  expect(await links(bob)).toEqual([]);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('the link being edited removed by someone else meanwhile: Enter adds nothing and says why', async ({ pair }) => {
  const { alice, bob } = await pair('link-field/link-removed');
  await sharedLink(alice, bob);
  await openFieldOn(alice, 'here', 'example.org/z', true);
  await expect(field(alice)).toHaveValue('example.org/z');
  // Bob removes the link from the popover, as people do.
  await bob.select('ere');
  await bob.editor.focus();
  await bob.page.keyboard.press('ArrowLeft');
  await bob.page.getByTestId('link-popover').getByRole('button', { name: 'Remove' }).click();
  await expect.poll(() => links(alice)).toEqual([]);
  await alice.page.keyboard.press('Enter');
  await expect(alice.page.getByRole('alert')).toContainText('removed');
  await alice.page.keyboard.press('Escape');
  await expect(field(alice)).toHaveCount(0);
  await alice.expectSaved();
  await expect.poll(() => bob.blocks()).toEqual(['Go here now']);
  expect(await alice.blocks()).toEqual(['Go here now']);
  expect(await links(alice)).toEqual([]);
  expect(await links(bob)).toEqual([]);
});

test('others typing elsewhere while the field is open: Enter still links the words it was opened for', async ({ pair }) => {
  const { alice, bob } = await pair('link-field/others-type');
  await writeShared(alice, bob, ['alpha beta gamma', 'second line']);
  await openFieldOn(alice, 'beta', 'example.com');
  await bob.caretAt(0, 0);
  await bob.page.keyboard.insertText('Say ');
  await bob.caretAt(1, 6);
  await bob.page.keyboard.press('Enter');
  await expect.poll(() => alice.blocks()).toEqual(['Say alpha beta gamma', 'second', ' line']);
  await alice.page.keyboard.press('Enter');
  await expect(field(alice)).toHaveCount(0);
  await expect.poll(() => links(bob)).toEqual([['beta', 'https://example.com']]);
  expect(await alice.blocks()).toEqual(['Say alpha beta gamma', 'second', ' line']);
});
