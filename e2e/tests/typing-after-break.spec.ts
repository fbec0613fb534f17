// Two people at the end of one paragraph; one presses Shift+Enter and types. The other's cursor (a widget
// beside the line break) made Chromium put the typed text before the break, on the line above: "One
// two.Three." with the break after it, and "---" on the next line never made a rule.
import { expect, test } from '../fixtures/tandem.js';
import type { EditorPage } from '../fixtures/editor-page.js';

test.use({ serverScope: 'file' });

/** Each top-level block as its inline content: text, with `<name>` for other inline nodes. */
const structure = (person: EditorPage) =>
  person.page.evaluate(() => {
    const { view } = (window as unknown as { tandem: { view: { state: { doc: { toJSON(): { content: Array<{ type: string; content?: Array<{ type: string; text?: string }> }> } } } } } }).tandem;
    return view.state.doc.toJSON().content.map((b) => `${b.type}: ${(b.content ?? []).map((c) => c.text ?? `<${c.type}>`).join('')}`);
  });

test('text typed after a line break stays after it while someone else\'s cursor stands there', async ({ pair }) => {
  const { alice, bob } = await pair('typing-after-break');
  await alice.focusEnd();
  await alice.page.keyboard.insertText('One two.');
  await alice.expectSaved();
  await expect.poll(() => bob.blocks()).toEqual(['One two.']);
  await expect(bob.page.locator('.ProseMirror-yjs-cursor')).toHaveCount(1); // Alice's caret, at the end
  await bob.focusEnd();
  await bob.page.keyboard.press('Shift+Enter');
  await bob.type('Three.');
  await expect.poll(() => structure(bob)).toEqual(['paragraph: One two.<hard_break>Three.']);
  // And an input rule on the next line works as it does alone.
  await bob.page.keyboard.press('Enter');
  await bob.type('---');
  await expect(bob.editor.locator('hr')).toHaveCount(1);
  await bob.expectSaved();
  await expect.poll(() => structure(alice)).toEqual(['paragraph: One two.<hard_break>Three.', 'horizontal_rule: ', 'paragraph: ']);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
