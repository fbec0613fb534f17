// What one person's editor shows of a line's formatting is what everyone else gets, and what this person
// gets back after a reload. Deleting across a line break (Shift+Enter) from after a bold "T" to after an
// italic one showed the bold "T" to the person who deleted, and the italic one to everyone else: the sync
// library took the line's stored text for up to date because it held as many marks, without comparing their
// names (found by a review; collab/formats-by-name.ts).

import { br, caret, p, resolve, setDocument, shape, t } from '../fixtures/doc-json.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' });

test('deleting across a line break from a bold letter to an italic one: everyone sees the bold one, after a reload too', async ({ pair }) => {
  const { alice, bob } = await pair('formats-reach-others/line-break');
  await setDocument(alice, bob, [p(t('T', 'strong'), t('he cat'), br, t('T', 'em'), t('he dog'))]);
  await caret(alice, await resolve(alice, 'T|he cat'));
  // From after the bold T to after the italic one: "he cat", the line break and the italic "T".
  for (let i = 0; i < 8; i++) await alice.page.keyboard.press('Shift+ArrowRight');
  await alice.page.keyboard.press('Delete');
  const want = ['paragraph:<strong>T</>he dog'];
  await expect.poll(() => shape(alice)).toEqual(want);
  await expect.poll(() => shape(bob)).toEqual(want);
  await alice.expectSaved();
  await alice.page.reload();
  await alice.expectConnected();
  await expect.poll(() => shape(alice)).toEqual(want);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});
