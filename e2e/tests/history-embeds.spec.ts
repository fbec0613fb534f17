// The history view shows a line break and a horizontal rule someone added since a named version, outlined
// in their colour and saying who: before, a diff walked text only, and such a change showed as none.
import { nameVersionAfter } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });

test('a line break and a rule added since a named version are outlined in the compare view, saying who added them', async ({ pair }) => {
  test.slow();
  const { alice, bob } = await pair('history-embeds');
  const page = alice.page;
  const draft = await nameVersionAfter(alice, bob, 'history-embeds', 'One two.', 'Draft');
  // The version named holds the text. (Twice a run showed "One two." as added since it: the naming was
  // right, the test read the head compared with its session's start, on screen until the named version's
  // diff came; compareWithNamed now waits for that diff, see history-compare-slow.)
  expect(draft.text, `version ${draft.seq}`).toContain('One two.');

  // Bob adds a line after a line break, and a rule below.
  await bob.focusEnd();
  await bob.page.keyboard.press('Shift+Enter');
  await bob.type('Three.');
  await bob.toolbar('horizontalRule');
  await expect(bob.editor.locator('hr')).toHaveCount(1);
  await bob.expectSaved();

  await alice.compareWithNamed('Draft');
  const added = page.locator('.version-view .diff-insert-node');
  await expect(added).toHaveCount(2);
  await expect(page.locator('.version-view br.diff-insert-node')).toHaveAttribute('title', 'Line break added by Bob');
  await expect(page.locator('.version-view hr.diff-insert-node')).toHaveAttribute('title', 'Horizontal rule added by Bob');
  // The text around them is painted on the right characters: "One two." kept, "Three." added.
  await expect(page.locator('.version-view .diff-insert')).toHaveText('Three.');
  await expect(page.locator('.version-view .diff-delete')).toHaveCount(0);
  await expect(page.locator('.legend')).toHaveText('Bob');
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
