// One person splits a list item with Enter while the other, not having seen it, presses Tab on the item after
// it (or the other way round). The Tab put "three" in a list inside the old item, after its line, and the
// split left that line's first half in the old item: "three" came out under "t", above "wo", for everyone.
// ProseMirror puts what is nested under an item in its second half, as it would have had the Tab come first
// (nested-follows-split.ts).

import { blocks } from '../fixtures/blocks.js';
import { writeSharedList } from '../fixtures/editor-page.js';
import { expect, test } from '../fixtures/tandem.js';

test.use({ serverScope: 'file' }); // each test has documents of its own

const item = (text: string) => `bullet_list>list_item>paragraph:${text}`;
const nested = (text: string) => `bullet_list>list_item>bullet_list>list_item>paragraph:${text}`;

for (const apart of ['Bob, pressing Tab', 'Alice, pressing Enter'] as const) {
  test(`Enter in "two" while Tab on "three", ${apart} offline: "three" goes under "wo"`, async ({ pair }) => {
    const { alice, bob } = await pair(`split-while-indent/${apart.startsWith('Bob') ? 'tab' : 'enter'}-offline`);
    await writeSharedList(alice, bob, ['one', 'two', 'three', 'four']);
    const offline = apart.startsWith('Bob') ? bob : alice;
    await offline.context.setOffline(true);
    await expect(offline.status).toHaveAttribute('data-connection', 'offline');

    await bob.caretInTextblock(2, 2);
    await bob.page.keyboard.press('Tab');
    await expect.poll(() => blocks(bob)).toEqual([item('one'), item('two'), nested('three'), item('four')]);
    await alice.caretInTextblock(1, 1);
    await alice.page.keyboard.press('Enter');
    await expect.poll(() => blocks(alice)).toEqual([item('one'), item('t'), item('wo'), item('three'), item('four')]);
    const online = offline === bob ? alice : bob;
    await online.expectSaved();
    await offline.context.setOffline(false);
    await offline.expectSaved();

    const expected = [item('one'), item('t'), item('wo'), nested('three'), item('four')];
    await expect.poll(() => blocks(alice)).toEqual(expected); // before: "three" under "t", above "wo"
    await expect.poll(() => blocks(bob)).toEqual(expected);
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
}
