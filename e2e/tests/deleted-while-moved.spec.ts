// Text deleted (or formatted) by one person while another, not having seen that, moves it (Enter earlier in
// the paragraph, a join) came back (or lost its formatting): y-prosemirror's move is a copy of the text as
// the mover saw it. The deleter's editor now deletes it from the copy too (collab/deleted-in-moves.ts); the
// formatter's makes the formatting again there (collab/formats-in-moves.ts).

import { writeShared } from '../fixtures/editor-page.js';
import { holdIncoming } from '../fixtures/hold-incoming.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

const write = writeShared;

test('a word deleted offline in the text someone moves with Enter stays deleted', async ({ pair }) => {
  const { alice, bob } = await pair('deleted-while-moved/enter');
  await write(alice, bob, ['one two three']);
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await bob.caretAt(0, 7); // one two|
  for (let i = 0; i < 3; i++) await bob.page.keyboard.press('Backspace');
  await expect.poll(() => bob.blocks()).toEqual(['one  three']);
  // Meanwhile Alice presses Enter after "one".
  await alice.caretAt(0, 3);
  await alice.page.keyboard.press('Enter');
  await expect.poll(() => alice.blocks()).toEqual(['one', ' two three']);
  await alice.expectSaved();

  await bob.context.setOffline(false);
  await expect.poll(() => alice.blocks()).toEqual(['one', '  three']);
  await expect.poll(() => bob.blocks()).toEqual(['one', '  three']);
  await bob.expectSaved();
  // Bob's caret, where "two" was, went with the text: his next key lands there.
  await bob.page.keyboard.insertText('X');
  await expect.poll(() => alice.blocks()).toEqual(['one', ' X three']);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('words deleted offline in a paragraph someone joins to the one before stay deleted', async ({ pair }) => {
  const { alice, bob } = await pair('deleted-while-moved/join');
  await write(alice, bob, ['Hello', 'world wide web']);
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await bob.caretAt(1, 11); // world wide |web
  for (let i = 0; i < 5; i++) await bob.page.keyboard.press('Backspace');
  await expect.poll(() => bob.blocks()).toEqual(['Hello', 'world web']);
  await alice.caretAt(1, 0);
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => alice.blocks()).toEqual(['Helloworld wide web']);
  await alice.expectSaved();

  await bob.context.setOffline(false);
  await expect.poll(() => alice.blocks()).toEqual(['Helloworld web']);
  await expect.poll(() => bob.blocks()).toEqual(['Helloworld web']);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('a word made bold offline in the text someone moves with Enter stays bold', async ({ pair }) => {
  const { alice, bob } = await pair('deleted-while-moved/bold');
  await write(alice, bob, ['one two three']);
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await bob.select('two');
  await bob.page.keyboard.press('Control+b');
  await expect(bob.page.locator('.ProseMirror strong')).toHaveText('two');
  await alice.caretAt(0, 3);
  await alice.page.keyboard.press('Enter');
  await expect.poll(() => alice.blocks()).toEqual(['one', ' two three']);
  await alice.expectSaved();

  await bob.context.setOffline(false);
  await expect(alice.page.locator('.ProseMirror p:nth-child(2) strong')).toHaveText('two');
  await expect(bob.page.locator('.ProseMirror p:nth-child(2) strong')).toHaveText('two');
  await expect.poll(() => bob.blocks()).toEqual(['one', ' two three']);
  await bob.expectSaved();
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

// The deletion stored and acknowledged before the mover's Enter reached the deleter's page: the word came
// back (the copy was taken for text put back on purpose). The mover's editor notes which characters its move
// copied (collab/noted-moves.ts): one the deleter had deleted was not seen deleted by the mover.
for (const how of ['the mover offline', 'the Enter on its way'] as const) {
  test(`a word deleted while someone moves it with Enter stays deleted (${how})`, async ({ server, person }) => {
    const alice = await person('Alice', '#e11d48');
    const bob = await person('Bob', '#2563eb');
    const bobIn = await holdIncoming(bob);
    const doc = `deleted-while-moved/acknowledged-${how === 'the mover offline' ? 'offline' : 'held'}`;
    await alice.open(server.url, doc);
    await bob.open(server.url, doc);
    await write(alice, bob, ['one two three']);
    await bob.caretInTextblock(0, 3);
    if (how === 'the mover offline') {
      await bob.context.setOffline(true);
      await expect(bob.status).toHaveAttribute('data-connection', 'offline');
    } else bobIn.hold();
    await alice.select('two');
    await alice.page.keyboard.press('Backspace');
    await alice.expectSaved(); // stored and acknowledged
    await bob.page.keyboard.press('Enter');
    if (how === 'the mover offline') await bob.context.setOffline(false);
    else {
      await bob.page.waitForTimeout(300); // his Enter stored after her deletion, and with her
      bobIn.release();
    }
    await bob.expectSaved();
    await alice.expectSaved();
    await expect.poll(() => alice.blocks()).toEqual(['one', '  three']);
    await expect.poll(() => bob.blocks()).toEqual(['one', '  three']);
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
}

// The same with formatting: bold stored and acknowledged before the offline mover's Enter reached the
// formatter's page was lost (collab/formats-in-moves.ts lostInNoted).
test('a word made bold while someone offline moves it with Enter stays bold', async ({ pair }) => {
  const { alice, bob } = await pair('deleted-while-moved/bold-acknowledged');
  await write(alice, bob, ['one two three']);
  await bob.caretInTextblock(0, 3);
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await bob.page.keyboard.press('Enter');
  await alice.select('two');
  await alice.page.keyboard.press('Control+b');
  await alice.expectSaved(); // stored and acknowledged
  await bob.context.setOffline(false);
  await bob.expectSaved();
  await expect(alice.page.locator('.ProseMirror p:nth-child(2) strong')).toHaveText('two');
  await expect(bob.page.locator('.ProseMirror p:nth-child(2) strong')).toHaveText('two');
  await expect.poll(() => alice.blocks()).toEqual(['one', ' two three']);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
