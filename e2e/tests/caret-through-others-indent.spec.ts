// Someone typing in a list item while another person indents it, outdents it or makes it a heading, not
// having seen their last letters: the move copies the item's text as the mover saw it, the typist's editor
// moves their unseen letters after it (split-rescue.ts), and their caret must go along, so that the next
// letters follow the earlier ones.

import { blocks } from '../fixtures/blocks.js';
import { writeShared, writeSharedList } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';
import { holdIncoming } from '../fixtures/hold-incoming.js';

test.use({ serverScope: 'file' }); // each test has documents of its own


for (const [what, keys, atBlock] of [
  ['indents', ['Tab'], 1],
  ['outdents', ['Tab', 'Shift+Tab'], 1],
] as const) {
  test(`Bob's next letters follow his earlier ones when Alice ${what} his item before seeing them`, async ({ server, person }) => {
    const alice = await person('Alice', '#e11d48');
    const bob = await person('Bob', '#2563eb');
    const aliceIn = await holdIncoming(alice);
    await alice.open(server.url, `caret-through/${what}`);
    await bob.open(server.url, `caret-through/${what}`);
    await writeSharedList(alice, bob, ['one', 'two', 'three']);
    if (keys.length > 1) {
      await alice.caretInTextblock(atBlock, 1);
      await alice.page.keyboard.press(keys[0]);
      await expect.poll(() => bob.blocks()).toEqual(['one', 'two', 'three']);
      await alice.expectSaved();
      await bob.expectSaved();
    }
    await bob.caretInTextblock(atBlock, 3);
    aliceIn.hold();
    await bob.page.keyboard.insertText(' and');
    await bob.expectSaved();
    await alice.caretInTextblock(atBlock, 1);
    await alice.page.keyboard.press(keys[keys.length - 1]);
    await alice.page.waitForTimeout(300);
    aliceIn.release();
    await alice.expectSaved();
    await expect.poll(() => bob.blocks()).toEqual(['one', 'two and', 'three']);
    await bob.page.keyboard.insertText(' more');
    await expect.poll(() => alice.blocks()).toEqual(['one', 'two and more', 'three']);
    await expect.poll(() => bob.blocks()).toEqual(['one', 'two and more', 'three']);
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });
}

test("Bob's next letters follow his earlier ones when Alice makes his paragraph a heading before seeing them", async ({ server, person }) => {
  const alice = await person('Alice', '#e11d48');
  const bob = await person('Bob', '#2563eb');
  const aliceIn = await holdIncoming(alice);
  await alice.open(server.url, 'caret-through/heading');
  await bob.open(server.url, 'caret-through/heading');
  await writeShared(alice, bob, ['Intro', 'Plans', 'End']);
  await bob.caretAt(1, 5);
  aliceIn.hold();
  await bob.page.keyboard.insertText(' for May');
  await bob.expectSaved();
  await alice.caretAt(1, 2);
  await alice.page.keyboard.press('Control+Alt+2');
  await alice.page.waitForTimeout(300);
  aliceIn.release();
  await alice.expectSaved();
  await expect.poll(() => bob.blocks()).toEqual(['Intro', 'Plans for May', 'End']);
  await bob.page.keyboard.insertText(' and June');
  await expect.poll(() => alice.blocks()).toEqual(['Intro', 'Plans for May and June', 'End']);
  await expect.poll(() => bob.blocks()).toEqual(['Intro', 'Plans for May and June', 'End']);
  expect(await blocks(bob)).toEqual(['paragraph:Intro', 'heading2:Plans for May and June', 'paragraph:End']);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});
