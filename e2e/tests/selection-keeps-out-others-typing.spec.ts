// Alice selects words; Bob, his caret right after them, types. Alice's selection took in what he typed (it was
// kept through his change tied to the character after it), and what she did next took his words too: typing over
// her selection or deleting it deleted them, Ctrl+B made them bold (found by an exploratory run, every time). A
// selection now keeps out what others insert right at its end, as it does at its start (collab/narrow-sync.ts).

import { caret, p, resolve, setDocument, t } from '../fixtures/doc-json.js';
import type { EditorPage } from '../fixtures/editor-page.js';
import { serverText } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

/** Alice selects "docs" in "See docs here" with Shift+→; Bob, his caret right after it, types " and faq". */
async function bobTypesAfterHerSelection(alice: EditorPage, bob: EditorPage): Promise<void> {
  await setDocument(alice, bob, [p(t('See docs here'))]);
  await caret(bob, await resolve(bob, 'docs| here'));
  await caret(alice, await resolve(alice, 'See |docs'));
  for (let i = 0; i < 4; i++) await alice.page.keyboard.press('Shift+ArrowRight');
  await bob.type(' and faq', 30);
  await expect.poll(() => alice.blocks()).toEqual(['See docs and faq here']);
  expect(await alice.page.evaluate(() => getSelection()!.toString())).toBe('docs');
}

test('typing over a selected word keeps what the other typed right after it', async ({ pair, server }) => {
  const { alice, bob } = await pair('selection-end/type-over');
  await bobTypesAfterHerSelection(alice, bob);
  await alice.type('manuals');
  await alice.expectSaved();
  for (const person of [alice, bob]) await expect.poll(() => person.blocks()).toEqual(['See manuals and faq here']);
  expect(await serverText(server.url, 'selection-end/type-over')).toBe('See manuals and faq here');
});

test('Ctrl+B on a selected word makes only that word bold', async ({ pair }) => {
  const { alice, bob } = await pair('selection-end/bold');
  await bobTypesAfterHerSelection(alice, bob);
  await alice.page.keyboard.press('Control+b');
  await alice.expectSaved();
  for (const person of [alice, bob]) await expect.poll(() => person.editor.locator('strong').allInnerTexts()).toEqual(['docs']);
});

test("Backspace on the end of a paragraph selected with Shift+End keeps the sentence the other added to it", async ({ pair, server }) => {
  const { alice, bob } = await pair('selection-end/last-sentence');
  await setDocument(alice, bob, [p(t('Keep this. Drop this.')), p(t('Next'))]);
  await caret(bob, await resolve(bob, 'Drop this.|'));
  await caret(alice, await resolve(alice, 'Keep this.| Drop'));
  await alice.page.keyboard.press('Shift+End');
  await bob.type(' Bob wrote this.', 30);
  await expect.poll(() => alice.blocks()).toEqual(['Keep this. Drop this. Bob wrote this.', 'Next']);
  await alice.page.keyboard.press('Backspace');
  await alice.expectSaved();
  await bob.expectSaved();
  for (const person of [alice, bob]) await expect.poll(() => person.blocks()).toEqual(['Keep this. Bob wrote this.', 'Next']);
  expect(await serverText(server.url, 'selection-end/last-sentence')).toBe('Keep this. Bob wrote this.\nNext');
});

test('text the other types right before a selection stays out of it too', async ({ pair }) => {
  const { alice, bob } = await pair('selection-end/before');
  await setDocument(alice, bob, [p(t('See docs here'))]);
  await caret(bob, await resolve(bob, 'See |docs'));
  await caret(alice, await resolve(alice, 'See |docs'));
  for (let i = 0; i < 4; i++) await alice.page.keyboard.press('Shift+ArrowRight');
  await bob.type('the ', 30);
  await expect.poll(() => alice.blocks()).toEqual(['See the docs here']);
  await alice.type('manuals');
  await alice.expectSaved();
  for (const person of [alice, bob]) await expect.poll(() => person.blocks()).toEqual(['See the manuals here']);
});
