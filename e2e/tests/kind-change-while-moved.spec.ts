// Alice changes the kind of the blocks around a line (the list made numbered or paragraphs, the quote
// removed) while Bob, offline, splits that line or indents an item: the text Bob moved came out twice
// ("two" and "Xwo", or "three" twice), found by an exploratory run. Alice's change writes every line again;
// Bob's copy went with the blocks it deleted, and his page typed it again as his own unseen text, though
// Alice's copy held it (collab/double-move.ts copiedAlsoBy). What he typed stays, on its own line after the
// line he split (his line break, or his indent, gives way to her change), also when she makes paragraphs a list.

import { blocks } from '../fixtures/blocks.js';
import { type EditorPage, writeShared, writeSharedList } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

async function allThen(person: EditorPage, command: string): Promise<void> {
  await person.caretInTextblock(0, 0);
  await person.page.keyboard.press('Control+a');
  await person.page.locator(`.toolbar [data-command="${command}"]`).click();
}

const cases = [
  { what: 'the list made numbered while Bob splits "two"', start: 'list', command: 'orderedList', bob: 'split', shape: ['ordered_list>list_item>paragraph:one', 'ordered_list>list_item>paragraph:two', 'ordered_list>list_item>paragraph:X', 'ordered_list>list_item>paragraph:three'] },
  { what: 'the list made numbered while Bob indents "three"', start: 'list', command: 'orderedList', bob: 'tab', shape: ['ordered_list>list_item>paragraph:one', 'ordered_list>list_item>paragraph:two', 'ordered_list>list_item>paragraph:three'] },
  { what: 'the quote removed while Bob splits "two"', start: 'quote', command: 'blockquote', bob: 'split', shape: ['paragraph:one', 'paragraph:two', 'paragraph:X', 'paragraph:three'] },
  // What Bob typed went after the list: his new paragraph stood between paragraphs Alice's change moved, and
  // his page now moves it along (join-rescue.ts leftInMovedRange).
  { what: 'the paragraphs made a list while Bob splits "two"', start: 'paragraphs', command: 'bulletList', bob: 'split', shape: ['bullet_list>list_item>paragraph:one', 'bullet_list>list_item>paragraph:two', 'bullet_list>list_item>paragraph:X', 'bullet_list>list_item>paragraph:three'] },
] as const;

for (const { what, start, command, bob: bobDoes, shape } of cases) {
  test(`${what}: nothing comes out twice`, async ({ pair }) => {
    const { alice, bob } = await pair(`kind-change-while-moved/${command}-${bobDoes}`);
    if (start === 'list') await writeSharedList(alice, bob, ['one', 'two', 'three']);
    else if (start === 'paragraphs') await writeShared(alice, bob, ['one', 'two', 'three']);
    else {
      await writeShared(alice, bob, ['one', 'two', 'three']);
      await allThen(alice, 'blockquote');
      await expect.poll(() => blocks(bob)).toEqual(['blockquote>paragraph:one', 'blockquote>paragraph:two', 'blockquote>paragraph:three']);
      await alice.expectSaved();
    }
    await bob.context.setOffline(true);
    await expect(bob.status).toHaveAttribute('data-connection', 'offline');
    if (bobDoes === 'split') {
      await bob.caretInTextblock(1, 1);
      await bob.page.keyboard.press('Enter');
      await bob.page.keyboard.insertText('X');
      await expect.poll(() => bob.blocks()).toEqual(['one', 't', 'Xwo', 'three']);
    } else {
      await bob.caretInTextblock(2, 1);
      await bob.page.keyboard.press('Tab');
    }
    await allThen(alice, command);
    await alice.expectSaved();
    await bob.context.setOffline(false);
    await bob.expectSaved();
    await alice.expectSaved();

    await expect.poll(() => blocks(alice)).toEqual(shape);
    await expect.poll(() => blocks(bob)).toEqual(shape);
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
}
