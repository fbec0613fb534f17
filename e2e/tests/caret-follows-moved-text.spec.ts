// Enter, a join or a change of block kind is, in y-prosemirror, "delete this text here, insert it there".
// Someone else whose caret stood in the moved text was left behind in the old place: Enter pressed earlier
// in the paragraph they were typing in put their caret at the end of the first half, and their next keys
// went there. Their caret now goes with the text (collab/moved-text.ts); and what they had typed into the
// moved text that the one pressing Enter had not yet seen (offline, in flight), which stayed behind in the
// first half, goes with it too (collab/split-rescue.ts).

import { writeShared } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

const write = writeShared;

test('Enter pressed earlier in the paragraph someone is typing in: their next keys go where their caret was', async ({ pair }) => {
  const { alice, bob } = await pair('caret-follows/enter');
  await write(alice, bob, ['Hello world']);
  await bob.caretAt(0, 8); // Hello wo|rld
  await alice.caretAt(0, 5);
  await alice.page.keyboard.press('Enter');
  await expect.poll(() => bob.blocks()).toEqual(['Hello', ' world']);
  await bob.page.keyboard.insertText('X');
  await expect.poll(() => alice.blocks()).toEqual(['Hello', ' woXrld']);
  // At the paragraph's end too.
  await bob.caretAt(1, 7);
  await alice.caretAt(1, 3);
  await alice.page.keyboard.press('Enter');
  await expect.poll(() => bob.blocks()).toEqual(['Hello', ' wo', 'Xrld']);
  await bob.page.keyboard.insertText('!');
  await expect.poll(() => alice.blocks()).toEqual(['Hello', ' wo', 'Xrld!']);
  await expect.poll(() => bob.blocks()).toEqual(['Hello', ' wo', 'Xrld!']);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('the paragraph someone is typing in joined to the one before it: their caret stays at the same word', async ({ pair }) => {
  const { alice, bob } = await pair('caret-follows/join');
  await write(alice, bob, ['Hello', 'world wide']);
  await bob.caretAt(1, 6); // world |wide
  await alice.caretAt(1, 0);
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => bob.blocks()).toEqual(['Helloworld wide']);
  await bob.page.keyboard.insertText('X');
  await expect.poll(() => alice.blocks()).toEqual(['Helloworld Xwide']);
});

test('the paragraph someone is typing in made a heading: their caret stays in it', async ({ pair }) => {
  const { alice, bob } = await pair('caret-follows/heading');
  await write(alice, bob, ['one', 'Title here']);
  await bob.caretAt(1, 5); // Title| here
  await alice.caretAt(1, 2);
  await alice.toolbar('h1');
  await expect.poll(() => bob.page.locator('.ProseMirror h1').count()).toBe(1);
  await bob.page.keyboard.insertText('X');
  await expect.poll(() => alice.blocks()).toEqual(['one', 'TitleX here']);
});

test('text typed offline into the part of a paragraph someone splits off with Enter goes with that part', async ({ pair }) => {
  const { alice, bob } = await pair('caret-follows/offline-split');
  await write(alice, bob, ['Hello world, and more']);
  await bob.expectSaved();
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await bob.caretAt(0, 8); // Hello wo|rld
  await bob.page.keyboard.insertText('X');
  await bob.caretAt(0, 22); // at the end
  await bob.page.keyboard.insertText('!');
  // Meanwhile Alice presses Enter after "Hello" and after "world,".
  await alice.caretAt(0, 5);
  await alice.page.keyboard.press('Enter');
  await alice.caretAt(1, 7);
  await alice.page.keyboard.press('Enter');
  await expect.poll(() => alice.blocks()).toEqual(['Hello', ' world,', ' and more']);
  await alice.expectSaved();

  await bob.context.setOffline(false);
  const expected = ['Hello', ' woXrld,', ' and more!'];
  await expect.poll(() => bob.blocks()).toEqual(expected);
  await expect.poll(() => alice.blocks()).toEqual(expected);
  await bob.expectSaved();
  // Bob's caret went with his text: his next key follows the "!".
  await bob.page.keyboard.insertText('?');
  await expect.poll(() => alice.blocks()).toEqual(['Hello', ' woXrld,', ' and more!?']);
  // Ctrl+Z takes back what Bob typed, the text his editor typed again included (rescue-undo.ts).
  // ("?" may go in one step with the "!" it followed; the "X" typed elsewhere is a step of its own.)
  await bob.page.keyboard.press('Control+z');
  await expect.poll(() => alice.blocks()).not.toEqual(['Hello', ' woXrld,', ' and more!?']);
  await expect
    .poll(async () => {
      const blocks = await alice.blocks();
      if (blocks.join('|') !== 'Hello| world,| and more') await bob.page.keyboard.press('Control+z');
      return blocks;
    })
    .toEqual(['Hello', ' world,', ' and more']);
  await expect.poll(() => bob.blocks()).toEqual(['Hello', ' world,', ' and more']);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('two people pressing Enter in the same paragraph at once do not repeat its words', async ({ pair }) => {
  const { alice, bob } = await pair('caret-follows/two-enters');
  await write(alice, bob, ['one two three']);
  await bob.expectSaved();
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await bob.caretAt(0, 7);
  await bob.page.keyboard.press('Enter');
  await expect.poll(() => bob.blocks()).toEqual(['one two', ' three']);
  await alice.caretAt(0, 3);
  await alice.page.keyboard.press('Enter');
  await expect.poll(() => alice.blocks()).toEqual(['one', ' two three']);
  await alice.expectSaved();

  await bob.context.setOffline(false);
  // The words stay where Alice's Enter put them, once (double-move.ts), and Bob's break after "two" is made
  // again in them (split-again.ts; it was dropped).
  await expect.poll(() => bob.blocks()).toEqual(['one', ' two', ' three']);
  await expect.poll(() => alice.blocks()).toEqual(['one', ' two', ' three']);
  await bob.expectSaved();
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

// A Markdown shortcut typed at the start of the paragraph someone's caret is in: the new block holds the
// paragraph's text less the shortcut's characters. Their next keys went to the start of the next line.
for (const [shortcut, kind] of [['- ', 'ul li'], ['1. ', 'ol li'], ['> ', 'blockquote'], ['## ', 'h2']] as const) {
  test(`the paragraph someone is in made another kind with "${shortcut}": their caret stays in it`, async ({ pair }) => {
    const { alice, bob } = await pair(`caret-follows/shortcut-${kind.replace(' ', '-')}`);
    await write(alice, bob, ['First paragraph', 'Second paragraph', 'Third']);
    await alice.caretAt(1, 6); // Second| paragraph
    await bob.caretAt(1, 0);
    await bob.page.keyboard.type(shortcut);
    await expect.poll(() => alice.page.locator(`.ProseMirror ${kind}`).count()).toBe(1);
    await alice.page.keyboard.insertText('XYZ');
    await expect.poll(() => bob.blocks()).toEqual(['First paragraph', 'SecondXYZ paragraph', 'Third']);
    // Still in the new block (its text, without the cursor labels the page also shows).
    await expect.poll(() => bob.page.locator(`.ProseMirror ${kind}`).evaluate((el) => el.textContent?.replace(/\u2060[^\u2060]*\u2060/g, ''))).toBe('SecondXYZ paragraph');
  });
}

// The other way round: the one pressing Enter offline. What Alice typed into the part split off, stored and
// acknowledged before Bob's Enter reached her page, stayed behind ("oneX", " two three"): the rule was that
// the mover cannot have seen what the server had not stored. Bob's editor's note of its move says what it
// had seen (collab/noted-moves.ts).
test('a letter typed into the part of a paragraph someone offline splits off with Enter goes with that part', async ({ pair }) => {
  const { alice, bob } = await pair('caret-follows/typed-before-offline-enter');
  await write(alice, bob, ['one two three']);
  await bob.caretInTextblock(0, 3);
  await bob.context.setOffline(true);
  await expect(bob.status).toHaveAttribute('data-connection', 'offline');
  await bob.page.keyboard.press('Enter');
  await alice.caretInTextblock(0, 6);
  await alice.type('X');
  await alice.expectSaved(); // stored and acknowledged
  await bob.context.setOffline(false);
  await bob.expectSaved();
  await expect.poll(() => alice.blocks()).toEqual(['one', ' twXo three']);
  await expect.poll(() => bob.blocks()).toEqual(['one', ' twXo three']);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
