// Words someone typed offline that another's change would have lost are typed again by a page (kept on a line
// of their own, or moved into the other half of a split made again); the typist's caret must go with them, so
// that their next keys follow the words. Found by a helper's exploratory review, each failing every time:
// - Bob's words typed offline into a paragraph Alice deletes (or a restore takes out) are kept on a line of
//   their own, and his next letters went to the start of the paragraph after it ("MOREThird.");
// - Alice's Ctrl+Z and Ctrl+Y of a split whose second half holds Bob's words typed offline: his next letter
//   went to the end of the first half ("Hello ?").

import { converged } from '../fixtures/converged.js';
import { type EditorPage, writeShared } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

const settle = async (...ps: EditorPage[]) => {
  for (const p of ps) await p.expectSaved();
};

/** Alice sees "Second…" gone; Bob comes back: his " BOB" kept on a line of its own; he types "MORE", which follows it. */
async function bobBackThenMore(alice: EditorPage, bob: EditorPage): Promise<void> {
  await expect.poll(() => alice.blocks()).toEqual(['First.', 'Third.']);
  await bob.context.setOffline(false);
  await settle(alice, bob);
  expect(await converged([alice, bob], (p) => p.blocks())).toEqual(['First.', ' BOB', 'Third.']);
  await bob.type('MORE');
  await settle(alice, bob);
  expect(await converged([alice, bob], (p) => p.blocks())).toEqual(['First.', ' BOBMORE', 'Third.']);
}

test('Bob types offline in a paragraph Alice deletes: his words are kept on a line, and his next letters follow them', async ({ pair }) => {
  const { alice, bob } = await pair('kept-words/deleted');
  await writeShared(alice, bob, ['First.', 'Second, added later.', 'Third.']);
  await bob.goOffline();
  await bob.caretInTextblock(1, 'Second'.length);
  await bob.type(' BOB');
  await alice.selectBlockForDeletion('First.', 'Second, added later.');
  await alice.page.keyboard.press('Backspace');
  await alice.expectSaved();
  await bobBackThenMore(alice, bob);
  expect(bob.errors).toEqual([]);
});

test('Bob types offline in a paragraph a restore takes out: his next letters follow his kept words', async ({ pair }) => {
  const doc = 'kept-words/restored';
  const { alice, bob } = await pair(doc);
  await writeShared(alice, bob, ['First.', 'Third.']);
  const v1 = await alice.headSeq(doc);
  await alice.caretInTextblock(0, 'First.'.length);
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.insertText('Second, added later.');
  await alice.expectSaved();
  await expect.poll(() => bob.blocks()).toEqual(['First.', 'Second, added later.', 'Third.']);
  await bob.goOffline();
  await bob.caretInTextblock(1, 'Second'.length);
  await bob.type(' BOB');
  await alice.restoreVersion(doc, v1);
  await bobBackThenMore(alice, bob);
});

test('Ctrl+Z and Ctrl+Y of a split whose second half holds words Bob typed offline: his next letter follows them', async ({ pair }) => {
  const { alice, bob } = await pair('kept-words/redo-split');
  await writeShared(alice, bob, ['Hello wonderful world']);
  await bob.goOffline();
  await bob.caretInTextblock(0, 'Hello wonderful world'.length);
  await bob.type(' and more');
  await alice.caretInTextblock(0, 'Hello '.length);
  await alice.page.keyboard.press('Enter');
  await settle(alice);
  await bob.context.setOffline(false);
  await settle(alice, bob);
  expect(await converged([alice, bob], (p) => p.blocks())).toEqual(['Hello ', 'wonderful world and more']);
  await alice.page.keyboard.press('Control+z');
  await settle(alice, bob);
  expect(await converged([alice, bob], (p) => p.blocks())).toEqual(['Hello wonderful world and more']);
  await alice.page.keyboard.press('Control+y');
  await settle(alice, bob);
  expect(await converged([alice, bob], (p) => p.blocks())).toEqual(['Hello ', 'wonderful world and more']);
  await bob.type('?');
  await settle(alice, bob);
  expect(await converged([alice, bob], (p) => p.blocks())).toEqual(['Hello ', 'wonderful world and more?']);
});
