// Alice deletes a list item (its text, then Backspace twice: the emptied line joins the one above) while Bob,
// offline, indents, outdents or splits that item. Found by an exploratory run: with Tab, "one" was lost and
// "two" came back, for everyone; with Shift+Tab or Enter an empty item was left. Each person's editor writes
// its move as a copy, and each one's deletion took the other's copy (collab/join-rescue.ts madeAfterSeen,
// collab/deleted-in-moves.ts: a copy of a copy of what Alice deleted is deleted too, with its line).

import { blocks } from '../fixtures/blocks.js';
import { writeSharedList } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

const moves = [
  ['Tab', 'indents'],
  ['Shift+Tab', 'outdents'],
  ['Enter', 'splits'],
] as const;

for (const [key, what] of moves) {
  test(`Alice deletes item "two" while Bob, offline, ${what} it (${key}): it stays deleted and "one" stays`, async ({ pair }) => {
    const { alice, bob } = await pair(`deleted-item-moved/${what}`);
    await writeSharedList(alice, bob, ['one', 'two', 'three']);
    if (key === 'Shift+Tab') {
      await alice.caretInTextblock(1, 1);
      await alice.page.keyboard.press('Tab');
      await expect.poll(() => blocks(bob)).toEqual(['bullet_list>list_item>paragraph:one', 'bullet_list>list_item>bullet_list>list_item>paragraph:two', 'bullet_list>list_item>paragraph:three']);
      await alice.expectSaved();
    }
    await bob.context.setOffline(true);
    await expect(bob.status).toHaveAttribute('data-connection', 'offline');
    await bob.caretInTextblock(1, 1);
    await bob.page.keyboard.press(key);
    await expect.poll(() => bob.blocks()).toEqual(key === 'Enter' ? ['one', 't', 'wo', 'three'] : ['one', 'two', 'three']);

    await alice.select('two');
    for (let i = 0; i < 3; i++) await alice.page.keyboard.press('Backspace');
    await expect.poll(() => blocks(alice)).toEqual(['bullet_list>list_item>paragraph:one', 'bullet_list>list_item>paragraph:three']);
    await alice.expectSaved();

    await bob.context.setOffline(false);
    await bob.expectSaved();
    await alice.expectSaved();
    const expected = ['bullet_list>list_item>paragraph:one', 'bullet_list>list_item>paragraph:three'];
    await expect.poll(() => blocks(alice)).toEqual(expected);
    await expect.poll(() => blocks(bob)).toEqual(expected);
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
}

// Found by an exploratory run (7 of 7): Alice joins the last item "three" into "two" (Backspace twice at its
// start: her editor writes "two" again into the item of "three", then "three" after "two") while Bob,
// offline, indents "three" (his editor writes it again into a list inside "two"). Each change deleted the
// block the other's copy went into, and each page typed its own copy again: "three" came out twice. The
// page of the higher client id now deletes its copy once the other's reaches it (collab/rescued-twice.ts).
// Each line's text once, and nothing lost; which of the two changes shapes the list is not decided here.
for (const offline of ['Alice', 'Bob'] as const) {
  test(`Backspace twice at the start of the last item while the other indents it (${offline} offline): its text once`, async ({ pair }) => {
    const { alice, bob } = await pair(`deleted-item-moved/join-vs-indent-${offline}`);
    await writeSharedList(alice, bob, ['one', 'two', 'three']);
    const away = offline === 'Alice' ? alice : bob;
    await away.context.setOffline(true);
    await expect(away.status).toHaveAttribute('data-connection', 'offline');
    await bob.caretInTextblock(2, 1);
    await bob.page.keyboard.press('Tab');
    await alice.caretInTextblock(2, 0);
    await alice.page.keyboard.press('Backspace');
    await alice.page.keyboard.press('Backspace');
    await expect.poll(() => alice.blocks()).toEqual(['one', 'twothree']);
    await (offline === 'Alice' ? bob : alice).expectSaved();
    await away.context.setOffline(false);
    await alice.expectSaved();
    await bob.expectSaved();

    const words = async (person: typeof alice) => (await person.blocks()).join(' ').split(/(?=two|three)|\s+/).filter((w) => w !== '').sort();
    await expect.poll(() => words(alice)).toEqual(['one', 'three', 'two']);
    await expect.poll(() => words(bob)).toEqual(['one', 'three', 'two']);
    expect(await blocks(alice)).toEqual(await blocks(bob));
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
}
